"""Microsoft Teams via a Workflows webhook ("Post to a channel when a webhook request is received").

The payload is a message with one Adaptive Card attachment, version 1.5:
the newest version Teams supports, and the first with `Table` and the
`heading` text style. Every card the tests build is checked against
Microsoft's published 1.5 schema (tests/publish/schemas/), which has no room
for Teams' own extensions (`msteams`, the `CodeBlock` element), so the card
uses neither.

A TextBlock understands only a small Markdown subset (bold, italic, lists,
links), so the entry is turned into card elements block by block: headings
are heading TextBlocks, tables are `Table`s, code is a monospace RichTextBlock
(its TextRuns read no Markdown, so code stays as typed) in an emphasis
Container, and a quote is an emphasis Container holding its own blocks.
`fallbackText` carries the text for clients older than 1.5. Workflows
answers 202 Accepted with no message id, so a posted card cannot
be edited; Teams refuses messages over about 28 KB.
"""

from __future__ import annotations

import re
from typing import Any

from pkm.core.publish.base import Post
from pkm.core.publish.render import fit, hashtags, table_at
from pkm.core.publish.webhook import WebhookAdapter

MAX_BYTES = 28_000
FALLBACK_CHARS = 2_000
CARD_VERSION = "1.5"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"

NEW_FLOW = (
    "In Teams, open the channel's Workflows, check that the 'webhook request' flow is on "
    "(or create it again) and run 'pkm targets add NAME --kind teams --secret-stdin --replace' with its URL."
)

_HEADING = re.compile(r"^\s{0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_TASK = re.compile(r"^(\s*)[-*+]\s+\[([ xX])\]\s+")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTE = re.compile(r"^ {0,3}> ?")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)([^\n]+?)(?<!`)\1(?!`)")


def _text(md: str) -> str:
    """A TextBlock's Markdown subset: tasks as ☑/☐, no ~~ or `code` marks (unsupported)."""
    lines = []
    for line in md.splitlines():
        line = _TASK.sub(lambda m: m.group(1) + ("- ☑ " if m.group(2) != " " else "- ☐ "), line)
        line = re.sub(r"~~(.+?)~~", r"\1", line)
        lines.append(_CODE_SPAN.sub(r"\2", line))
    return "\n".join(lines)


def _table(rows: list[list[str]]) -> dict[str, Any]:
    width = max(len(r) for r in rows)
    return {
        "type": "Table",
        "columns": [{"width": 1} for _ in range(width)],
        "firstRowAsHeader": True,
        "rows": [
            {
                "type": "TableRow",
                "cells": [
                    {
                        "type": "TableCell",
                        "items": [
                            {
                                "type": "TextBlock",
                                "text": _text(cell) if cell else " ",
                                "wrap": True,
                                **({"weight": "Bolder"} if n == 0 else {}),
                            }
                        ],
                    }
                    for cell in row + [""] * (width - len(row))
                ],
            }
            for n, row in enumerate(rows)
        ],
    }


def _code(lines: list[str]) -> dict[str, Any]:
    return {
        "type": "Container",
        "style": "emphasis",
        "items": [
            {
                "type": "RichTextBlock",
                "inlines": [
                    {"type": "TextRun", "text": "\n".join(lines) or " ", "fontType": "Monospace"}
                ],
            }
        ],
    }


def card_blocks(markdown: str) -> list[dict[str, Any]]:
    """Markdown -> Adaptive Card 1.5 elements, block by block (see the module's docstring)."""
    blocks: list[dict[str, Any]] = []
    para: list[str] = []
    separator = False

    def add(block: dict[str, Any]) -> None:
        nonlocal separator
        if separator:
            block["separator"] = True
            separator = False
        blocks.append(block)

    def flush() -> None:
        if para and any(p.strip() for p in para):
            add({"type": "TextBlock", "text": _text("\n".join(para).strip()), "wrap": True})
        para.clear()

    lines = markdown.strip().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            flush()
            mark, body = fence.group(1), []
            close = re.compile(r"^ {0,3}" + re.escape(mark[0]) + "{" + str(len(mark)) + r",}\s*$")
            i += 1
            while i < len(lines) and not close.match(lines[i]):
                body.append(lines[i])
                i += 1
            add(_code(body))
            i += 1
            continue
        if _QUOTE.match(line):
            flush()
            inner = []
            while i < len(lines) and (_QUOTE.match(lines[i]) or (inner and lines[i].strip())):
                inner.append(_QUOTE.sub("", lines[i], count=1))
                i += 1
            add(
                {
                    "type": "Container",
                    "style": "emphasis",
                    "items": card_blocks("\n".join(inner)) or [{"type": "TextBlock", "text": " "}],
                }
            )
            continue
        table = table_at(lines, i)
        if table:
            flush()
            add(_table(table[0]))
            i = table[1]
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            add(
                {
                    "type": "TextBlock",
                    "text": heading.group(2),
                    "style": "heading",
                    "weight": "Bolder",
                    "size": "Medium" if len(heading.group(1)) <= 2 else "Default",
                    "wrap": True,
                    "spacing": "Medium",
                }
            )
        elif _RULE.match(line) and not para:
            separator = True
        elif not line.strip():
            flush()
        else:
            para.append(line)
        i += 1
    flush()
    return blocks


class TeamsAdapter(WebhookAdapter):
    kind = "teams"
    responses_note = "Responses can't be read from a Teams incoming webhook: it can only post."
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
            "version": CARD_VERSION,
            "body": body,
            # what a Teams client older than 1.5 shows instead of the card
            "fallbackText": fit(f"{post.title}\n\n{post.plain}", FALLBACK_CHARS, post.link),
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
