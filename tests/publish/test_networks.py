"""Enterprise networks: Teams, Slack, Mattermost webhooks and Viva Engage, against doubles."""

from __future__ import annotations

import pytest

from pkm.core.errors import BadInput
from pkm.core.publish import (
    CannotEdit,
    PublishError,
    RateLimited,
    TargetAuthError,
    TargetForbidden,
    TooLarge,
    UncertainOutcome,
)
from tests.publish.conftest import stored_bytes
from tests.publish.doubles import Webhooks

YAMMER_TOKEN = "yammer-token-789"


@pytest.fixture
def hooks(pub, webhooks):
    pub.add_target("slack", "slack", secret=webhooks.url + Webhooks.SLACK)
    pub.add_target("teams", "teams", secret=webhooks.url + Webhooks.TEAMS)
    pub.add_target("mm", "mattermost", secret=webhooks.url + Webhooks.MATTERMOST)
    return webhooks


def test_slack_blocks(pub, hooks, entry):
    result = pub.publish(entry.id, "slack")
    assert result.action == "created" and result.status == "sent"
    (msg,) = hooks.messages["slack"]
    header, section, *rest = msg["blocks"]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": entry.title, "emoji": True},
    }
    assert section["text"]["type"] == "mrkdwn"
    assert "*working out loud*" in section["text"]["text"]
    assert "<https://example.com/wol|the book>" in section["text"]["text"]
    assert "• say what you are learning" in section["text"]["text"]
    assert rest[-1]["type"] == "context" and "#reflection" in rest[-1]["elements"][0]["text"]
    assert msg["text"].startswith(entry.title)


