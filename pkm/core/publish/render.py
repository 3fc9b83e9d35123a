"""One rendering, adapted per target.

The entry's Markdown is rendered once by core.markdown (sanitized HTML); the
other forms are derived here: public HTML (pkm:// links are private to this
app and become plain text), Markdown for Mattermost, Slack's mrkdwn, plain
text with links written out (email, Mastodon, LinkedIn), and the cut-to-fit
text with a link back for networks with a length limit.
"""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

from pkm.core.journal import Entry
from pkm.core.markdown import render, to_plain
from pkm.core.publish.base import Post
from pkm.core.publish.post_media import images_in

_PKM_ANCHOR = re.compile(r'<a\b[^>]*\bhref="pkm://[^"]*"[^>]*>(.*?)</a>', re.S)
_WIKI_ALIAS = re.compile(r"\[\[([^\[\]|\n]+?)\|([^\[\]\n]+?)\]\]")
_WIKI = re.compile(r"\[\[([^\[\]|\n]+?)\]\]")
_MD_LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
# An image that is not on the web (the media store, or any local path): "[image: alt]".
_LOCAL_IMAGE = re.compile(r"!\[([^\]\n]*)\]\((?!https?://)[^)\n]*\)")
_FENCE = re.compile(r"^(```|~~~)", re.M)
# Fenced blocks (to their closing fence, or the end) and `code spans`, kept as written.
_CODE_REGION = re.compile(
    r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[ \t]*$|\Z)|(?<!`)(`+)(?!`)[^\n]+?(?<!`)\2(?!`)",
    re.M | re.S,
)
# List markers survive into plain text as •, ☐/☑ and "1."; \x02 keeps to_plain off them.
_TASK_DONE = re.compile(r"^(\s*)[-*+]\s+\[[xX]\]\s+", re.M)
_TASK_OPEN = re.compile(r"^(\s*)[-*+]\s+\[ \]\s+", re.M)
_BULLET = re.compile(r"^(\s*)[-*+]\s+(?=\S)", re.M)
_NUMBERED = re.compile(r"^(\s*)(\d+)[.)]\s+(?=\S)", re.M)

MASTODON_URL_LENGTH = 23  # every link counts as 23 characters on Mastodon


def public_html(fragment: str) -> str:
    """Unwrap links to pkm:// (wiki links, tags): readers elsewhere cannot follow them."""
    return _PKM_ANCHOR.sub(r"\1", fragment)


def public_markdown(md: str) -> str:
    """[[Title|alias]] -> alias, [[Title]] -> Title; the rest (and all code) is the author's."""
    out, last = [], 0
    for m in _CODE_REGION.finditer(md):
        out.append(_unwiki(md[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_unwiki(md[last:]))
    return "".join(out)


def _unwiki(text: str) -> str:
    return _WIKI.sub(r"\1", _WIKI_ALIAS.sub(r"\2", text))


def plain_with_links(md: str) -> str:
    """Readable plain text that keeps where links go: "[text](url)" -> "text (url)".

    Code and text are kept verbatim (`cost < 4 else "buy & <wait>"` stays so):
    only the prose's Markdown is rewritten, by core.markdown.to_plain.
    """

    def link(m: re.Match[str]) -> str:
        text, url = m.group(1), m.group(2)
        return url if text.strip() == url else f"{text} ({url})"

    def prose(text: str) -> str:
        text = _LOCAL_IMAGE.sub(_image_marker, text)
        text = _MD_LINK.sub(link, text)
        text = _TASK_DONE.sub("\\1☑\x02", text)
        text = _TASK_OPEN.sub("\\1☐\x02", text)
        text = _BULLET.sub("\\1•\x02", text)
        return _NUMBERED.sub("\\1\\2.\x02", text)

    out = to_plain(public_markdown(md), prose=prose).replace("\x02", " ")
    return out.replace("\x04", "[").replace("\x05", "]")


def _image_marker(m: re.Match[str]) -> str:
    alt = m.group(1).strip()
    return f"\x04image: {alt}\x05" if alt else "\x04image\x05"


def build_post(entry: Entry, *, link: str = "", media_home: Path | None = None) -> Post:
    """Render an entry once for every target. With ``media_home`` (the data folder) the
    post knows its images (post_media.images_in); what each target does with them is
    media_upload's business."""
    return Post(
        entry_id=entry.id,
        title=entry.title,
        markdown=public_markdown(entry.body).strip(),
        html=public_html(render(entry.body)).strip(),
        plain=plain_with_links(entry.body),
        tags=tuple(entry.tags),
        day=entry.day,
        link=link,
        images=images_in(entry.body, media_home),
    )


def hashtags(post: Post, text: str = "") -> str:
    """Tags not already written in the text, as #hashtags (spaces and dashes dropped)."""
    present = {t.lower() for t in re.findall(r"#(\w[\w-]*)", text)}
    tags = []
    for tag in post.tags:
        word = re.sub(r"[^\w]", "", tag)
        if word and word.lower() not in present and tag.lower() not in present:
            tags.append("#" + word)
    return " ".join(tags)


# ---- length limits (Mastodon and friends) ---------------------------------------------

_URL = re.compile(r"https?://\S+")


def counted_length(text: str, url_length: int = MASTODON_URL_LENGTH) -> int:
    """Length as Mastodon counts it: every URL is `url_length` characters."""
    total, last = 0, 0
    for m in _URL.finditer(text):
        total += len(text[last : m.start()]) + url_length
        last = m.end()
    return total + len(text[last:])


def fit(text: str, limit: int, link: str = "", url_length: int = MASTODON_URL_LENGTH) -> str:
    """`text` if it fits `limit`; otherwise cut at a word boundary, with '…' and the link.

    The caller checks that a link exists when the text is too long; without one
    the cut text would silently lose the end of the reflection.
    """
    if counted_length(text, url_length) <= limit:
        return text
    tail = f"…\n\n{link}" if link else "…"
    room = limit - counted_length(tail, url_length)
    cut = ""
    for word in re.split(r"(\s+)", text):
        if counted_length(cut + word, url_length) > room:
            break
        cut += word
    return cut.rstrip() + tail


# ---- Slack mrkdwn ------------------------------------------------------------------------

_BOLD = "\x01"  # stands for Slack's * until italics are converted
_SLACK_RULES = [
    (re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M), _BOLD + r"\1" + _BOLD),  # heading
    (re.compile(r"\*\*(.+?)\*\*|__(.+?)__"), None),  # bold
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"_\1_"),  # *it* -> _it_
    (re.compile(r"~~(.+?)~~"), r"~\1~"),
    (re.compile(r"^(\s*)[-*+]\s+\[[xX]\]\s+", re.M), r"\1☑ "),
    (re.compile(r"^(\s*)[-*+]\s+\[ \]\s+", re.M), r"\1☐ "),
    (re.compile(r"^(\s*)[-*+]\s+", re.M), r"\1• "),
]


def slack_escape(text: str) -> str:
    """Slack's only required escapes: & < > (mrkdwn uses <url|text> for links)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTE = re.compile(r"^[ \t]{0,3}(?:&gt;[ \t]?)+", re.M)
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)([^\n]+?)(?<!`)\1(?!`)")


TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def table_cells(line: str) -> list[str]:
    """The cells of one Markdown table row (`\\|` is a | inside a cell)."""
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)]


def table_at(lines: list[str], i: int) -> tuple[list[list[str]], int] | None:
    """The table starting at lines[i] (header, rule, rows) and the index after it, or None."""
    if "|" not in lines[i] or i + 1 >= len(lines) or not TABLE_RULE.match(lines[i + 1]):
        return None
    rows, j = [table_cells(lines[i])], i + 2
    while j < len(lines) and "|" in lines[j] and lines[j].strip():
        rows.append(table_cells(lines[j]))
        j += 1
    return rows, j


def _aligned(rows: list[list[str]]) -> str:
    """A table as monospace text with its columns lined up (Slack has no tables)."""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    sizes = [max(len(r[c]) for r in rows) for c in range(width)]
    lines = ["  ".join(cell.ljust(sizes[c]) for c, cell in enumerate(r)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * n for n in sizes))
    return "\n".join(lines)


def slack_mrkdwn(md: str) -> str:
    """Markdown -> Slack mrkdwn, following Slack's "Formatting text for app surfaces".

    Only & < > are escaped, everywhere (code too); a quote's `>` at the start
    of a line stays raw, or Slack shows "&gt;" as text. Code blocks become
    ```…``` (Slack has no language tag) with their text untouched, and so do
    tables, with their columns lined up (Slack has no tables).
    """
    out: list[str] = []
    prose: list[str] = []
    lines = public_markdown(md).splitlines()
    i = 0
    while i < len(lines):
        table = table_at(lines, i)
        if table:
            if prose:
                out.append(_slack_text("\n".join(prose)))
                prose = []
            out.append("```\n" + slack_escape(_aligned(table[0])) + "\n```")
            i = table[1]
            continue
        m = _FENCE_LINE.match(lines[i])
        if not m:
            prose.append(lines[i])
            i += 1
            continue
        fence, body = m.group(1), []
        i += 1
        while i < len(lines) and not re.match(
            r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$", lines[i]
        ):
            body.append(lines[i])
            i += 1
        i += 1
        if prose:
            out.append(_slack_text("\n".join(prose)))
            prose = []
        out.append("```\n" + slack_escape("\n".join(body)) + "\n```")
    if prose:
        out.append(_slack_text("\n".join(prose)))
    return "\n".join(out).strip()


def _slack_text(text: str) -> str:
    kept: list[str] = []

    def keep(piece: str) -> str:
        kept.append(piece)
        return f"\x00{len(kept) - 1}\x00"

    text = _INLINE_CODE.sub(lambda m: keep("`" + slack_escape(m.group(2)) + "`"), text)
    text = _MD_LINK.sub(lambda m: keep(f"<{m.group(2)}|{slack_escape(m.group(1))}>"), text)
    text = slack_escape(text)
    text = _QUOTE.sub("> ", text)  # a quote stays a quote (Slack knows one level)
    for rx, repl in _SLACK_RULES:
        if repl is None:
            text = rx.sub(lambda m: _BOLD + (m.group(1) or m.group(2)) + _BOLD, text)
        else:
            text = rx.sub(repl, text)
    text = text.replace(_BOLD, "*")
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)


def chunks(text: str, size: int) -> list[str]:
    """Split at paragraph, then line, then word boundaries into pieces of at most `size`.

    A boundary of a coarser kind wins when it keeps at least half the piece, so
    code lines and paragraphs are not cut in the middle when they need not be.
    """
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > size:
        cut = -1
        for sep in ("\n\n", "\n", " "):
            cut = rest.rfind(sep, 0, size)
            if cut >= size // 2:
                break
        if cut <= 0:
            cut = size
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


_FENCE_MARK = re.compile(r"^```", re.M)


def mrkdwn_sections(text: str, size: int) -> list[str]:
    """`chunks` for mrkdwn: a code block cut between two sections is closed at the end
    of the first and opened again at the start of the next, so each part shows as code
    (a lone ``` would show as text and turn the rest of the message into code)."""
    room = size - 8  # for the "\n```" closing one piece and the "```\n" opening the next
    pieces = chunks(text, room)
    out: list[str] = []
    carry = False
    for piece in pieces:
        if carry:
            piece = "```\n" + piece
        carry = len(_FENCE_MARK.findall(piece)) % 2 == 1
        out.append(piece + "\n```" if carry else piece)
    return out


def html_to_text(fragment: str) -> str:
    """Very small HTML -> text for checks and previews (tags dropped, entities decoded)."""
    return htmllib.unescape(re.sub(r"<[^>]+>", "", fragment))
