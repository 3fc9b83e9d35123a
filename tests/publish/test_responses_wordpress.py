"""Hearing back from the real WordPress (.ci/wordpress-setup): comments, pending ones too."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.publish.test_wordpress import _auth

pytestmark = pytest.mark.integration


@pytest.fixture
def blog(pub, wordpress):
    pub.add_target("blog", "wordpress", url=wordpress["PKM_WP_URL"], user=wordpress["PKM_WP_USER"],
                   secret=wordpress["PKM_WP_APP_PASSWORD"])  # fmt: skip
    return wordpress


def add_comment(env: dict[str, str], post_id: str, **fields) -> dict:
    """A comment through WordPress's own REST API, as a reader's browser would leave it."""
    r = httpx.post(f"{env['PKM_WP_URL']}/wp-json/wp/v2/comments", json={"post": int(post_id), **fields},
                   headers=_auth(env), timeout=30)  # fmt: skip
    r.raise_for_status()
    return r.json()


def test_a_comment_added_through_the_rest_api_shows_up(ws, pub, blog, entry, cli):
    sent = pub.publish(entry.id, "blog")
    bob = add_comment(blog, sent.remote_id, author_name="Bob Reader", author_email="bob@example.com",
                      content="This changed how I run my Monday meeting.")  # fmt: skip
    held = add_comment(blog, sent.remote_id, author_name="Carol", author_email="carol@example.com",
                       content="Could you say more about <em>asking early</em>?", status="hold")  # fmt: skip
    mine = add_comment(blog, sent.remote_id, content="Thank you, Bob!")  # the author's own answer

    r = cli("responses", "refresh", str(entry.id))
    assert r.code == 0, r.err
    assert "blog (post" in r.out and "2 new" in r.out

    r = cli("responses", "list", str(entry.id), "--json")
    assert r.code == 0, r.err
    got = {d["author"]: d for d in json.loads(r.out)}
    assert set(got) == {"Bob Reader", "Carol"}, got  # not the author's own answer
    assert got["Bob Reader"]["kind"] == "comment" and got["Bob Reader"]["target"] == "blog"
    assert got["Bob Reader"]["text"] == "This changed how I run my Monday meeting."
    assert got["Bob Reader"]["url"] == bob["link"]
    assert got["Bob Reader"]["at"].startswith(bob["date_gmt"][:16])
    assert got["Carol"]["status"] == "pending" and got["Carol"]["text"] == (
        "Could you say more about asking early?"
    )
    assert held["id"] and mine["id"]

    again = ws.responses.refresh(entry.id)  # a second refresh never duplicates
    assert [(x.new, x.total) for x in again] == [(0, 2)]
    assert len(ws.responses.list(entry.id)) == 2


def test_comments_are_found_in_search_as_responses(ws, pub, blog, entry, cli):
    sent = pub.publish(entry.id, "blog")
    add_comment(blog, sent.remote_id, author_name="Dana", author_email="dana@example.com",
                content="The quarterly offsite should try this zebrafish approach.")  # fmt: skip
    ws.responses.refresh(entry.id)
    r = cli("search", "zebrafish kind:response source:blog", "--json")
    assert r.code == 0, r.err
    hits = json.loads(r.out)
    assert [h["kind"] for h in hits] == ["response"], hits
    assert hits[0]["title"] == f"Dana on {entry.title}"


def test_the_same_comments_through_metaweblog_on_wordpress(ws, pub, wordpress, entry):
    pub.add_target("xmlrpc", "metaweblog", url=wordpress["PKM_WP_URL"], user=wordpress["PKM_WP_USER"],
                   secret=wordpress["PKM_WP_APP_PASSWORD"])  # fmt: skip
    sent = pub.publish(entry.id, "xmlrpc")
    add_comment(wordpress, sent.remote_id, author_name="Erin", author_email="erin@example.com",
                content="Over XML-RPC too.", status="hold")  # fmt: skip
    add_comment(wordpress, sent.remote_id, content="My own answer.")
    [result] = ws.responses.refresh(entry.id)
    assert (result.new, result.error) == (1, "")
    [r] = ws.responses.list(entry.id)
    assert (r.kind, r.author, r.text, r.status) == (
        "comment",
        "Erin",
        "Over XML-RPC too.",
        "pending",
    )
    assert r.at.endswith("+00:00") and r.url.startswith(wordpress["PKM_WP_URL"])
