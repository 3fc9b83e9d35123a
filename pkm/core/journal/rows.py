"""Reading entries out of SQLite (shared by the journal's modules)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Sequence

from pkm.core.db import Store, in_chunks
from pkm.core.errors import NotFound
from pkm.core.journal.model import Entry

ENTRY_COLUMNS = "id, kind, day, title, body, created, updated, deleted_at, version, source_id"


def tags_for(store: Store, ids: Sequence[int]) -> dict[int, tuple[list[str], list[str]]]:
    """id -> (all tags, explicit tags), in one query per 500 ids."""
    out: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in ids}
    for marks, part in in_chunks(ids):
        for r in store.query(
            f"SELECT entry_id, tag, explicit FROM entry_tags WHERE entry_id IN {marks} "
            "ORDER BY rowid",
            part,
        ):
            all_tags, explicit = out[r["entry_id"]]
            all_tags.append(r["tag"])
            if r["explicit"]:
                explicit.append(r["tag"])
    return out


def entries_from_rows(store: Store, rows: Iterable[sqlite3.Row]) -> list[Entry]:
    rows = list(rows)
    tags = tags_for(store, [r["id"] for r in rows])
    return [
        Entry(
            id=r["id"],
            kind=r["kind"],
            day=r["day"],
            title=r["title"],
            body=r["body"],
            created=r["created"],
            updated=r["updated"],
            tags=tuple(tags[r["id"]][0]),
            explicit_tags=tuple(tags[r["id"]][1]),
            deleted_at=r["deleted_at"],
            version=r["version"],
            source_id=r["source_id"],
        )
        for r in rows
    ]


def fetch_entries(
    store: Store, ids: Sequence[int], *, include_trashed: bool = False
) -> list[Entry]:
    if not ids:
        return []
    out: list[Entry] = []
    trash = "" if include_trashed else "AND deleted_at IS NULL"
    for marks, part in in_chunks(ids):
        rows = store.query(f"SELECT {ENTRY_COLUMNS} FROM entries WHERE id IN {marks} {trash}", part)
        out.extend(entries_from_rows(store, rows))
    order = {i: n for n, i in enumerate(ids)}
    out.sort(key=lambda e: order[e.id])
    return out


def get_entry(store: Store, entry_id: int, *, include_trashed: bool = False) -> Entry:
    """One entry; an unknown id is a NotFound that tells the user how to find the right one."""
    found = fetch_entries(store, [entry_id], include_trashed=include_trashed)
    if not found:
        raise NotFound(
            f"There is no journal entry {entry_id}. "
            "List entries with 'pkm journal list' to see their ids."
        )
    return found[0]


def daily_entry(store: Store, day: dt.date) -> Entry | None:
    """The day's daily entry, if it was created and is not in the trash."""
    r = store.one(
        "SELECT id FROM entries WHERE kind = 'daily' AND day = ? AND deleted_at IS NULL",
        (day.isoformat(),),
    )
    return get_entry(store, r["id"]) if r else None
