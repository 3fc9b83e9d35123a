"""Slack incoming webhook: a header block with the title, the text as mrkdwn sections.

Slack's limits shape the message: a header holds 150 characters, a section
3,000, a message 50 blocks; the top-level `text` is the notification
fallback. A code block longer than a section is closed and opened again
in each section it spans; quotes keep their raw `>` (render.slack_mrkdwn).
The tests check every payload with slack_sdk's block models. Slack answers "ok", or a plain-text code such as `invalid_blocks`,
`no_service` (404, webhook revoked) or `channel_is_archived` (410).
"""

from __future__ import annotations

from typing import Any

from pkm.core.publish.base import Post, TooLarge
from pkm.core.publish.render import hashtags, mrkdwn_sections, slack_escape, slack_mrkdwn
from pkm.core.publish.webhook import WebhookAdapter

MAX_BLOCKS = 50
SECTION = 3000
HEADER = 150

NEW_WEBHOOK = (
    "Create a new incoming webhook for the channel (Slack app settings → Incoming Webhooks) "
    "and run 'pkm targets add NAME --kind slack --secret-stdin --replace' again."
)


class SlackAdapter(WebhookAdapter):
    kind = "slack"
    responses_note = "Responses can't be read from a Slack incoming webhook: it can only post."
    label = "Slack"
    hints = {
        400: "Slack did not accept the message format; please report this as a pkm bug.",
        403: "The webhook was revoked or posting is not allowed. " + NEW_WEBHOOK,
        404: "This webhook no longer exists (the app was removed or the webhook revoked). "
        + NEW_WEBHOOK,
        410: "The channel was archived. Unarchive it, or use a webhook for another channel.",
    }

    @classmethod
    def url_hint(cls) -> str:
        return (
            "It looks like https://hooks.slack.com/services/T…/B…/…; give it with --secret-stdin."
        )

    def payload(self, post: Post) -> dict[str, Any]:
        title = post.title if len(post.title) <= HEADER else post.title[: HEADER - 1] + "…"
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": title, "emoji": True}}
        ]
        for piece in mrkdwn_sections(slack_mrkdwn(post.markdown), SECTION):
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": piece}})
        tags = hashtags(post, post.markdown)
        if tags:
            blocks.append(
                {"type": "context", "elements": [{"type": "mrkdwn", "text": slack_escape(tags)}]}
            )
        if len(blocks) > MAX_BLOCKS:
            raise TooLarge(
                f"The entry is too long for one Slack message ({len(blocks)} blocks; Slack allows "
                f"{MAX_BLOCKS}). Shorten it, or publish it to a blog and post a link."
            )
        summary = post.plain[:300].rstrip() + ("…" if len(post.plain) > 300 else "")
        return {"text": slack_escape(f"{post.title}\n{summary}"), "blocks": blocks}
