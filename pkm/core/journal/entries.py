"""Creating and changing entries: size limits, titles, and the save that keeps revisions.

Every write is one SQLite transaction that also updates the derived tables
(tags, links) and queues the entry for the search index, so a crash can never
leave an entry whose tags or links disagree with its text.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from pkm.core import syntax
from pkm.core.changes import Change
from pkm.core.clock import Clock, iso
from pkm.core.db import Store
from pkm.core.errors import BadInput, StaleWrite
from pkm.core.journal import links, prompts, revisions
from pkm.core.journal.derived import write_derived
from pkm.core.journal.merge import merge_text
from pkm.core.journal.model import Entry, check_kind
from pkm.core.journal.rows import daily_entry, get_entry
from pkm.core.markdown import to_plain

MAX_TITLE = 200
MAX_BODY = 5_000_000  # 5 MB of text is a book; beyond that something is wrong


def derive_title(body: str) -> str:
    """A note without a title is named by its first line, as in Apple Notes."""
    for line in to_plain(body).splitlines():
        line = line.strip()
        if line:
            return line[:80].rstrip() + ("…" if len(line) > 80 else "")
    return "Untitled note"


def check_size(title: str, body: str) -> None:
    """Refuse text no one means to keep in one entry, with what to do instead."""
    if len(title) > MAX_TITLE:
        raise BadInput(
            f"The title is {len(title)} characters long; keep it under {MAX_TITLE}. "
            "Put the rest in the text."
        )
    if len(body) > MAX_BODY:
        raise BadInput(
            f"The text is {len(body):,} characters long, over the {MAX_BODY:,} limit. "
            "Split it into several entries."
        )


def create(
    store: Store,
    clock: Clock,
    *,
    kind: str,
    title: str | None,
    body: str,
    day: dt.date,
    tags: Iterable[str],
    source_id: int | None = None,
) -> tuple[Entry, Change]:
    """A new entry of any kind; a second daily entry for the same day is refused."""
    check_kind(kind)
    if kind == "daily":
        if daily_entry(store, day):
            raise BadInput(
                f"There is already a daily entry for {day}. "
                "Edit it, or add a note for that day instead."
            )
        title = title or prompts.daily_title(day)
    else:
        title = (title or "").strip() or derive_title(body)
    return insert(store, clock, kind, title, body, day, tuple(tags), source_id=source_id)


def insert(
    store: Store,
    clock: Clock,
    kind: str,
    title: str,
    body: str,
    day: dt.date,
    tags: tuple[str, ...],
    *,
    source_id: int | None = None,
) -> tuple[Entry, Change]:
    """Store a new entry. If another writer just created the same daily entry, that one
    is returned with an empty Change: the caller ends up with the day's entry either way."""
    check_size(title, body)
    now = iso(clock())
    with store.transaction() as conn:
        try:
            cur = conn.execute(
                "INSERT INTO entries(kind, day, title, title_key, body, edited, created, updated, "
                "source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    kind,
                    day.isoformat(),
                    title.strip(),
                    syntax.title_key(title),
                    body,
                    int(kind != "daily"),
                    now,
                    now,
                    source_id,
                ),
            )
        except sqlite3.IntegrityError:
            # Another writer created today's entry a moment ago: use theirs.
            if kind == "daily":
                existing = daily_entry(store, day)
                if existing:
                    return existing, Change()
            raise
        entry_id = int(cur.lastrowid)
        write_derived(conn, entry_id, body, [syntax.normalize_tag(t) for t in tags])
    return get_entry(store, entry_id), Change(entries={entry_id}, created=entry_id)


