"""Markdown to safe HTML, and Markdown to plain text.

Rendering happens in one place because the editor preview, exports and every
publishing target must agree on what a reflection looks like. The output is
always sanitized: a pasted `<script>` in a note must never run anywhere.
"""

from __future__ import annotations

import functools
import html
import re
import threading
import xml.etree.ElementTree as etree
from collections.abc import Callable
from urllib.parse import quote

import markdown
from markdown.blockprocessors import HashHeaderProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

from pkm.core.sanitize import clean_html
from pkm.core.syntax import TAG_RE, WIKILINK_RE

EXTENSIONS = [
    "tables",
    "fenced_code",
    "footnotes",
    "sane_lists",
    "nl2br",  # a journal's line breaks are the writer's, as in Day One
    "pymdownx.tasklist",
    "pymdownx.tilde",  # ~~strikethrough~~
]

LinkResolver = Callable[[str], bool]


def entry_url(title: str) -> str:
    return "pkm://entry/" + quote(title, safe="")


def tag_url(tag: str) -> str:
    return "pkm://tag/" + quote(tag.lower(), safe="")


class _WikiLinkProcessor(InlineProcessor):
    def __init__(self, resolver: Callable[[], LinkResolver | None]) -> None:
        super().__init__(WIKILINK_RE.pattern)
        self._resolver = resolver

    def handleMatch(self, m, data):
        target, alias = m.group(1).strip(), (m.group(2) or "").strip()
        a = etree.Element("a")
        a.set("href", entry_url(target))
        resolve = self._resolver()
        exists = resolve(target) if resolve else True
        a.set("title", target if exists else f"{target} (not written yet)")
        a.text = alias or target
        return a, m.start(0), m.end(0)


class _TagProcessor(InlineProcessor):
    def __init__(self) -> None:
        super().__init__(TAG_RE.pattern)

    def handleMatch(self, m, data):
        if m.start(0) > 0 and (data[m.start(0) - 1].isalnum() or data[m.start(0) - 1] in "&#/\\"):
            return None, None, None
        a = etree.Element("a")
        a.set("href", tag_url(m.group(1)))
        a.text = "#" + m.group(1)
        return a, m.start(0), m.end(0)


_LIST_ITEM_RE = re.compile(r"^\s{0,3}([-*+]|\d+[.)])\s+\S")
_FENCE_LINE_RE = re.compile(r"^\s{0,3}(```|~~~)")


class _ListAfterParagraph(Preprocessor):
    """Let a list start right under a line of text, as every modern editor does.

    Python-Markdown needs a blank line before a list; people typing a journal
    do not leave one and would see their bullets glued into the paragraph.
    """

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        in_fence = False
        for line in lines:
            if _FENCE_LINE_RE.match(line):
                in_fence = not in_fence
            elif (
                not in_fence
                and _LIST_ITEM_RE.match(line)
                and out
                and out[-1].strip()
                and not _LIST_ITEM_RE.match(out[-1])
                and not out[-1].startswith((" ", "\t", "|"))
            ):
                out.append("")
            out.append(line)
        return out


class _AtxHeading(HashHeaderProcessor):
    """`# Heading` is a heading; `#strategy #operations` on its own line is a line of tags.

    Python-Markdown follows the old Markdown.pl, where any line that starts with
    `#` is a heading. CommonMark and Obsidian need a space (or nothing) after
    the hashes, and a journal's tag line would otherwise be published as `<h1>`.
    """

    RE = re.compile(
        r"(?:^|\n)(?P<level>#{1,6})(?=[ \t]|\n|$)(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)"
    )


class _PkmSyntax(Extension):
    def __init__(self, resolver: Callable[[], LinkResolver | None]) -> None:
        super().__init__()
        self._resolver = resolver

    def extendMarkdown(self, md):
        # Above links (160) so [[x]] is not read as a reference link; tags low.
        md.inlinePatterns.register(_WikiLinkProcessor(self._resolver), "pkm_wikilink", 175)
        md.inlinePatterns.register(_TagProcessor(), "pkm_tag", 15)
        md.preprocessors.register(_ListAfterParagraph(md), "pkm_list_after_paragraph", 25)
        md.parser.blockprocessors.register(_AtxHeading(md.parser), "hashheader", 70)


_local = threading.local()


def _converter() -> markdown.Markdown:
    """Markdown instances are costly to build and not thread-safe: one per thread."""
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(
            extensions=[*EXTENSIONS, _PkmSyntax(lambda: getattr(_local, "resolver", None))],
            output_format="html",
        )
        _local.md = md
    return md


def render(text: str, *, resolver: LinkResolver | None = None) -> str:
    """Markdown -> sanitized HTML fragment. `resolver(title)` says if a wiki link exists."""
    md = _converter()
    _local.resolver = resolver
    try:
        raw = md.reset().convert(text)
    finally:
        _local.resolver = None
    return clean_html(raw)


def render_document(title: str, body: str, *, resolver: LinkResolver | None = None) -> str:
    """A standalone HTML page (export, email, PDF) with readable default styles."""
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{DOCUMENT_CSS}</style></head>"
        f"<body><article><h1>{html.escape(title)}</h1>\n{render(body, resolver=resolver)}"
        "</article></body></html>\n"
    )


