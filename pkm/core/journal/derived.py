"""What SQLite derives from an entry's text: its tags, its wiki links, its index key.

Written in the same transaction as the text itself, so a crash can never
leave an entry whose tags or links disagree with what it says.
"""

from __future__ import annotations

import sqlite3

from pkm.core import syntax
from pkm.core.indexing import queue_index


def entry_key(entry_id: int) -> str:
    """The entry's key in the search index ("entry:12")."""
    return f"entry:{entry_id}"


def write_derived(conn: sqlite3.Connection, entry_id: int, body: str, explicit: list[str]) -> None:
    """Replace the entry's tags (explicit ones plus #tags in the text) and links; queue it."""
    conn.execute("DELETE FROM entry_tags WHERE entry_id = ?", (entry_id,))
    tags: dict[str, int] = {t: 1 for t in explicit if t}
    for t in syntax.extract_tags(body):
        tags.setdefault(t, 0)
    conn.executemany(
        "INSERT INTO entry_tags(entry_id, tag, explicit) VALUES (?, ?, ?)",
        [(entry_id, t, e) for t, e in tags.items()],
    )
    conn.execute("DELETE FROM links WHERE src_id = ?", (entry_id,))
    conn.executemany(
        "INSERT INTO links(src_id, target_key, target_text) VALUES (?, ?, ?)",
        [(entry_id, k, text) for k, text in syntax.extract_links(body).items()],
    )
    queue_index(conn, [entry_key(entry_id)])