def save_in(
    conn: sqlite3.Connection,
    store: Store,
    clock: Clock,
    entry_id: int,
    title: str | None,
    body: str | None,
    tags: Iterable[str] | None,
    *,
    force_revision: bool,
    reason: str,
) -> Change:
    """The save itself, inside the caller's transaction (read and write under one lock).

    None leaves a field as it is. Earlier text is kept as a revision (throttled
    unless forced); a rename rewrites [[Old title]] links in other entries,
    which are then part of the returned Change.
    """
    old = get_entry(store, entry_id)
    new_title = old.title if title is None else (title.strip() or old.title)
    new_body = old.body if body is None else body
    new_explicit = (
        list(old.explicit_tags)
        if tags is None
        else [t for t in (syntax.normalize_tag(t) for t in tags) if t]
    )
    now = clock()
    if new_title == old.title and new_body == old.body and new_explicit == list(old.explicit_tags):
        if force_revision:
            revisions.keep(
                conn, store, old.id, old.title, old.body, old.updated, now,
                reason=reason, force=True,
            )  # fmt: skip
        return Change()
    check_size(new_title, new_body)
    change = Change(entries={entry_id})
    was_edited = conn.execute("SELECT edited FROM entries WHERE id = ?", (entry_id,)).fetchone()[0]
    new_tags = dict.fromkeys([*new_explicit, *syntax.extract_tags(new_body)])
    if (
        new_title == old.title
        and was_edited
        and list(new_tags) == list(dict.fromkeys([*old.explicit_tags, *old.tags]))
        and syntax.extract_links(new_body) == syntax.extract_links(old.body)
    ):
        change.text_only.add(entry_id)
    revisions.keep(
        conn, store, entry_id, old.title, old.body, old.updated, now,
        reason=reason, force=force_revision,
    )  # fmt: skip
    cur = conn.execute(
        "UPDATE entries SET title = ?, title_key = ?, body = ?, edited = 1, updated = ?, "
        "version = version + 1 WHERE id = ? AND version = ?",
        (new_title, syntax.title_key(new_title), new_body, iso(now), entry_id, old.version),
    )
    if cur.rowcount != 1:  # cannot happen under BEGIN IMMEDIATE; never write blind
        raise StaleWrite(f"Entry {entry_id} changed while it was being saved; nothing was lost.")
    write_derived(conn, entry_id, new_body, new_explicit)
    if syntax.title_key(new_title) != syntax.title_key(old.title):
        change.entries |= links.relink(conn, store, old, new_title, now)
    return change


@dataclass(frozen=True)
class SaveResult:
    """What an editor's save did: the entry as now stored, and whether it was merged.

    `merged`: another writer had changed the entry since `base`; both changes are
    in `entry.body`. `conflict`: both changed the same lines; the editor's text
    was kept and the other version is a revision ("conflict") in History.
    """

    entry: Entry
    change: Change
    merged: bool = False
    conflict: bool = False


def save_edit(
    conn: sqlite3.Connection,
    store: Store,
    clock: Clock,
    entry_id: int,
    *,
    base_version: int,
    base_title: str,
    base_body: str,
    title: str | None,
    body: str,
    force_revision: bool = False,
) -> SaveResult:
    """An editor's save: compare-and-set on the version the editor loaded.

    If nobody else wrote since `base_version`, this is save_in. Otherwise the
    editor's changes (base -> body) and the other writer's (base -> stored) are
    merged (merge.py); a title changed only elsewhere is taken from there.
    """
    current = get_entry(store, entry_id)
    if current.version == base_version:
        change = save_in(
            conn, store, clock, entry_id, title, body, None,
            force_revision=force_revision, reason="edit",
        )  # fmt: skip
        return SaveResult(get_entry(store, entry_id), change)
    merged = merge_text(base_body, body, current.body)
    conflict = merged is None
    if conflict:
        revisions.keep(
            conn, store, entry_id, current.title, current.body, current.updated, clock(),
            reason="conflict", force=True,
        )  # fmt: skip
        merged = body
    mine_title = base_title if title is None else title.strip() or base_title
    new_title = current.title if mine_title == base_title else mine_title
    change = save_in(
        conn, store, clock, entry_id, new_title if new_title != current.title else None,
        merged, None, force_revision=force_revision, reason="merge",
    )  # fmt: skip
    change.entries.add(entry_id)
    return SaveResult(get_entry(store, entry_id), change, merged=not conflict, conflict=conflict)