DOCUMENT_CSS = (
    "body{font-family:Georgia,'Times New Roman',serif;max-width:42em;margin:2em auto;"
    "padding:0 1em;line-height:1.55;color:#222}"
    "h1,h2,h3{font-family:system-ui,sans-serif;line-height:1.2}"
    "blockquote{border-left:3px solid #bbb;margin-left:0;padding-left:1em;color:#444}"
    "pre,code{font-family:Menlo,Consolas,monospace;background:#f5f5f5}"
    "pre{padding:.6em;overflow-x:auto}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:.3em .6em}"
    "img{max-width:100%;height:auto}"  # a phone photo is wider than any page
)

# Only tags of real HTML elements are markup; `<wait>` or `a < b` in a sentence is text.
_HTML_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|big|blockquote|br|center|cite|code|del|details|dfn|div|em|font|hr|"
    r"i|img|ins|kbd|mark|p|pre|q|s|samp|small|span|strike|strong|sub|summary|sup|table|tbody|"
    r"td|th|thead|tr|tt|u|var|wbr)(?:\s[^<>]*)?/?>",
    re.I,
)
_PLAIN_RULES = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images -> alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links -> text
    (re.compile(r"\[\[([^\[\]|\n]+?)\|([^\[\]\n]+?)\]\]"), r"\2"),
    (re.compile(r"\[\[([^\[\]|\n]+?)\]\]"), r"\1"),
    (_HTML_TAG, " "),  # inline HTML tags
    (re.compile(r"<!--.*?-->", re.S), ""),  # HTML comments
    (re.compile(r"^\s{0,3}(#{1,6}|>+|[-*+]\s+\[[ xX]\]|[-*+]|\d+[.)])\s+", re.M), ""),
    (re.compile(r"(\*\*|__|~~|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w))"), ""),
    (re.compile(r"^\s*\|?[-:| ]{3,}\|?\s*$", re.M), ""),  # table rules
    (re.compile(r"[ \t]*\|[ \t]*"), " "),
]

_FENCE_START = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*$", re.M)


def split_code(text: str) -> list[tuple[bool, str]]:
    """(is_code, piece) in order: fenced blocks (fence lines dropped) and `code spans`.

    Code is what the writer typed, character for character: the plain text
    must not read Markdown, HTML or entities inside it. A fence left open runs
    to the end, as in CommonMark.
    """
    out: list[tuple[bool, str]] = []
    pos = 0
    while True:
        m = _FENCE_START.search(text, pos)
        if not m:
            break
        fence = m.group(1)
        close = re.compile(
            r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$", re.M
        ).search(text, m.end() + 1)
        end = close.start() if close else len(text)
        out.extend(_split_spans(text[pos : m.start()]))
        out.append((True, text[m.end() + 1 : end]))
        pos = close.end() + 1 if close else len(text)
    out.extend(_split_spans(text[pos:]))
    return [(code, piece) for code, piece in out if piece]


def _split_spans(text: str) -> list[tuple[bool, str]]:
    """Code spans: a run of N backticks up to the next run of exactly N, within a paragraph."""
    out: list[tuple[bool, str]] = []
    last = i = 0
    while (i := text.find("`", i)) >= 0:
        n = _BACKTICKS.match(text, i).end() - i  # type: ignore[union-attr]
        close = _closing_run(n).search(text, i + n)
        if close is None or close.start() == i + n or text.find("\n\n", i + n, close.start()) >= 0:
            i += n
            continue
        out.append((False, text[last:i]))
        out.append((True, text[i + n : close.start()]))
        last = i = close.end()
    out.append((False, text[last:]))
    return out


_BACKTICKS = re.compile("`+")


@functools.cache
def _closing_run(n: int) -> re.Pattern[str]:
    return re.compile(r"(?<!`)`{" + str(n) + r"}(?!`)")


_HOLE = re.compile("\x03(\\d+)\x03")


def to_plain(text: str, *, prose: Callable[[str], str] | None = None) -> str:
    """Markdown -> readable plain text, fast (indexing, previews, email text parts, networks).

    Markup is removed from the prose only; code is kept verbatim (it stands in
    the prose as a placeholder meanwhile, so line starts stay line starts), and
    so is any `<` or `&` that is not an HTML tag or entity. `prose` lets a
    caller rewrite the prose first (render.py writes links and list markers out).
    """
    code: list[str] = []
    pieces = []
    text = text.replace("\x03", "")
    parts = split_code(text) if "`" in text or "~~~" in text else [(False, text)]
    for is_code, piece in parts:
        if is_code:
            code.append(piece.rstrip("\n") if piece.endswith("\n") else piece)
            piece = f"\x03{len(code) - 1}\x03" + ("\n" if piece.endswith("\n") else "")
        pieces.append(piece)
    out = "".join(pieces)
    if prose is not None:
        out = prose(out)
    for rx, repl in _PLAIN_RULES:
        out = rx.sub(repl, out)
    out = html.unescape(out)
    return _HOLE.sub(lambda m: code[int(m.group(1))], out).strip()
