"""Clips: quoted passages with their source, so every idea keeps its origin."""

from __future__ import annotations

import re
import sqlite3

from pkm.core.changes import Change
from pkm.core.clock import Clock, iso
from pkm.core.db import Store
from pkm.core.journal.entries import save_in
from pkm.core.journal.model import Clip, ClipSource, Entry
from pkm.core.journal.rows import get_entry

# Where feed text would turn into HTML inside Markdown: '<' opening a tag, a comment or
# an autolink, '&' opening an entity. A '<' or '&' elsewhere ("a < b", "Q&A") stays as is.
_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_START = re.compile(r"&(?=#?\w+;)")


def md_text(text: str) -> str:
    """Feed text (a title, an author, a quoted passage) as Markdown that shows it literally:
    never raw HTML in the entry, nor in what is published from it."""
    return _HTML_START.sub("&lt;", _ENTITY_START.sub("&amp;", text))


def _md_url(url: str) -> str:
    """A link target that cannot end the `(...)` early nor hold markup."""
    return "".join(
        {"(": "%28", ")": "%29", " ": "%20", "<": "%3C", ">": "%3E"}.get(c, c) for c in url
    )


def attribution(source: ClipSource) -> str:
    """'— [Title](url) · Author · Feed · 2026-11-20' in Markdown, feed text escaped."""
    title = source.title.strip() or source.url or "Untitled"
    title = md_text(title.replace("[", "(").replace("]", ")"))
    parts = [f"[{title}]({_md_url(source.url)})" if source.url else title]
    parts += [
        md_text(p.strip()) for p in (source.author, source.feed, source.published[:10]) if p.strip()
    ]
    return "— " + " · ".join(parts)


def quote_block(quote: str, source: ClipSource) -> str:
    lines = [f"> {md_text(line)}".rstrip() for line in quote.strip().splitlines()]
    if lines:
        lines.append(">")
    lines.append(f"> {attribution(source)}")
    return "\n".join(lines)


def append_quote(body: str, quote: str, source: ClipSource) -> str:
    """The quote goes at the end, followed by an empty line: the editor opens with the
    cursor at the end, and what is typed there must be a new paragraph, not a line that
    Markdown folds into the quote."""
    block = quote_block(quote, source)
    body = body.rstrip("\n")
    return f"{body}\n\n{block}\n\n" if body else f"{block}\n\n"


def record_clip(
    conn: sqlite3.Connection, entry_id: int, quote: str, source: ClipSource, now: str
) -> int:
    cur = conn.execute(
        """INSERT INTO clips(entry_id, quote, title, url, feed, author, published, item_id, created)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            entry_id, quote, source.title, source.url, source.feed, source.author,
            source.published, source.item_id, now,
        ),
    )  # fmt: skip
    return int(cur.lastrowid)


def add_clip(
    store: Store, clock: Clock, entry_id: int, quote: str, source: ClipSource
) -> tuple[Entry, Change]:
    """Quote a passage into the entry, keeping its source as data as well as in the text."""
    # One transaction: the quote in the text and its source record land together.
    with store.transaction() as conn:
        target = get_entry(store, entry_id)
        body = append_quote(target.body, quote, source)
        change = save_in(
            conn, store, clock, target.id, None, body, None, force_revision=False, reason="clip"
        )
        record_clip(conn, target.id, quote, source, iso(clock()))
    change.entries.add(target.id)
    return get_entry(store, target.id), change


def clips_for(store: Store, entry_id: int) -> list[Clip]:
    rows = store.query("SELECT * FROM clips WHERE entry_id = ? ORDER BY id", (entry_id,))
    return [
        Clip(
            id=r["id"],
            entry_id=r["entry_id"],
            quote=r["quote"],
            source=ClipSource(
                r["title"], r["url"], r["feed"], r["author"], r["published"], r["item_id"]
            ),
            created=r["created"],
        )
        for r in rows
    ]
