"""Mastodon against a protocol double: statuses, edits, limits, idempotency, failures."""

from __future__ import annotations

import pytest

from pkm.core.publish import (
    CannotEdit,
    RateLimited,
    RemoteGone,
    TargetAuthError,
    TooLarge,
    UncertainOutcome,
)

TOKEN = "mastodon-token-123"


@pytest.fixture
def social(pub, mastodon):
    pub.add_target("social", "mastodon", url=mastodon.url, secret=TOKEN)
    return mastodon


def test_publish_then_republish_updates_the_same_status(ws, pub, social, entry):
    first = pub.publish(entry.id, "social")
    assert first.action == "created" and first.remote_id in social.statuses
    post = social.writes("POST")[0]
    assert post.headers["Authorization"] == f"Bearer {TOKEN}"
    assert len(post.headers["Idempotency-Key"]) >= 32
    text = post.json()["status"]
    assert text.startswith(entry.title) and "the book (https://example.com/wol)" in text
    assert "#reflection" in text and post.json()["visibility"] == "public"

    ws.journal.save(entry.id, body="A sharper version of the thought.")
    second = pub.publish(entry.id, "social")
    assert second.action == "updated" and second.remote_id == first.remote_id
    assert len(social.statuses) == 1
    assert "A sharper version" in social.statuses[first.remote_id]["text"]
    assert [r.method for r in social.requests if r.path.startswith("/api/v1/statuses")] == [
        "POST",
        "PUT",
    ]


def test_the_limit_is_read_from_the_instance(pub, social, make_entry):
    social.limit = 120
    long = make_entry(body="word " * 100)
    with pytest.raises(TooLarge, match="more than the 120 this Mastodon server allows"):
        pub.publish(long.id, "social")
    assert social.writes("POST") == []


def test_a_long_reflection_links_back_to_the_blog(pub, social, micropub, make_entry):
    social.limit = 200
    long = make_entry(body="word " * 100)
    pub.add_target("blog", "micropub", url=micropub.url, secret="micropub-token-456")
    blog = pub.publish(long.id, "blog")
    status = pub.publish(long.id, "social")
    text = social.statuses[status.remote_id]["text"]
    assert text.endswith(blog.url + "\n\n#reflection")
    assert len(text) - len(blog.url) + 23 <= 200


def test_dry_run_shows_the_request_and_sends_nothing(pub, social, entry):
    result = pub.publish(entry.id, "social", dry_run=True)
    assert result.dry_run and result.action == "created"
    (req,) = result.requests
    assert req.method == "POST" and req.url == social.url + "/api/v1/statuses"
    assert req.headers["Authorization"] == "Bearer ***" and TOKEN not in req.show()
    assert entry.title in req.body
    assert social.writes("POST") == [] and pub.publications(entry.id) == []


def test_drafts_are_refused_with_advice(pub, social, entry):
    from pkm.core.errors import BadInput

    with pytest.raises(BadInput, match="no drafts"):
        pub.publish(entry.id, "social", draft=True)


def test_a_wrong_token_is_a_clear_401(pub, mastodon, entry):
    pub.add_target("social", "mastodon", url=mastodon.url, secret="wrong-token")
    with pytest.raises(
        TargetAuthError, match=r"refused the credentials .*\(401\).*write:statuses"
    ) as exc:
        pub.publish(entry.id, "social")
    assert "wrong-token" not in str(exc.value)
    assert pub.publications(entry.id)[0].state == "failed"


def test_rate_limit_says_when_to_retry(pub, social, entry):
    social.fail_next(429, headers={"Retry-After": "42"}, body={"error": "Too many requests"})
    with pytest.raises(RateLimited, match="after 42 seconds") as exc:
        pub.publish(entry.id, "social")
    assert exc.value.retry_after == 42
    assert pub.publish(entry.id, "social").action == "created"
    assert len(social.statuses) == 1


def test_timeout_after_posting_then_retry_does_not_duplicate(pub, social, entry):
    social.fail_next(mode="stall-after")  # the status is created, the answer never comes
    with pytest.raises(UncertainOutcome, match="may have been") as exc:
        pub.publish(entry.id, "social")
    assert "checks first instead of posting twice" in str(exc.value)
    pending = pub.publications(entry.id)[0]
    assert pending.state == "pending" and len(social.statuses) == 1
    result = pub.publish(entry.id, "social")
    assert result.action == "created" and len(social.statuses) == 1
    assert pub.publications(entry.id)[0].remote_id == result.remote_id


def test_dropped_connection_after_accepting_then_retry_uses_the_same_key(pub, social, entry):
    social.fail_next(mode="drop-after")
    with pytest.raises(UncertainOutcome, match="closed the connection"):
        pub.publish(entry.id, "social")
    keys = [r.headers["Idempotency-Key"] for r in social.writes("POST")]
    pub.publish(entry.id, "social")
    assert len(social.statuses) == 1
    assert len({*keys, *(r.headers.get("Idempotency-Key") for r in social.writes("POST"))}) == 1


def test_deleted_status_is_reported_and_can_be_published_anew(pub, social, entry):
    first = pub.publish(entry.id, "social")
    del social.statuses[first.remote_id]
    with pytest.raises(RemoteGone, match=r"was deleted\..*--as-new"):
        pub.publish(entry.id, "social")
    again = pub.publish(entry.id, "social", as_new=True)
    assert again.action == "created" and again.remote_id != first.remote_id
    assert list(social.statuses) == [again.remote_id]


def test_connection_refused_is_unreachable_not_uncertain(pub, entry):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    pub.add_target("social", "mastodon", url=f"http://127.0.0.1:{port}", secret=TOKEN)
    from pkm.core.publish import TargetUnreachable

    with pytest.raises(TargetUnreachable, match="connection was refused"):
        pub.publish(entry.id, "social")


def test_test_connection(pub, social):
    assert pub.test_target("social") == (
        f"Signed in to Mastodon at {social.url} as @anna; statuses up to 500 characters."
    )


def test_mastodon_can_edit_so_cannot_edit_never_raised(pub, social, entry):
    pub.publish(entry.id, "social")
    try:
        pub.publish(entry.id, "social")
    except CannotEdit:  # pragma: no cover - would be a bug
        pytest.fail("Mastodon statuses can be edited")
