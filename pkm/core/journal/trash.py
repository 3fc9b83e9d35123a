"""The trash: deleting moves an entry there; nothing is destroyed until it is emptied."""

from __future__ import annotations

import datetime as dt

from pkm.core.changes import Change
from pkm.core.clock import Clock, iso
from pkm.core.db import Store
from pkm.core.errors import BadInput
from pkm.core.indexing import queue_index
from pkm.core.journal.derived import entry_key
from pkm.core.journal.model import Entry
from pkm.core.journal.rows import ENTRY_COLUMNS, daily_entry, entries_from_rows, get_entry


def delete(store: Store, clock: Clock, entry_id: int) -> Change:
    """Move to the trash (it leaves the search index until restored)."""
    get_entry(store, entry_id)
    with store.transaction() as conn:
        conn.execute("UPDATE entries SET deleted_at = ? WHERE id = ?", (iso(clock()), entry_id))
        queue_index(conn, [entry_key(entry_id)])
    return Change(removed_entries={entry_id})


def restore(store: Store, entry_id: int) -> Change:
    """Bring an entry back; the Change is empty if it was not in the trash."""
    e = get_entry(store, entry_id, include_trashed=True)
    if e.deleted_at is None:
        return Change()
    # One daily entry per day: a trashed one cannot push aside the day's new one.
    if e.kind == "daily" and daily_entry(store, dt.date.fromisoformat(e.day)):
        raise BadInput(
            f"A new daily entry for {e.day} exists, so this one cannot come back as the "
            "daily entry. Copy its text into the new one instead."
        )
    with store.transaction() as conn:
        conn.execute("UPDATE entries SET deleted_at = NULL WHERE id = ?", (entry_id,))
        queue_index(conn, [entry_key(entry_id)])
    return Change(entries={entry_id})


def trashed(store: Store) -> list[Entry]:
    """What is in the trash, most recently deleted first."""
    rows = store.query(
        f"SELECT {ENTRY_COLUMNS} FROM entries WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC"
    )
    return entries_from_rows(store, rows)


def empty(store: Store) -> Change:
    """Delete everything in the trash for good (the only way an entry is destroyed)."""
    with store.transaction() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM entries WHERE deleted_at IS NOT NULL")]
        conn.execute("DELETE FROM entries WHERE deleted_at IS NOT NULL")
        queue_index(conn, [entry_key(i) for i in ids])
    return Change(removed_entries=set(ids))