def test_teams_adaptive_card(pub, hooks, entry):
    pub.publish(entry.id, "teams")
    (msg,) = hooks.messages["teams"]
    att = msg["attachments"][0]
    assert (
        msg["type"] == "message" and att["contentType"] == "application/vnd.microsoft.card.adaptive"
    )
    card = att["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert card["body"][0]["text"] == entry.title and card["body"][0]["style"] == "heading"
    texts = "\n".join(b.get("text", "") for b in card["body"])
    assert "**working out loud**" in texts and "[the book](https://example.com/wol)" in texts


def test_mattermost_markdown(pub, hooks, entry):
    pub.publish(entry.id, "mm")
    (msg,) = hooks.messages["mattermost"]
    assert msg["text"].startswith(f"#### {entry.title}\n\n")
    assert "**working out loud**" in msg["text"] and "[[" not in msg["text"]


def test_webhooks_cannot_edit_and_only_post_again_when_asked(ws, pub, hooks, entry):
    pub.publish(entry.id, "slack")
    ws.journal.save(entry.id, body="An update to the thought.")
    with pytest.raises(CannotEdit, match=r"cannot edit a post.*--as-new") as exc:
        pub.publish(entry.id, "slack")
    assert f"pkm publish {entry.id} --to slack --as-new" in str(exc.value)
    assert len(hooks.messages["slack"]) == 1
    again = pub.publish(entry.id, "slack", as_new=True)
    assert again.action == "created" and len(hooks.messages["slack"]) == 2
    assert "An update to the thought." in hooks.messages["slack"][1]["blocks"][1]["text"]["text"]


def test_webhook_url_is_a_secret(ws, pub, hooks, entry, cli):
    secret_path = Webhooks.SLACK.split("/", 2)[2]  # everything after /services/
    result = pub.publish(entry.id, "slack", dry_run=True)
    assert secret_path not in result.requests[0].show()
    assert result.requests[0].url.endswith("/services/***")
    pub.publish(entry.id, "slack")
    listing = cli("targets", "list", "--json")
    assert secret_path not in listing.out
    assert secret_path.encode() not in stored_bytes(ws.home)


def test_revoked_slack_webhook(pub, webhooks, entry):
    pub.add_target("slack", "slack", secret=webhooks.url + "/services/T000/B000/revoked")
    with pytest.raises(
        PublishError,
        match=r"\(404\): \"no_service\".*Create a new incoming webhook.*pkm targets add slack ",
    ):
        pub.publish(entry.id, "slack")


def test_teams_flow_gone_and_too_large(pub, hooks, webhooks, make_entry):
    pub.add_target("gone", "teams", secret=webhooks.url + "/workflows/deleted/run")
    e = make_entry()
    with pytest.raises(PublishError, match=r"\(404\): \"The workflow could not be found.\""):
        pub.publish(e.id, "gone")
    huge = make_entry(body="paragraph of text\n\n" * 3000)
    with pytest.raises(TooLarge, match="too long for Microsoft Teams"):
        pub.publish(huge.id, "teams")
    assert hooks.messages["teams"] == []


def test_slack_refuses_a_message_of_too_many_blocks(pub, hooks, make_entry):
    huge = make_entry(body=("x" * 2900 + "\n\n") * 60)
    with pytest.raises(TooLarge, match="50"):
        pub.publish(huge.id, "slack")


def test_server_413_and_429(pub, hooks, entry, make_entry):
    hooks.fail_next(413, body="payload too large")
    with pytest.raises(TooLarge, match="413"):
        pub.publish(entry.id, "mm")
    hooks.fail_next(429, headers={"Retry-After": "7"}, body="rate_limited")
    other = make_entry()
    with pytest.raises(RateLimited, match="after 7 seconds"):
        pub.publish(other.id, "slack")
    assert pub.publish(other.id, "slack").action == "created"


def test_unanswered_webhook_is_not_retried_blindly(pub, hooks, entry):
    hooks.fail_next(mode="drop-after")
    with pytest.raises(UncertainOutcome, match="--as-new"):
        pub.publish(entry.id, "teams")
    with pytest.raises(UncertainOutcome, match="may have been posted"):
        pub.publish(entry.id, "teams")
    assert len(hooks.messages["teams"]) == 1


def test_bad_webhook_urls_are_refused(pub):
    with pytest.raises(BadInput, match="https://"):
        pub.add_target("s", "slack", secret="http://hooks.example.com/services/x")
    with pytest.raises(BadInput, match="not a Slack incoming webhook URL"):
        pub.add_target("s", "slack", secret="https://hooks.slack.com")


def test_webhook_test_does_not_post(pub, hooks):
    assert "cannot be checked without posting" in pub.test_target("slack")
    assert hooks.requests == []


# ---- Viva Engage -----------------------------------------------------------------------------


@pytest.fixture
def engage(pub, yammer):
    pub.add_target("engage", "viva-engage", url=yammer.url, secret=YAMMER_TOKEN,
                   options={"group_id": "4242"})  # fmt: skip
    return yammer


def test_viva_engage_posts_to_the_group_then_replies_when_asked(ws, pub, engage, entry):
    first = pub.publish(entry.id, "engage")
    (post,) = engage.writes()
    assert (
        post.path == "/api/v1/messages.json"
        and post.headers["Authorization"] == f"Bearer {YAMMER_TOKEN}"
    )
    form = post.form()
    assert form["group_id"] == "4242" and form["body"].startswith(entry.title)
    assert "the book (https://example.com/wol)" in form["body"]
    assert first.url.endswith(f"/threads/{first.remote_id}#{first.remote_id}")

    ws.journal.save(entry.id, body="What changed since.")
    with pytest.raises(CannotEdit, match="reply in the same thread"):
        pub.publish(entry.id, "engage")
    second = pub.publish(entry.id, "engage", as_new=True)
    reply = engage.writes()[1].form()
    assert reply["replied_to_id"] == first.remote_id and "group_id" not in reply
    assert reply["body"].startswith("Updated: ") and "What changed since." in reply["body"]
    assert second.remote_id == first.remote_id  # still the same thread


def test_viva_engage_errors(pub, engage, entry, yammer):
    pub.add_target("other", "viva-engage", url=yammer.url, secret=YAMMER_TOKEN,
                   options={"group_id": "1"})  # fmt: skip
    with pytest.raises(TargetForbidden, match="community 1"):
        pub.publish(entry.id, "other")
    pub.add_target("engage", "viva-engage", url=yammer.url, secret="not-a-valid-token-000",
                   options={"group_id": "4242"})  # fmt: skip
    with pytest.raises(TargetAuthError, match="expired or revoked") as exc:
        pub.publish(entry.id, "engage")
    assert "not-a-valid-token-000" not in str(exc.value) and "Bearer" not in str(exc.value)


def test_viva_engage_needs_a_group(pub, yammer):
    with pytest.raises(BadInput, match="group_id"):
        pub.add_target("engage", "viva-engage", url=yammer.url, secret=YAMMER_TOKEN)


def test_viva_engage_test_connection(pub, engage):
    assert (
        pub.test_target("engage")
        == "Signed in to Viva Engage as Anna Example; posting to 'Leadership team'."
    )
