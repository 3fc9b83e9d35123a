"""Microsoft Teams via a Workflows webhook ("Post to a channel when a webhook request is received").

The payload is a message with one Adaptive Card attachment (schema 1.4). A
card's TextBlock understands a small Markdown subset (bold, italic, lists,
links), so headings become bold text blocks and each paragraph its own
block. Workflows answers 202 Accepted with no message id, so a posted card
cannot be edited; Teams refuses messages over about 28 KB.
"""

from __future__ import annotations

import re
from typing import Any

from pkm.core.publish.base import Post
from pkm.core.publish.render import hashtags
from pkm.core.publish.webhook import WebhookAdapter

MAX_BYTES = 28_000
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"

NEW_FLOW = (
    "In Teams, open the channel's Workflows, check that the 'webhook request' flow is on "
    "(or create it again) and run 'pkm targets add NAME --kind teams --secret-stdin --replace' with its URL."
)

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_TASK = re.compile(r"^(\s*)[-*+]\s+\[([ xX])\]\s+")


def card_blocks(markdown: str) -> list[dict[str, Any]]:
    """Markdown -> TextBlocks, in the subset Adaptive Cards render."""
    blocks: list[dict[str, Any]] = []
    for para in re.split(r"\n\s*\n", markdown.strip()):
        lines = para.splitlines()
        if len(lines) == 1 and _HEADING.match(lines[0]):
            text = _HEADING.match(lines[0]).group(1)  # type: ignore[union-attr]
            blocks.append(
                {
                    "type": "TextBlock",
                    "text": text,
                    "weight": "Bolder",
                    "size": "Medium",
                    "wrap": True,
                    "spacing": "Medium",
                }
            )
            continue
        out = []
        for line in lines:
            line = _TASK.sub(lambda m: m.group(1) + ("- ☑ " if m.group(2) != " " else "- ☐ "), line)
            line = re.sub(r"~~(.+?)~~", r"\1", line)
            out.append(line)
        blocks.append({"type": "TextBlock", "text": "\n".join(out), "wrap": True})
    return blocks


class TeamsAdapter(WebhookAdapter):
    kind = "teams"
    label = "Microsoft Teams"
    max_bytes = MAX_BYTES
    hints = {
        400: "Teams did not accept the card; please report this as a pkm bug.",
        401: "The workflow refused the request. " + NEW_FLOW,
        403: "The workflow refused the request. " + NEW_FLOW,
        404: "The workflow no longer exists or is turned off. " + NEW_FLOW,
    }

    @classmethod
    def url_hint(cls) -> str:
        return (
            "Copy the URL of the channel's 'When a Teams webhook request is received' workflow "
            "and give it with --secret-stdin."
        )

    def payload(self, post: Post) -> dict[str, Any]:
        body: list[dict[str, Any]] = [
            {
                "type": "TextBlock",
                "text": post.title,
                "size": "Large",
                "weight": "Bolder",
                "wrap": True,
                "style": "heading",
            },
            *card_blocks(post.markdown),
        ]
        tags = hashtags(post, post.markdown)
        if tags:
            body.append({"type": "TextBlock", "text": tags, "isSubtle": True, "wrap": True})
        card = {
            "$schema": CARD_SCHEMA,
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": body,
            "msteams": {"width": "Full"},
        }
        return {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "contentUrl": None,
                    "content": card,
                }
            ],
        }
