"""Micropub against a double that follows the W3C Recommendation."""

from __future__ import annotations

import pytest

from pkm.core.publish import (
    PublishError,
    RemoteGone,
    TargetAuthError,
    TargetForbidden,
    TooLarge,
    UncertainOutcome,
)
from tests.publish import doubles

TOKEN = "micropub-token-456"


@pytest.fixture
def site(pub, micropub):
    pub.add_target("site", "micropub", url=micropub.url, secret=TOKEN)
    return micropub


def test_discovery_create_and_update(ws, pub, site, entry):
    first = pub.publish(entry.id, "site")
    assert first.action == "created" and first.url == f"{site.url}/posts/1"
    create = site.writes("POST")[0]
    assert create.path == "/micropub" and create.headers["Authorization"] == f"Bearer {TOKEN}"
    body = create.json()
    assert body["type"] == ["h-entry"]
    props = body["properties"]
    assert props["name"] == [entry.title] and props["post-status"] == ["published"]
    assert set(props["category"]) == {"reflection", "leadership"}
    assert "<strong>working out loud</strong>" in props["content"][0]["html"]

    ws.journal.save(entry.id, body="Second thoughts, **better** ones.")
    second = pub.publish(entry.id, "site")
    assert second.action == "updated" and second.url == first.url
    update = site.writes("POST")[1].json()
    assert update["action"] == "update" and update["url"] == first.url
    assert "<strong>better</strong>" in site.posts[first.url]["content"][0]["html"]
    assert len(site.posts) == 1


def test_endpoint_from_an_html_link_element(pub, entry):
    server = doubles.Micropub(via_header=False)
    try:
        pub.add_target("site", "micropub", url=server.url, secret=TOKEN)
        assert pub.publish(entry.id, "site").url == f"{server.url}/posts/1"
    finally:
        server.close()


def test_draft(pub, site, entry):
    result = pub.publish(entry.id, "site", draft=True)
    assert result.status == "draft"
    assert site.posts[result.url]["post-status"] == ["draft"]


def test_no_endpoint_is_a_clear_error(pub, webhooks, entry):
    pub.add_target("nosite", "micropub", url=webhooks.url, secret=TOKEN)
    from pkm.core.publish import PublishError

    with pytest.raises(PublishError):
        pub.publish(entry.id, "nosite")


def test_401_and_403_are_told_apart(pub, site, entry):
    site.fail_next(401, body={"error": "unauthorized", "error_description": "Token expired"})
    with pytest.raises(TargetAuthError, match=r"\(401\): \"Token expired\".*IndieAuth"):
        pub.publish(entry.id, "site")
    pub.add_target("site", "micropub", url=site.url, secret="someone-elses-token")
    with pytest.raises(TargetForbidden, match=r"\(403, not allowed\)"):
        pub.publish(entry.id, "site")


def test_413_too_large(pub, site, entry):
    site.max_body = 100
    with pytest.raises(TooLarge, match="413"):
        pub.publish(entry.id, "site")
    assert pub.publications(entry.id)[0].state == "failed"


def test_dropped_after_accepting_then_retry_finds_the_post(pub, site, entry):
    site.fail_next(mode="drop-after")
    with pytest.raises(UncertainOutcome):
        pub.publish(entry.id, "site")
    assert len(site.posts) == 1 and pub.publications(entry.id)[0].state == "pending"
    result = pub.publish(entry.id, "site")
    assert result.action == "created" and result.url == f"{site.url}/posts/1"
    assert len(site.posts) == 1
    get = [r for r in site.requests if r.method == "GET" and r.query.get("q") == ["source"]]
    assert get, "the retry looked the post up first"


def test_dropped_before_handling_then_retry_creates_once(pub, site, entry):
    site.fail_next(mode="drop-before")
    with pytest.raises(UncertainOutcome):
        pub.publish(entry.id, "site")
    assert site.posts == {}
    pub.publish(entry.id, "site")
    assert len(site.posts) == 1


def test_server_that_cannot_list_posts_leaves_the_decision_to_the_user(pub, entry):
    server = doubles.Micropub(lists_posts=False)
    try:
        pub.add_target("site", "micropub", url=server.url, secret=TOKEN)
        server.fail_next(mode="drop-after")
        with pytest.raises(UncertainOutcome):
            pub.publish(entry.id, "site")
        with pytest.raises(UncertainOutcome, match="cannot tell"):
            pub.publish(entry.id, "site")
        assert len(server.posts) == 1
        assert pub.publish(entry.id, "site", as_new=True).action == "created"
        assert len(server.posts) == 2  # the user chose to post anew
    finally:
        server.close()


def test_deleted_post(pub, site, entry):
    first = pub.publish(entry.id, "site")
    del site.posts[first.url]
    with pytest.raises(RemoteGone, match="--as-new"):
        pub.publish(entry.id, "site")
    assert pub.publish(entry.id, "site", as_new=True).action == "created"


def test_test_connection(pub, site):
    assert "accepted the token" in pub.test_target("site")


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_temporary_server_error_says_try_again_later(pub, site, entry, status):
    site.fail_next(status, body="<html>Bad gateway</html>")
    with pytest.raises(
        PublishError, match=rf"unavailable for now \({status}, a temporary.*Try again later"
    ):
        pub.publish(entry.id, "site")


def test_a_permanent_server_error_names_the_reason_not_try_again(pub, site, entry):
    site.fail_next(500, body={"error": "internal_error",
                              "error_description": "Unknown property: post-status"})  # fmt: skip
    with pytest.raises(PublishError) as exc:
        pub.publish(entry.id, "site")
    message = str(exc.value)
    assert '(500): "Unknown property: post-status"' in message
    assert "trying again will not fix" in message and "Try again later" not in message
    site.fail_next(400, body={"error": "invalid_request", "error_description": "No content"})
    with pytest.raises(PublishError) as exc:
        pub.publish(entry.id, "site")
    assert '(400): "No content"' in str(exc.value) and "Try again later" not in str(exc.value)


def test_a_timeout_is_transient(pub, site, entry):
    site.fail_next(mode="drop-before", method="GET")  # reading the site for its endpoint
    with pytest.raises(PublishError, match="Try again later"):
        pub.publish(entry.id, "site")
