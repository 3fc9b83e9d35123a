"""Wiki links between entries: resolving [[title]], backlinks, and keeping links on rename.

A link is stored by the normalized text it names (its title key), not by the
id it pointed at when written, so a link to a note that does not exist yet
starts working when that note is created.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from pkm.core import syntax
from pkm.core.clock import iso
from pkm.core.db import Store
from pkm.core.journal import revisions
from pkm.core.journal.derived import write_derived
from pkm.core.journal.model import Entry
from pkm.core.journal.rows import fetch_entries, get_entry


def resolve_id(store: Store, key: str) -> int | None:
    """The entry a title key names: same title (oldest first), else a daily by its date."""
    r = store.one(
        """SELECT id FROM entries WHERE deleted_at IS NULL AND title_key = ?
           ORDER BY created, id LIMIT 1""",
        (key,),
    )
    if r is not None:
        return r["id"]
    try:
        day = dt.date.fromisoformat(key)
    except ValueError:
        return None
    d = store.one(
        "SELECT id FROM entries WHERE kind='daily' AND day=? AND deleted_at IS NULL",
        (day.isoformat(),),
    )
    return d["id"] if d else None


def resolve(store: Store, title: str) -> Entry | None:
    """The entry a [[title]] link points at, if there is one."""
    entry_id = resolve_id(store, syntax.title_key(title))
    return get_entry(store, entry_id) if entry_id else None


def exists(store: Store, title: str) -> bool:
    """Whether a [[title]] link leads somewhere (the renderer asks this for every link)."""
    return resolve_id(store, syntax.title_key(title)) is not None


def backlinks(store: Store, entry_id: int) -> list[Entry]:
    """Entries whose text links to this one (by its title, or by its date if daily)."""
    entry = get_entry(store, entry_id)
    keys = {syntax.title_key(entry.title)}
    if entry.kind == "daily":
        keys.add(entry.day)
    # A key counts only where it resolves to this entry (not to an older namesake).
    keys = {k for k in keys if resolve_id(store, k) == entry.id}
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    rows = store.query(
        f"""SELECT DISTINCT src_id FROM links JOIN entries e ON e.id = links.src_id
            WHERE target_key IN ({marks}) AND e.deleted_at IS NULL AND src_id != ?
            ORDER BY e.day DESC""",
        (*keys, entry.id),
    )
    return fetch_entries(store, [r["src_id"] for r in rows])


def outgoing_links(store: Store, entry_id: int) -> list[tuple[str, Entry | None]]:
    """(link text, the entry it resolves to or None), in the order the text has them."""
    rows = store.query(
        "SELECT target_key, target_text FROM links WHERE src_id = ? ORDER BY rowid",
        (entry_id,),
    )
    out = []
    for r in rows:
        target = resolve_id(store, r["target_key"])
        out.append((r["target_text"], get_entry(store, target) if target else None))
    return out


def relink(
    conn: sqlite3.Connection, store: Store, old: Entry, new_title: str, now: dt.datetime
) -> set[int]:
    """Rewrite [[Old title]] in other entries after a rename; returns the entries changed."""
    old_key = syntax.title_key(old.title)
    # Only if links to the old title meant this entry (the oldest of that title).
    other = store.one(
        """SELECT id FROM entries WHERE deleted_at IS NULL AND id != ?
           AND title_key = ? ORDER BY created, id LIMIT 1""",
        (old.id, old_key),
    )
    if other is not None and other["id"] < old.id:
        return set()
    sources = [
        r["src_id"]
        for r in conn.execute(
            "SELECT src_id FROM links WHERE target_key = ? AND src_id != ?", (old_key, old.id)
        ).fetchall()
    ]
    changed = set()
    for src in fetch_entries(store, sources):
        body = syntax.rename_links(src.body, old.title, new_title)
        if body == src.body:
            continue
        revisions.keep(
            conn, store, src.id, src.title, src.body, src.updated, now,
            reason="link renamed", force=True,
        )  # fmt: skip
        conn.execute(
            "UPDATE entries SET body = ?, updated = ?, version = version + 1 WHERE id = ?",
            (body, iso(now), src.id),
        )
        write_derived(conn, src.id, body, list(src.explicit_tags))
        changed.add(src.id)
    return changed
