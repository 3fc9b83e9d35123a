"""What was last synced, per file (table `vault_files`) and for the vault (`vault_meta`).

See migration 11 for what each column means. Every write here runs inside the
caller's transaction, so an entry and the record of its file change together.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from pkm.core.db import Store, in_chunks


@dataclass
class FileState:
    uid: str
    entry_id: int
    path: str | None
    file_hash: str | None
    text_hash: str | None
    version: int
    mtime_ns: int | None
    size: int | None


_COLUMNS = "uid, entry_id, path, file_hash, text_hash, version, mtime_ns, size"


def load(store: Store, entry_ids: list[int] | None = None) -> dict[str, FileState]:
    """Every row (or those of ``entry_ids``), by uid."""
    if entry_ids is None:
        rows = store.query(f"SELECT {_COLUMNS} FROM vault_files")
    else:
        rows = [
            r
            for marks, part in in_chunks(entry_ids)
            for r in store.query(
                f"SELECT {_COLUMNS} FROM vault_files WHERE entry_id IN {marks}", part
            )
        ]
    return {r["uid"]: FileState(*tuple(r)) for r in rows}


def paths(store: Store) -> set[str]:
    """Every file name pkm keeps in the vault, casefolded (macOS and Windows fold case)."""
    return {
        r[0].casefold() for r in store.query("SELECT path FROM vault_files WHERE path IS NOT NULL")
    }


def put(conn: sqlite3.Connection, row: FileState, now: str) -> None:
    """Insert or replace the row of ``row.uid`` (and free its path and entry elsewhere)."""
    conn.execute("DELETE FROM vault_files WHERE uid != ? AND entry_id = ?", (row.uid, row.entry_id))
    if row.path is not None:
        conn.execute(
            "UPDATE vault_files SET path = NULL WHERE uid != ? AND path = ?", (row.uid, row.path)
        )
    conn.execute(
        f"INSERT OR REPLACE INTO vault_files({_COLUMNS}, synced_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row.uid, row.entry_id, row.path, row.file_hash, row.text_hash, row.version,
            row.mtime_ns, row.size, now,
        ),
    )  # fmt: skip


def drop(conn: sqlite3.Connection, uid: str) -> None:
    conn.execute("DELETE FROM vault_files WHERE uid = ?", (uid,))


def forget_files(conn: sqlite3.Connection) -> None:
    """A new folder: keep every entry's id, forget what any file held."""
    conn.execute(
        "UPDATE vault_files SET path = NULL, file_hash = NULL, text_hash = NULL, "
        "mtime_ns = NULL, size = NULL, version = -1"
    )


def get_meta(store: Store, key: str, default: str | None = None) -> str | None:
    row = store.one("SELECT value FROM vault_meta WHERE key = ?", (key,))
    return row["value"] if row else default


def set_meta(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    if value is None:
        conn.execute("DELETE FROM vault_meta WHERE key = ?", (key,))
    else:
        conn.execute(
            "INSERT INTO vault_meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def last_report(store: Store) -> dict | None:
    raw = get_meta(store, "last_report")
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None
