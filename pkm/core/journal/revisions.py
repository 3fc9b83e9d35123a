"""Revisions: earlier versions of an entry, kept while the user types.

Autosave runs every couple of seconds; keeping every save would bury the
useful versions, so a revision is taken at most once per REVISION_INTERVAL
of editing, plus whenever the caller forces one (closing the editor, an edit
from the CLI, a restore).
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from pkm.core.clock import Clock, iso, parse_iso
from pkm.core.db import Store
from pkm.core.errors import NotFound
from pkm.core.journal.model import Revision
from pkm.core.journal.rows import get_entry

REVISION_INTERVAL = dt.timedelta(minutes=5)
KEEP_PER_ENTRY = 200  # oldest revisions beyond this are pruned


def _row(r: sqlite3.Row) -> Revision:
    return Revision(r["id"], r["entry_id"], r["title"], r["body"], r["saved_at"], r["reason"])


def latest(store: Store, entry_id: int) -> Revision | None:
    r = store.one(
        "SELECT * FROM revisions WHERE entry_id = ? ORDER BY kept_at DESC, id DESC LIMIT 1",
        (entry_id,),
    )
    return _row(r) if r else None


def keep(
    conn: sqlite3.Connection,
    store: Store,
    entry_id: int,
    title: str,
    body: str,
    saved_at: str,
    now: dt.datetime,
    *,
    reason: str,
    force: bool,
) -> bool:
    """Keep (title, body) as a revision if it is new and the throttle allows."""
    last = latest(store, entry_id)
    if last is not None:
        if last.title == title and last.body == body:
            return False
        kept = store.scalar("SELECT kept_at FROM revisions WHERE id = ?", (last.id,))
        if not force and now - parse_iso(kept) < REVISION_INTERVAL:
            return False
    if not force and not body.strip() and not title.strip():
        return False
    conn.execute(
        "INSERT INTO revisions(entry_id, title, body, saved_at, kept_at, reason) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (entry_id, title, body, saved_at, iso(now), reason),
    )
    conn.execute(
        """DELETE FROM revisions WHERE entry_id = ? AND id NOT IN (
               SELECT id FROM revisions WHERE entry_id = ? ORDER BY kept_at DESC, id DESC LIMIT ?)""",
        (entry_id, entry_id, KEEP_PER_ENTRY),
    )
    return True


def snapshot(store: Store, clock: Clock, entry_id: int, *, reason: str) -> bool:
    """Keep the entry's current text as a revision now (the editor calls this on close)."""
    e = get_entry(store, entry_id)
    with store.transaction() as conn:
        return keep(
            conn, store, e.id, e.title, e.body, e.updated, clock(), reason=reason, force=True
        )


def list_for(store: Store, entry_id: int) -> list[Revision]:
    """The entry's revisions, newest first; trashed entries keep theirs."""
    get_entry(store, entry_id, include_trashed=True)
    rows = store.query(
        "SELECT * FROM revisions WHERE entry_id = ? ORDER BY kept_at DESC, id DESC", (entry_id,)
    )
    return [_row(r) for r in rows]


def get(store: Store, revision_id: int) -> Revision:
    r = store.one("SELECT * FROM revisions WHERE id = ?", (revision_id,))
    if r is None:
        raise NotFound(f"There is no revision {revision_id}.")
    return _row(r)
