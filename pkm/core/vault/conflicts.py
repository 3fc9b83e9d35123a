"""Keeping both texts when an entry changed here and its file changed there.

Nothing is chosen for the user and nothing is lost: the entry keeps the text
written in this pkm (the one on screen), and the other text becomes

* a **conflict copy**: a new note "Title (conflict copy …)" with that text and
  tags, which syncs to the vault like any note;
* a **revision** of the entry (reason "conflict"), so History shows it too;
* a **line at the end of the entry** linking to the copy, so the user sees it
  where they write, and can merge and delete the copy when they like.

Sync engines' own conflict files (Syncthing's ``.sync-conflict-…``, Dropbox's
and Nextcloud's ``(conflicted copy …)``) are handled the same way, then removed
from the vault: their text lives on in the copy (and its own file). The copy's
id and title are derived from the conflict file's name, so two devices that
both see the same conflict file make the same copy, which syncs as one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3

from pkm.core.changes import Change
from pkm.core.clock import Clock
from pkm.core.db import Store
from pkm.core.journal import entries, revisions
from pkm.core.journal.rows import get_entry
from pkm.core.vault.format import VaultNote

NOTICE = "> **Sync conflict:** this entry was also changed elsewhere; that version is kept in"
_ST = re.compile(r"\.sync-conflict-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})\d{2}-([A-Z0-9]{7})", re.I)
_COPY = re.compile(r" \(([^()]*conflicted copy[^()]*)\)", re.I)


def copy_label(conflict_name: str | None, clock: Clock) -> str:
    """'conflict copy 2026-12-02 10.15' from a sync engine's file name, else from now."""
    if conflict_name:
        m = _ST.search(conflict_name)
        if m:
            y, mo, d, h, mi, _dev = m.groups()
            return f"conflict copy {y}-{mo}-{d} {h}.{mi}"
        m = _COPY.search(conflict_name)
        if m:
            return " ".join(m.group(1).split())
    return f"conflict copy {clock().astimezone():%Y-%m-%d %H.%M}"


def copy_uid(conflict_name: str | None) -> str | None:
    """The same id on every device for the copy made from one conflict file."""
    if not conflict_name:
        return None
    return (
        "conflict-"
        + hashlib.sha256(conflict_name.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    )


def keep_both(
    conn: sqlite3.Connection,
    store: Store,
    clock: Clock,
    entry_id: int,
    other: VaultNote,
    label: str,
) -> tuple[int, str, Change]:
    """The copy, the revision and the notice line; returns the copy's id, title, change."""
    entry = get_entry(store, entry_id, include_trashed=True)
    base_title = entry.title if entry.kind == "daily" else other.title or entry.title
    # A link's text cannot hold [ ] | (they end it), so the copy's title does not either.
    title = re.sub(r"[\[\]|#^]+", " ", f"{base_title} ({label})")[: entries.MAX_TITLE].strip()
    copy, change = entries.insert(
        store, clock, "note", title, other.body, dt.date.fromisoformat(entry.day), other.tags
    )
    revisions.keep(
        conn, store, entry_id, other.title, other.body, entry.updated, clock(),
        reason="conflict", force=True,
    )  # fmt: skip
    line = f"{NOTICE} [[{title}]]."
    if line not in entry.body:
        body = entry.body.rstrip("\n") + "\n\n" + line + "\n"
        change.merge(
            entries.save_in(
                conn,
                store,
                clock,
                entry_id,
                None,
                body,
                None,
                force_revision=False,
                reason="conflict",
            )
        )
    change.entries.add(entry_id)
    return copy.id, title, change
