"""Mattermost incoming webhook: the entry as Markdown, which Mattermost renders natively.

Mattermost answers 200 "ok"; errors come as JSON with an `id` such as
`web.incoming_webhook.invalid.app_error` (400) or 403 when incoming webhooks
are turned off. A post holds at most 16,383 characters by default.
"""

from __future__ import annotations

from typing import Any

from pkm.core.publish.base import Post
from pkm.core.publish.render import hashtags
from pkm.core.publish.webhook import WebhookAdapter

MAX_CHARS = 16_383

NEW_WEBHOOK = (
    "Create a new incoming webhook (Integrations → Incoming Webhooks) and run "
    "'pkm targets add NAME --kind mattermost --secret-stdin --replace' again."
)


class MattermostAdapter(WebhookAdapter):
    kind = "mattermost"
    responses_note = "Responses can't be read from a Mattermost incoming webhook: it can only post."
    label = "Mattermost"
    options_help = {
        "channel": "post to this channel instead of the webhook's (if the webhook allows it)",
        "username": "show this name instead of the webhook's (if the server allows it)",
    }
    max_bytes = MAX_CHARS * 4
    hints = {
        400: "The webhook id is unknown or the message was refused. " + NEW_WEBHOOK,
        403: "Incoming webhooks are turned off on this server, or the webhook may not post "
        "to that channel. Ask the Mattermost administrator.",
        404: "This webhook no longer exists. " + NEW_WEBHOOK,
    }

    @classmethod
    def url_hint(cls) -> str:
        return "It looks like https://chat.example.com/hooks/…; give it with --secret-stdin."

    def text(self, post: Post) -> str:
        tags = hashtags(post, post.markdown)
        return f"#### {post.title}\n\n{post.markdown}" + (f"\n\n{tags}" if tags else "")

    def payload(self, post: Post) -> dict[str, Any]:
        text = self.text(post)
        if len(text) > MAX_CHARS:
            from pkm.core.publish.base import TooLarge

            raise TooLarge(
                f"The entry is too long for one Mattermost post ({len(text):,} characters; "
                f"the limit is {MAX_CHARS:,}). Shorten it, or publish it to a blog and post a link."
            )
        data: dict[str, Any] = {"text": text}
        for key in ("channel", "username"):
            if self.config.option(key):
                data[key] = self.config.option(key)
        return data
