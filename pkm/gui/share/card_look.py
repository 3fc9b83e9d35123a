"""What a Teams card or a Slack message will look like, drawn from the payload pkm sends.

The post window previews a channel message from the adapter's own payload
(the Adaptive Card, the Block Kit blocks), not from a second rendering, so
what the user sees is what the channel gets: headings, quotes, code and
tables as the card's elements, Slack's mrkdwn as Slack reads it. This is a
faithful sketch in Qt's rich text, not Teams' or Slack's renderer: fonts and
spacing are the window's.
"""

from __future__ import annotations

import html
import re
from typing import Any

from pkm.core.markdown import render

SUBTLE = "#6b6b6b"
EMPHASIS = "#f0f0f0"

# Slack mrkdwn (https://api.slack.com/reference/surfaces/formatting): *bold*, _italic_,
# ~strike~, `code`, ```pre```, > quote, <url|text>; &, < and > arrive escaped.
_LINK = re.compile(r"&lt;((?:https?|mailto):[^|&]+?)(?:\|(.+?))?&gt;")
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?!\s)(.+?)(?<!\s)~(?![\w~])")
_CODE = re.compile(r"`([^`\n]+)`")


def _inline_mrkdwn(text: str) -> str:
    """One line of mrkdwn (already HTML-escaped by Slack's own rules) as rich text."""
    out = html.escape(html.unescape(text), quote=False)
    out = _LINK.sub(lambda m: f"<a href='{m.group(1)}'>{m.group(2) or m.group(1)}</a>", out)
    out = _CODE.sub(r"<code>\1</code>", out)
    out = _BOLD.sub(r"<b>\1</b>", out)
    out = _ITALIC.sub(r"<i>\1</i>", out)
    return _STRIKE.sub(r"<s>\1</s>", out)


def mrkdwn_html(text: str) -> str:
    """A section's mrkdwn text as rich text: code fences, quotes, then inline marks."""
    parts: list[str] = []
    for n, chunk in enumerate(text.split("```")):
        if n % 2:  # inside a fence
            parts.append(f"<pre>{html.escape(html.unescape(chunk.strip(chr(10))))}</pre>")
            continue
        lines: list[str] = []
        quote: list[str] = []
        for line in chunk.strip("\n").split("\n"):
            if line.startswith(">"):
                quote.append(_inline_mrkdwn(line[1:].lstrip()))
                continue
            if quote:
                lines.append(_quote("<br>".join(quote)))
                quote = []
            if line.strip() or (lines and lines[-1]):  # one blank line at most
                lines.append(_inline_mrkdwn(line))
        if quote:
            lines.append(_quote("<br>".join(quote)))
        if any(lines):
            parts.append("<br>".join(lines))
    return "".join(parts)


def _quote(inner: str) -> str:
    return f"<blockquote style='color:#444444'>{inner}</blockquote>"


def slack_html(payload: dict[str, Any]) -> str:
    out = []
    for block in payload.get("blocks", []):
        kind = block.get("type")
        if kind == "header":
            out.append(f"<h3>{html.escape(block['text']['text'])}</h3>")
        elif kind == "section":
            out.append(f"<p>{mrkdwn_html(block['text']['text'])}</p>")
        elif kind == "context":
            texts = " ".join(mrkdwn_html(e.get("text", "")) for e in block.get("elements", []))
            out.append(f"<p style='color:{SUBTLE}; font-size:small'>{texts}</p>")
    return card("".join(out), bar="#4a154b")


def _text_block(block: dict[str, Any]) -> str:
    text = block.get("text", "")
    if block.get("style") == "heading" or block.get("size") in ("Large", "ExtraLarge"):
        return f"<h3>{html.escape(text)}</h3>"
    body = render(text)  # a TextBlock's Markdown subset is a subset of pkm's
    if block.get("weight") == "Bolder":
        body = f"<b>{body}</b>"
    if block.get("isSubtle"):
        body = f"<div style='color:{SUBTLE}'>{body}</div>"
    return body


def _element(el: dict[str, Any]) -> str:
    kind = el.get("type")
    if kind == "TextBlock":
        return _text_block(el)
    if kind == "RichTextBlock":
        runs = []
        for run in el.get("inlines", []):
            text = html.escape(run.get("text", ""))
            runs.append(f"<pre>{text}</pre>" if run.get("fontType") == "Monospace" else text)
        return "".join(runs)
    if kind == "Container":
        inner = "".join(_element(i) for i in el.get("items", []))
        if el.get("style") == "emphasis":
            return (
                f"<table width='100%' cellpadding='6'><tr><td bgcolor='{EMPHASIS}'>{inner}"
                "</td></tr></table>"
            )
        return inner
    if kind == "Table":
        rows = []
        for row in el.get("rows", []):
            cells = "".join(
                "<td>" + "".join(_element(i) for i in cell.get("items", [])) + "</td>"
                for cell in row.get("cells", [])
            )
            rows.append(f"<tr>{cells}</tr>")
        return (
            "<table border='1' cellspacing='0' cellpadding='4' "
            f"style='border-color:#c8c8c8'>{''.join(rows)}</table>"
        )
    if kind == "ColumnSet":
        cols = "".join(
            "<td>" + "".join(_element(i) for i in c.get("items", [])) + "</td>"
            for c in el.get("columns", [])
        )
        return f"<table width='100%'><tr>{cols}</tr></table>"
    return ""


def teams_html(payload: dict[str, Any]) -> str:
    content = payload["attachments"][0]["content"]
    return card("".join(_element(el) for el in content.get("body", [])), bar="#5b5fc7")


def card(inner: str, *, bar: str) -> str:
    """A message card: a coloured bar at the left, as both channels draw an app's post."""
    return (
        "<table width='100%' cellspacing='0' cellpadding='10' border='1' "
        "style='border-style:solid; border-color:#c8c8c8'><tr>"
        f"<td bgcolor='{bar}' width='4'></td><td>{inner}</td></tr></table>"
    )
