"""Posts: a deliberate extract of an entry is what goes out, and nothing else of the day.

The core (pkm.core.journal.posts), the CLI (`pkm posts`, `pkm journal show`,
`pkm publish POST_ID`) and a real WordPress on 127.0.0.1 (.ci/wordpress-setup).
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from pkm.core.db import Store
from pkm.core.journal import ClipSource
from pkm.core.journal.posts import own_writing, suggest_title
from pkm.core.publish.limits import LINKEDIN_LIMIT, fit_for
from pkm.core.publish.render import build_post
from tests.publish.test_wordpress import blog, server_post

blog = blog  # the WordPress target fixture

QUOTE = "Trust is built in drops and lost in buckets."
MINE = "Leaders who share early build trust. It compounds. This last line is private."


def _day(ws) -> int:
    today = ws.journal.today()
    ws.journal.add_clip(
        ClipSource(title="On trust", url="https://example.com/t", author="Ann", feed="HBR"),
        QUOTE,
        entry_id=today.id,
    )
    ws.journal.save(today.id, body=ws.journal.get(today.id).body + MINE + " #secret-deal\n")
    return today.id


def test_own_writing_leaves_out_the_prompt_and_the_clipped_quotes(ws):
    day_id = _day(ws)
    entry = ws.journal.get(day_id)
    assert ws.journal.prompt() in entry.body and QUOTE in entry.body
    text, prompt_removed, left_out = own_writing(entry, ws.journal.template("daily"))
    assert text == MINE + " #secret-deal\n"
    assert prompt_removed and left_out == 1


def test_a_custom_template_line_is_left_out_too(ws):
    ws.journal.set_template("daily", "## Gratitude\n\n**{prompt}**\n\n")
    day_id = ws.journal.today().id
    ws.journal.save(day_id, body=ws.journal.get(day_id).body + "My words.\n")
    text, removed, _ = own_writing(ws.journal.get(day_id), ws.journal.template("daily"))
    assert text == "My words.\n" and removed


def test_title_is_the_heading_or_first_sentence_never_the_date():
    assert suggest_title("# Working out loud\n\nText.") == "Working out loud"
    assert suggest_title("2026-12-02\n\nShare early. Then often.") == "Share early"
    long = "word " * 30
    title = suggest_title(long)
    assert title.endswith("…") and len(title) <= 71 and " wor…" not in title
    assert suggest_title("Tuesday 1 December 2026\n\nNext.", avoid=["Tuesday 1 December 2026"]) == (
        "Next"
    )


def test_draft_tags_are_the_explicit_ones_and_those_in_the_extract(ws):
    day_id = _day(ws)
    ws.journal.save(day_id, tags=["board"])
    assert ws.journal.draft_post(day_id, "Leaders who share early build trust.").tags == ("board",)
    assert ws.journal.draft_post(day_id).tags == ("board", "secret-deal")


def test_cli_posts_new_list_show_and_search(ws, cli):
    day_id = _day(ws)
    r = cli("posts", "new", "--from", str(day_id), "--title", "Share early",
            "Leaders who share early build trust. It compounds.")  # fmt: skip
    assert r.code == 0, r.err
    post_id = int(r.out)
    shown = json.loads(cli("journal", "show", str(post_id), "--json").out)
    assert shown["kind"] == "post" and shown["source_id"] == day_id
    assert shown["source"] == {"id": day_id, "title": ws.journal.get(day_id).title}
    assert shown["body"] == "Leaders who share early build trust. It compounds.\n"
    source = json.loads(cli("journal", "show", str(day_id), "--json").out)
    assert source["posts"] == [{"id": post_id, "title": "Share early"}]
    listed = json.loads(cli("posts", "list", "--json").out)
    assert [(p["id"], p["source_id"], p["targets"]) for p in listed] == [(post_id, day_id, [])]
    found = json.loads(cli("search", "kind:post", "--json").out)
    assert [(h["id"], h["kind"]) for h in found] == [(post_id, "post")]


def test_cli_posts_new_without_text_takes_the_entrys_own_writing(ws, cli):
    day_id = _day(ws)
    post_id = int(cli("posts", "new", "--from", str(day_id)).out)
    post = ws.journal.get(post_id)
    assert post.body == MINE + " #secret-deal\n"
    assert post.title == "Leaders who share early build trust"
    with_sources = int(cli("posts", "new", "--from", str(day_id), "--with-sources", QUOTE).out)
    assert "*From my reading:* [On trust](https://example.com/t) · Ann · HBR" in (
        ws.journal.get(with_sources).body
    )


def test_cli_posts_new_refuses_an_entry_with_nothing_of_the_users(ws, cli):
    today = ws.journal.today().id  # only the prompt so far
    r = cli("posts", "new", "--from", str(today))
    assert r.code == 1
    assert "no writing of your own" in r.err and len(r.err.strip().splitlines()) == 1
    r = cli("posts", "new", "--from", "999")
    assert r.code == 1 and "There is no journal entry 999" in r.err


def test_publishing_a_whole_daily_entry_from_a_script_says_what_it_holds(ws, cli, tmp_path):
    day_id = _day(ws)
    cli("targets", "add", "out", "--kind", "folder", "--url", str(tmp_path / "out"))
    r = cli("publish", str(day_id), "--to", "out")
    assert r.code == 0, r.err
    # (The CLI runs on the real clock, the fixture's entry on the test clock's day.)
    assert "This is your whole day's entry, with the day's prompt and 1 clip." in r.err
    assert f"pkm posts new --from {day_id}" in r.err
    again = cli("publish", str(day_id), "--to", "out")  # an update: not asked again
    assert "whole day's entry" not in again.err


def test_post_state_per_target_and_edited_since(ws, pub, tmp_path, clock):
    day_id = _day(ws)
    post = ws.journal.new_post(source_id=day_id, title="Share early", body="Share early.\n")
    pub.add_target("out", "folder", url=str(tmp_path / "out"))
    assert pub.states(post.id) == []
    pub.publish(post.id, "out")
    [state] = pub.states(post.id)
    assert (state.target, state.state, state.edited_since) == ("out", "published", False)
    assert state.url.startswith("file://")
    clock.advance(minutes=1)
    ws.journal.save(post.id, body="Share early. And often.\n")
    assert pub.states(post.id)[0].edited_since


def test_limits_count_as_the_targets_do(ws):
    post = build_post(ws.journal.new_post(source_id=None, title="T", body="x " * 300))
    m = fit_for("mastodon", post, {"max_characters": 500})
    assert m.too_long and m.left < 0 and "too many for Mastodon" in m.counter("Mastodon")
    linked = build_post(ws.journal.get(post.entry_id), link="https://blog.example/p")
    m = fit_for("mastodon", linked, {"max_characters": 500})
    assert m.cut and not m.too_long and m.text.endswith("https://blog.example/p")
    li = fit_for("linkedin", post)
    assert li.limit == LINKEDIN_LIMIT and li.left == LINKEDIN_LIMIT - li.length
    assert fit_for("viva-engage", post).limit is None
    assert not fit_for("wordpress", post).plain


def test_migration_7_keeps_entries_ids_and_the_sequence(tmp_path):
    """A version-6 database with real rows upgrades: ids, text, and no id is reused."""
    from pkm.core import migrations

    path = tmp_path / "pkm.db"
    conn = sqlite3.connect(path)
    for version, _name, apply, _fk_off in migrations.MIGRATIONS[:6]:
        apply(conn)
        conn.execute(f"PRAGMA user_version = {version}")
    conn.execute(
        "INSERT INTO entries(kind, day, title, title_key, body, created, updated) VALUES "
        "('note', '2026-01-01', 'Kept', 'kept', 'Body', 't', 't')"
    )
    conn.execute(
        "INSERT INTO entries(kind, day, title, title_key, body, created, updated) VALUES "
        "('note', '2026-01-02', 'Gone', 'gone', 'x', 't', 't')"
    )
    conn.execute("DELETE FROM entries WHERE title = 'Gone'")
    conn.commit()
    conn.close()
    store = Store(path)
    try:
        assert store.scalar("PRAGMA user_version") >= 7
        row = store.one("SELECT id, body, version, source_id FROM entries")
        assert (row["id"], row["body"], row["version"], row["source_id"]) == (1, "Body", 1, None)
        with store.transaction() as c:
            c.execute(
                "INSERT INTO entries(kind, day, title, title_key, body, created, updated, "
                "source_id) VALUES ('post', '2026-01-03', 'P', 'p', 'x', 't', 't', 1)"
            )
        assert store.scalar("SELECT MAX(id) FROM entries") == 3  # 2 was used once: never again
    finally:
        store.close()


@pytest.mark.integration
def test_a_post_of_two_sentences_reaches_wordpress_with_nothing_else(ws, pub, blog):
    day_id = _day(ws)
    draft = ws.journal.draft_post(day_id, "Leaders who share early build trust. It compounds.")
    post = ws.journal.new_post(
        source_id=day_id, title="Share early, pkm test", body=draft.body, tags=draft.tags
    )
    result = pub.publish(post.id, "blog")
    sent = server_post(blog, result.remote_id)
    content = sent["content"]["raw"]
    assert "Leaders who share early build trust. It compounds." in content
    assert "private" not in content and QUOTE not in content
    assert ws.journal.prompt() not in content
    assert sent["title"]["raw"] == "Share early, pkm test"
    # The day's entry itself was never sent anywhere.
    assert pub.publications(day_id) == []
