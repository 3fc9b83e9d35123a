"""Retention: read items older than N days go; starred and clipped items stay forever.

A purged item leaves a tombstone (feed, guid) so that a feed which still
carries it cannot bring it back as unread. A tombstone is forgotten once the
feed has stopped carrying that guid for a while.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from pkm.core.clock import iso
from pkm.core.db import chunks, marks
from pkm.core.feeds.items import item_key_of
from pkm.core.indexing import queue_index

DEFAULT_DAYS = 30
TOMBSTONE_DAYS = 90


def purge(conn: sqlite3.Connection, days: int, now: dt.datetime) -> tuple[set[int], set[int]]:
    """Delete old read items; returns (deleted ids, duplicates promoted to originals)."""
    if days <= 0:
        return set(), set()
    cutoff = iso(now - dt.timedelta(days=days))
    rows = conn.execute(
        """SELECT id, feed_id, guid FROM items
           WHERE read = 1 AND starred = 0 AND sort_at < ?
             AND NOT EXISTS (SELECT 1 FROM clips c WHERE c.item_id = items.id)""",
        (cutoff,),
    ).fetchall()
    stamp = iso(now)
    conn.executemany(
        "INSERT INTO item_tombstones(feed_id, guid, last_seen) VALUES (?, ?, ?) "
        "ON CONFLICT(feed_id, guid) DO UPDATE SET last_seen = excluded.last_seen",
        [(r[1], r[2], stamp) for r in rows if r[1] is not None],
    )
    deleted = {r[0] for r in rows}
    promoted = _delete(conn, sorted(deleted))
    conn.execute(
        "DELETE FROM item_tombstones WHERE last_seen < ?",
        (iso(now - dt.timedelta(days=max(TOMBSTONE_DAYS, 2 * days))),),
    )
    queue_index(conn, [item_key_of(i) for i in sorted(deleted | promoted)])
    return deleted, promoted


def delete_items(conn: sqlite3.Connection, ids: list[int]) -> set[int]:
    """Delete items (no tombstones); returns duplicates promoted to originals."""
    promoted = _delete(conn, ids)
    queue_index(conn, [item_key_of(i) for i in sorted(set(ids) | promoted)])
    return promoted


def _delete(conn: sqlite3.Connection, ids: list[int]) -> set[int]:
    """Delete; a duplicate of a deleted original becomes an original (dup_of is SET NULL)."""
    gone = set(ids)
    promoted: set[int] = set()
    for part in chunks(ids):
        promoted |= {
            r[0]
            for r in conn.execute(
                f"SELECT id FROM items WHERE dup_of IN ({marks(len(part))})", part
            )
        }
    promoted -= gone
    for part in chunks(ids):
        conn.execute(f"DELETE FROM items WHERE id IN ({marks(len(part))})", part)
    _regroup(conn, promoted)
    return promoted


def _regroup(conn: sqlite3.Connection, promoted: set[int]) -> None:
    """Promoted siblings of one article point at the oldest of them again."""
    for item_id in sorted(promoted):
        r = conn.execute(
            """SELECT MIN(o.id) FROM items o JOIN items me ON me.id = ?
               WHERE o.url_key = me.url_key AND me.url_key != '' AND o.dup_of IS NULL""",
            (item_id,),
        ).fetchone()
        first = r[0] if r else None
        if first is not None and first != item_id:
            conn.execute("UPDATE items SET dup_of = ? WHERE id = ?", (first, item_id))
