"""Lists over the journal: entries by filter, titles for [[ completion, tag counts."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict, Unpack

from pkm.core import syntax
from pkm.core.db import Store
from pkm.core.journal.model import Entry, check_kind
from pkm.core.journal.rows import ENTRY_COLUMNS, entries_from_rows


class EntryFilters(TypedDict, total=False):
    """The filters of `Journal.list`, spelled once for the facade and the query; they combine."""

    tag: str | None
    since: dt.date | None
    until: dt.date | None
    kind: str | None


def list_entries(
    store: Store, *, limit: int | None = None, offset: int = 0, **filters: Unpack[EntryFilters]
) -> list[Entry]:
    """Entries newest day first, one page when a limit is given."""
    where, params = ["deleted_at IS NULL"], []
    if tag := filters.get("tag"):
        where.append("id IN (SELECT entry_id FROM entry_tags WHERE tag = ?)")
        params.append(syntax.normalize_tag(tag))
    if since := filters.get("since"):
        where.append("day >= ?")
        params.append(since.isoformat())
    if until := filters.get("until"):
        where.append("day <= ?")
        params.append(until.isoformat())
    if kind := filters.get("kind"):
        check_kind(kind)
        where.append("kind = ?")
        params.append(kind)
    sql = (
        f"SELECT {ENTRY_COLUMNS} FROM entries WHERE {' AND '.join(where)} "
        "ORDER BY day DESC, created DESC, id DESC"
    )
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    return entries_from_rows(store, store.query(sql, tuple(params)))


def count_entries(store: Store) -> int:
    """Entries not in the trash."""
    return int(store.scalar("SELECT COUNT(*) FROM entries WHERE deleted_at IS NULL"))


def titles(store: Store, prefix: str = "", limit: int = 20) -> list[str]:
    """Titles for [[ completion: prefix matches first, then matches anywhere."""
    like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = store.query(
        r"""SELECT title, (title LIKE ? ESCAPE '\') AS starts FROM entries
           WHERE deleted_at IS NULL AND title LIKE ? ESCAPE '\'
           GROUP BY title COLLATE NOCASE
           ORDER BY starts DESC, max(updated) DESC LIMIT ?""",
        (like + "%", "%" + like + "%", limit),
    )
    return [r["title"] for r in rows]


def tag_counts(store: Store) -> list[tuple[str, int]]:
    """(tag, entries using it), most used first."""
    rows = store.query(
        """SELECT t.tag, COUNT(*) AS n FROM entry_tags t JOIN entries e ON e.id = t.entry_id
           WHERE e.deleted_at IS NULL GROUP BY t.tag ORDER BY n DESC, t.tag"""
    )
    return [(r["tag"], r["n"]) for r in rows]
