"""What each line of Markdown looks like in the styled editor: spans, no Qt.

The editor (live_style.py) styles a line at a time, as QSyntaxHighlighter
asks; this module says, for one line's text and whether a code fence is
open above it, which ranges are headings, bold, links, chips and so on.
It is pure Python so it can be tested and timed alone, and it never changes
the text: every span is a (start, end) range of the line as stored.

Tags and wiki links use pkm.core.syntax's TAG_RE and WIKILINK_RE, with inline
code blanked out character for character (offsets stay), exactly as
extraction blanks it: what is drawn as a chip is what the journal counts as
a tag or a link.

Folded ranges (a link's ``](https://…)``, a wiki link's brackets, the ``**``
of bold) belong to a *reveal* range: while the cursor is inside that range
they are shown as faint marks, otherwise they take no space on screen.
Heading marks (``## ``) stay visible, faint: they say which level it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pkm.core.media import REF_RE
from pkm.core.syntax import TAG_RE, WIKILINK_RE, normalize_tag

FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")
HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(?=\S)")
RULE_RE = re.compile(r"^\s{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
QUOTE_RE = re.compile(r"^(?:[ \t]{0,3}>[ \t]?)+")
TASK_RE = re.compile(r"^([ \t]*)([-*+])[ \t]+\[([ xX])\](?=[ \t]|$)")
BULLET_RE = re.compile(r"^([ \t]*)([-*+])[ \t]+(?=\S)")
NUMBER_RE = re.compile(r"^([ \t]*)(\d{1,9}[.)])[ \t]+")
CODE_RE = re.compile(r"`[^`\n]+`")  # as pkm.core.syntax blanks it before extraction
IMAGE_RE = re.compile(r"!\[([^\]\n]*)\]\(([^)\s]+)\)")
LINK_RE = re.compile(r"(?<![!\[])\[([^\[\]\n]+)\]\(([^()\s]+)(?:[ \t]+\"[^\"\n]*\")?\)")
URL_RE = re.compile(r"(?<![\w(/<\"'])(?:https?://|mailto:)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]")
BOLD_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
ITALIC_RE = re.compile(
    r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])|(?<![_\w])_(?=\S)(.+?)(?<=\S)_(?!\w)"
)
STRIKE_RE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")


@dataclass(frozen=True, slots=True)
class Span:
    """One styled range of a line. ``kind`` names the look (see live_style.FORMATS);
    ``data`` is what a click acts on (a link's target, a tag, an image's path, a
    task's box " " or "x"); ``group`` ties a folded range to its reveal range."""

    start: int
    end: int
    kind: str
    data: str = ""
    group: int = -1


@dataclass(slots=True)
class LineStyle:
    base: str = ""  # "", "h1".."h6", "quote", "fence", "fence-mark", "rule", "image"
    spans: list[Span] = field(default_factory=list)
    reveals: list[tuple[int, int]] = field(default_factory=list)  # cursor inside: unfold
    in_fence: bool = False  # a code fence is open after this line
    image: str = ""  # the media reference a line that is only an image shows

    def reveal_at(self, pos: int) -> tuple[int, ...]:
        """The reveal groups the cursor at ``pos`` (in this line) is in (a bold word inside
        a link is in both): their folded marks are shown while it is there."""
        return tuple(n for n, (start, end) in enumerate(self.reveals) if start <= pos <= end)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with these ranges replaced by spaces of the same length."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _free(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return all(end <= a or start >= b for a, b in taken)


CACHED_CHARS = 2_000  # longer lines are parsed each time: the cache keeps every version typed


def parse_line(text: str, in_fence: bool = False) -> LineStyle:
    """How one line looks; cached by (text, fence state), so repainting costs nothing.

    Each keystroke makes a new version of its line, and the cache keeps it; a line
    longer than CACHED_CHARS (a pasted chapter without line breaks) is not cached, so
    the cache stays a few megabytes at most."""
    if len(text) > CACHED_CHARS:
        return _parse(text, in_fence)
    return _cached(text, in_fence)


@lru_cache(maxsize=2048)
def _cached(text: str, in_fence: bool) -> LineStyle:
    return _parse(text, in_fence)


def _parse(text: str, in_fence: bool) -> LineStyle:
    style = LineStyle()
    fence = FENCE_RE.match(text)
    if in_fence:
        style.base = "fence-mark" if fence else "fence"
        style.in_fence = not fence
        return style
    if fence:
        style.base, style.in_fence = "fence-mark", True
        return style
    spans = style.spans
    body = 0  # where the inline text starts
    if m := HEADING_RE.match(text):
        style.base = f"h{len(m.group(1))}"
        spans.append(Span(0, m.end(), "mark"))
        body = m.end()
    elif RULE_RE.match(text):
        style.base = "rule"
        spans.append(Span(0, len(text), "mark"))
        return style
    else:
        if m := QUOTE_RE.match(text):
            style.base = "quote"
            spans.append(Span(0, m.end(), "quote-mark"))
            body = m.end()
        rest = text[body:]
        if m := TASK_RE.match(rest):
            box = body + m.start(3) - 1
            spans.append(Span(body + m.start(2), body + m.end(2), "hide"))
            spans.append(Span(box, box + 3, "checkbox", m.group(3).lower()))
            if m.group(3) != " ":
                rest_start = len(text) - len(text[box + 3 :].lstrip())
                spans.append(Span(rest_start, len(text), "done"))
            body += m.end()
        elif m := BULLET_RE.match(rest):
            spans.append(Span(body + m.start(2), body + m.end(2), "bullet"))
            body += m.end()
        elif m := NUMBER_RE.match(rest):
            spans.append(Span(body + m.start(2), body + m.end(2), "number"))
            body += m.end()
        stripped = text.strip()
        if (m := IMAGE_RE.fullmatch(stripped)) and REF_RE.match(m.group(2)):
            style.base, style.image = "image", m.group(2)
            start = text.index("!")
            style.reveals.append((0, len(text)))
            spans.append(Span(start, start + 1, "image-anchor", m.group(2)))
            spans.append(Span(start + 1, len(text), "fold", group=0))
            return style
    _inline(text, body, style)
    return style


def _inline(text: str, body: int, style: LineStyle) -> None:
    spans = style.spans
    code = [(m.start(), m.end()) for m in CODE_RE.finditer(text, body)]
    for start, end in code:
        _marked(style, start, end, 1, "code")
    masked = _blank(text, code)
    taken = list(code)

    for m in WIKILINK_RE.finditer(masked, body):
        g = len(style.reveals)
        style.reveals.append((m.start(), m.end()))
        target = m.group(1).strip()
        shown_start = m.start(2) if m.group(2) else m.start(1)
        shown_end = m.end(2) if m.group(2) else m.end(1)
        spans.append(Span(m.start(), shown_start, "fold", group=g))
        spans.append(Span(shown_start, shown_end, "wiki", target, g))
        spans.append(Span(shown_end, m.end(), "fold", group=g))
        taken.append((m.start(), m.end()))

    for m in IMAGE_RE.finditer(masked, body):
        if _free(taken, m.start(), m.end()):
            g = len(style.reveals)
            style.reveals.append((m.start(), m.end()))
            spans.append(Span(m.start(), m.start(2) - 2, "mark"))
            spans.append(Span(m.start(2) - 2, m.end(), "fold", group=g))
            taken.append((m.start(), m.end()))

    for m in LINK_RE.finditer(masked, body):
        if not _free(taken, m.start(), m.end()):
            continue
        g = len(style.reveals)
        style.reveals.append((m.start(), m.end()))
        spans.append(Span(m.start(), m.start(1), "fold", group=g))
        spans.append(Span(m.start(1), m.end(1), "link", m.group(2), g))
        spans.append(Span(m.end(1), m.end(), "fold", group=g))
        taken.append((m.start(), m.end()))

    for m in URL_RE.finditer(masked, body):
        if _free(taken, m.start(), m.end()):
            spans.append(Span(m.start(), m.end(), "url", m.group(0)))
            taken.append((m.start(), m.end()))

    for m in TAG_RE.finditer(masked, body):
        if _free(taken, m.start(), m.end()):
            spans.append(Span(m.start(), m.end(), "tag", normalize_tag(m.group(1))))

    plain = _blank(masked, taken)  # emphasis marks inside links and code are not emphasis
    for m in BOLD_RE.finditer(plain, body):
        _marked(style, m.start(), m.end(), len(m.group(1)), "bold")
    for m in ITALIC_RE.finditer(_blank(plain, _bold_marks(plain, body)), body):
        _marked(style, m.start(), m.end(), 1, "italic")
    for m in STRIKE_RE.finditer(plain, body):
        _marked(style, m.start(), m.end(), 2, "strike")


def _marked(style: LineStyle, start: int, end: int, n: int, kind: str) -> None:
    """``**bold**``, ``*it*``, ``~~gone~~``, `` `code` ``: the marks fold away (Obsidian's
    live preview) and come back, faint, while the cursor is inside or touching them."""
    g = len(style.reveals)
    style.reveals.append((start, end))
    style.spans.append(Span(start, start + n, "fold", group=g))
    style.spans.append(Span(start + n, end - n, kind))
    style.spans.append(Span(end - n, end, "fold", group=g))


def _bold_marks(text: str, body: int) -> list[tuple[int, int]]:
    """The ``**`` pairs, so ``**bold**`` is not read as two italics."""
    out = []
    for m in BOLD_RE.finditer(text, body):
        n = len(m.group(1))
        out += [(m.start(), m.start() + n), (m.end() - n, m.end())]
    return out
