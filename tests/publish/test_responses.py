"""Hearing back (issue 13) against the protocol doubles: Mastodon, Viva Engage, webhooks.

The real servers (WordPress, Synapse, Dovecot) have their own files
(test_responses_wordpress.py, test_responses_matrix.py, test_responses_email.py).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from pkm.core.db import DB_NAME, Store
from pkm.core.migrations import MIGRATIONS
from pkm.core.publish.responses import Schedule
from tests.publish.doubles import Mastodon, Webhooks

TOKEN = "mastodon-token-123"
YAMMER = "yammer-token-789"


@pytest.fixture
def social(pub, mastodon):
    pub.add_target("social", "mastodon", url=mastodon.url, secret=TOKEN)
    return mastodon


@pytest.fixture
def engage(pub, yammer):
    pub.add_target("engage", "viva-engage", url=yammer.url, secret=YAMMER,
                   options={"group_id": "4242"})  # fmt: skip
    return yammer


def test_mastodon_replies_favourites_and_boosts_with_who(ws, pub, social, entry, cli):
    sid = pub.publish(entry.id, "social").remote_id
    bob = Mastodon.account("bob@other.example", "Bob Reader", "501")
    social.reply(sid, bob, "Trying this with my team on Monday.", "2026-11-22T10:15:00.000Z")
    social.reply(sid, Mastodon.account("anna", "Anna", "1"), "Thanks, Bob!", "2026-11-22T10:20:00Z")
    social.favourites[sid] = [
        Mastodon.account(f"fan{i}", f"Fan {i}", str(1000 + i)) for i in range(85)
    ]
    social.reblogs[sid] = [bob]

    r = cli("responses", "refresh", str(entry.id))
    assert r.code == 0, r.err
    assert "87 new, 87 responses in all" in r.out  # 1 reply (not anna's own) + 85 + 1

    found = json.loads(cli("responses", "list", str(entry.id), "--json").out)
    kinds = [d["kind"] for d in found]
    assert kinds.count("reply") == 1 and kinds.count("like") == 85 and kinds.count("boost") == 1
    reply = next(d for d in found if d["kind"] == "reply")
    assert reply == {
        "id": reply["id"], "target": "social", "kind": "reply", "author": "Bob Reader (@bob@other.example)",
        "text": "Trying this with my team on Monday.", "url": f"{social.url}/@bob@other.example/102",
        "at": "2026-11-22T10:15:00+00:00", "post_id": entry.id, "status": "",
    }  # fmt: skip
    # The favourites came in two pages, following Link: rel="next".
    pages = [r for r in social.requests if r.path.endswith("/favourited_by")]
    assert len(pages) == 2 and pages[1].query["max_id"] == ["80"]
    # Nothing was written on the server while reading.
    assert [r.method for r in social.requests if r.method != "GET"] == ["POST"]

    again = ws.responses.refresh(entry.id)
    assert [(x.new, x.total) for x in again] == [(0, 87)]
    assert ws.responses.counts(entry.id) == {"social": {"reply": 1, "like": 85, "boost": 1}}

    # A reply is clipped into today's entry with its source, like a feed item.
    r = cli("responses", "clip", str(reply["id"]))
    assert r.code == 0, r.err
    today = ws.journal.get(int(r.out.rsplit("(entry ", 1)[1].split(")")[0]))
    assert today.kind == "daily"
    assert "> Trying this with my team on Monday." in today.body
    assert (
        f"Reply on “{entry.title}”" in today.body
        and "Bob Reader (@bob@other.example)" in today.body
    )
    [clip] = ws.journal.clips(today.id)
    assert clip.source.url == reply["url"] and clip.source.feed == "social"
    like = next(d for d in found if d["kind"] == "like")
    r = cli("responses", "clip", str(like["id"]))
    assert r.code == 1 and "no words to clip" in r.err


def test_viva_engage_replies_in_the_thread_and_likes(ws, pub, engage, entry):
    thread = int(pub.publish(entry.id, "engage").remote_id)
    for i in range(24):  # more than one page of 20
        engage.reply_as(
            thread, 30 + i, f"Colleague {i}", f"Answer {i}", "2026/11/22 11:00:00 +0100"
        )
    engage.like(thread, 41, "Dana Director")
    pub.publish(entry.id, "engage", as_new=True)  # pkm's own "Updated:" reply is no response
    [result] = ws.responses.refresh(entry.id)
    assert (result.new, result.total, result.error) == (25, 25, "")
    got = ws.responses.list(entry.id)
    replies = [r for r in got if r.kind == "reply"]
    assert len(replies) == 24 and {r.author for r in replies} == {
        f"Colleague {i}" for i in range(24)
    }
    assert replies[0].at == "2026-11-22T10:00:00+00:00" and replies[0].url.startswith(engage.url)
    [like] = [r for r in got if r.kind == "like"]
    assert (like.author, like.remote_id) == ("Dana Director", "41")
    assert sum(1 for r in engage.requests if "in_thread" in r.path) == 2  # followed older_than


def test_one_failing_target_never_stops_the_others_and_backs_off(
    ws, pub, social, engage, entry, clock
):
    pub.publish(entry.id, "social")
    thread = int(pub.publish(entry.id, "engage").remote_id)
    engage.reply_as(thread, 30, "Colleague", "Good point.", "2026/11/22 11:00:00 +0000")
    social.fail_next(503, method="GET", body={"error": "Service unavailable"})

    results = {r.target: r for r in ws.responses.refresh(entry.id)}
    assert "server error (503)" in results["social"].error
    assert (results["engage"].new, results["engage"].error) == (1, "")

    # Backoff: the next refresh, even on demand, does not ask the failing server yet.
    asked = len(social.requests)
    results = {r.target: r for r in ws.responses.refresh(entry.id)}
    assert results["social"].skipped.startswith("waiting until")
    assert len(social.requests) == asked
    clock.advance(minutes=16)
    results = {r.target: r for r in ws.responses.refresh(entry.id)}
    assert results["social"].error == "" and not results["social"].skipped


def test_a_429_waits_what_retry_after_says(ws, pub, social, entry, clock):
    pub.publish(entry.id, "social")
    social.fail_next(429, method="GET", headers={"Retry-After": "7200"})
    [r] = ws.responses.refresh(entry.id)
    assert "rate limiting (429)" in r.error
    next_at = ws.store.scalar("SELECT next_at FROM response_checks")
    assert dt.datetime.fromisoformat(next_at) == clock.now + dt.timedelta(hours=2)
    clock.advance(minutes=90)
    assert ws.responses.refresh(entry.id)[0].skipped.startswith("waiting until")
    clock.advance(minutes=31)
    assert ws.responses.refresh(entry.id)[0].skipped == ""


def test_the_schedule_often_then_rarely_then_never(ws, pub, social, entry, clock):
    assert Schedule().interval(dt.timedelta(days=2)) == dt.timedelta(hours=6)
    assert Schedule().interval(dt.timedelta(days=40)) == dt.timedelta(days=7)
    assert Schedule().interval(dt.timedelta(days=181)) is None
    ws.settings.set("responses.often_hours", 1)
    ws.settings.set("responses.stop_days", "not a number")  # a typo falls back, never stops
    assert ws.responses.schedule == Schedule(often_hours=1)

    pub.publish(entry.id, "social")
    assert len(ws.responses.refresh(due_only=True)) == 1  # never checked: due
    assert ws.responses.refresh(due_only=True) == []  # checked a moment ago: not due
    clock.advance(minutes=61)
    assert len(ws.responses.refresh(due_only=True)) == 1
    clock.advance(days=200)
    assert ws.responses.refresh(due_only=True) == []  # too old for the schedule
    assert ws.responses.refresh() == []  # and for "refresh everything"
    assert len(ws.responses.refresh(entry.id)) == 1  # but asked by name, it is read


def test_webhooks_say_in_words_that_responses_cannot_be_read(ws, pub, webhooks, entry, cli):
    pub.add_target("slack", "slack", secret=webhooks.url + Webhooks.SLACK)
    pub.publish(entry.id, "slack")
    [r] = ws.responses.refresh(entry.id)
    assert not r.readable and r.skipped == (
        "Responses can't be read from a Slack incoming webhook: it can only post."
    )
    assert len(webhooks.requests) == 1  # only the post itself: nothing was asked
    out = cli("responses", "list", str(entry.id))
    assert out.code == 0
    assert "slack: Responses can't be read from a Slack incoming webhook" in out.err
    assert "0" not in out.out  # never an empty zero
    listed = cli("targets", "list")
    assert "Responses can't be read from a Slack incoming webhook" in listed.out
    assert cli("targets", "list", "--json").json()[0]["responses"].startswith("Responses can't")


def test_bad_input_is_one_line_and_exit_1(ws, entry, cli):
    for args, said in [
        (("responses", "list", "abc"), "'abc' is not a post id"),
        (("responses", "refresh", "999"), "999"),
        (("responses", "list", str(entry.id)), "has not been published anywhere"),
    ]:
        r = cli(*args)
        assert r.code == 1, (args, r.err)
        assert said in r.err and len(r.err.strip().splitlines()) == 1, r.err


def test_upgrading_from_the_version_before_responses_keeps_its_rows(tmp_path):
    path = tmp_path / DB_NAME
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    before = next(i for i, m in enumerate(MIGRATIONS) if m[1].endswith("_responses"))
    for version, _name, apply, _fk in MIGRATIONS[:before]:
        apply(conn)
        conn.execute(f"PRAGMA user_version={version}")
    conn.execute(
        "INSERT INTO entries(kind, day, title, title_key, body, created, updated) "
        "VALUES ('post', '2026-01-01', 'Post', 'post', 'Text', '2026-01-01', '2026-01-01')"
    )
    conn.execute(
        "INSERT INTO publish_targets(name, kind, created, updated) VALUES ('blog', 'wordpress', '', '')"
    )
    conn.execute(
        "INSERT INTO publications(entry_id, target_id, state, remote_id, idempotency_key, created,"
        " updated) VALUES (1, 1, 'published', '12', 'k', '2026-01-01', '2026-01-01')"
    )
    conn.close()
    store = Store(path)
    try:
        assert store.scalar("SELECT remote_id FROM publications") == "12"
        assert store.scalar("SELECT COUNT(*) FROM responses") == 0
        with store.transaction() as c:
            c.execute(
                "INSERT INTO responses(publication_id, kind, remote_id, at, first_seen, updated) "
                "VALUES (1, 'comment', '5', '', '', '')"
            )
            c.execute("DELETE FROM publish_targets")  # removing a target removes what came back
        assert store.scalar("SELECT COUNT(*) FROM responses") == 0
    finally:
        store.close()


def test_what_resonated_says_nothing_it_cannot_back():
    from pkm.core.publish.responses import Resonance, resonance_summary

    def post(words: int, total: int) -> Resonance:
        return Resonance(1, "t", "", words, {"blog": total} if total else {},
                         {"comment": total} if total else {})  # fmt: skip

    assert resonance_summary([post(10, 3)] * 3).startswith("After a few more posts")
    assert resonance_summary([post(10, 0)] * 5).startswith("After a few more posts")
    assert resonance_summary([post(10, 1), post(20, 1), post(300, 1), post(400, 1)]) == (
        "Short and long posts drew about as many responses (1.0 and 1.0 each)."
    )
    assert resonance_summary([post(10, 0), post(20, 1), post(300, 5), post(400, 4)]) == (
        "Longer posts drew more: 4.5 responses each, against 0.5 for shorter ones "
        "(the split is at 300 words)."
    )


def test_micropub_hears_back_through_webmentions_when_offered(ws, pub, micropub, entry, cli):
    from tests.publish.doubles import WebmentionIO

    mentions = WebmentionIO()
    try:
        pub.add_target("site", "micropub", url=micropub.url, secret="micropub-token-456")
        url = pub.publish(entry.id, "site").url
        [r] = ws.responses.refresh(entry.id)
        assert not r.readable and "--option webmentions=https://webmention.io" in r.skipped
        bad = cli("targets", "add", "site", "--kind", "micropub", "--url", micropub.url,
                  "--option", "webmentions=ftp://x", "--replace")  # fmt: skip
        assert bad.code == 1 and "is not the address of a Webmention service" in bad.err

        pub.add_target("site", "micropub", url=micropub.url, options={"webmentions": mentions.url})
        mentions.mention(url, "in-reply-to", "Dana Director", "Exactly what our board needs.",
                         "2026-11-22T08:00:00+01:00")  # fmt: skip
        mentions.mention(url, "like-of", "Eve Analyst")
        mentions.mention(url, "repost-of", "Finn Founder")
        mentions.mention(url, "bookmark-of", "Gil Reader")  # a bookmark is no answer
        mentions.mention(url + "-other", "like-of", "Someone Else")
        [r] = ws.responses.refresh(entry.id)
        assert (r.new, r.error) == (3, "")
        got = {x.kind: x for x in ws.responses.list(entry.id)}
        assert set(got) == {"reply", "like", "boost"}
        assert (got["reply"].author, got["reply"].text) == (
            "Dana Director",
            "Exactly what our board needs.",
        )
        assert got["reply"].at == "2026-11-22T07:00:00+00:00"
        assert "Authorization" not in mentions.requests[0].headers  # mentions are public
    finally:
        mentions.close()
