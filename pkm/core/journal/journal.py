"""The journal: daily entries, notes and clips, with tags, links and revisions.

Every write is one SQLite transaction that also updates the derived tables
(tags, links) and queues the entry for the search index, so a crash can never
leave an entry whose tags or links disagree with its text.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable

from pkm.core import syntax
from pkm.core.changes import Change
from pkm.core.clock import Clock, iso, local_today
from pkm.core.db import Store
from pkm.core.errors import BadInput, NotFound
from pkm.core.indexing import queue_index
from pkm.core.journal import calendar, prompts, revisions
from pkm.core.journal.model import KINDS, Clip, ClipSource, Entry, Revision, Streaks
from pkm.core.journal.rows import ENTRY_COLUMNS, entries_from_rows, fetch_entries
from pkm.core.markdown import to_plain

MAX_TITLE = 200
MAX_BODY = 5_000_000  # 5 MB of text is a book; beyond that something is wrong


def entry_key(entry_id: int) -> str:
    return f"entry:{entry_id}"


def derive_title(body: str) -> str:
    """A note without a title is named by its first line, as in Apple Notes."""
    for line in to_plain(body).splitlines():
        line = line.strip()
        if line:
            return line[:80].rstrip() + ("…" if len(line) > 80 else "")
    return "Untitled note"


class Journal:
    def __init__(
        self, store: Store, clock: Clock, on_change: Callable[[Change], None] | None = None
    ) -> None:
        self._store = store
        self._clock = clock
        self._on_change = on_change or (lambda change: None)

    # ---- reading -------------------------------------------------------------

    def today_date(self) -> dt.date:
        return local_today(self._clock)

    def get(self, entry_id: int, *, include_trashed: bool = False) -> Entry:
        found = fetch_entries(self._store, [entry_id], include_trashed=include_trashed)
        if not found:
            raise NotFound(
                f"There is no journal entry {entry_id}. "
                "List entries with 'pkm journal list' to see their ids."
            )
        return found[0]

    def get_many(self, ids: Iterable[int]) -> list[Entry]:
        return fetch_entries(self._store, list(ids))

    def list(
        self,
        *,
        tag: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        kind: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Entry]:
        """Entries newest day first; the filters combine."""
        where, params = ["deleted_at IS NULL"], []
        if tag:
            where.append("id IN (SELECT entry_id FROM entry_tags WHERE tag = ?)")
            params.append(syntax.normalize_tag(tag))
        if since:
            where.append("day >= ?")
            params.append(since.isoformat())
        if until:
            where.append("day <= ?")
            params.append(until.isoformat())
        if kind:
            if kind not in KINDS:
                raise BadInput(f"'{kind}' is not a kind of entry. Use one of: {', '.join(KINDS)}.")
            where.append("kind = ?")
            params.append(kind)
        sql = (
            f"SELECT {ENTRY_COLUMNS} FROM entries WHERE {' AND '.join(where)} "
            "ORDER BY day DESC, created DESC, id DESC"
        )
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [int(limit), int(offset)]
        return entries_from_rows(self._store, self._store.query(sql, tuple(params)))

    def count(self) -> int:
        return int(self._store.scalar("SELECT COUNT(*) FROM entries WHERE deleted_at IS NULL"))

    def daily(self, day: dt.date) -> Entry | None:
        r = self._store.one(
            "SELECT id FROM entries WHERE kind = 'daily' AND day = ? AND deleted_at IS NULL",
            (day.isoformat(),),
        )
        return self.get(r["id"]) if r else None

    def resolve(self, title: str) -> Entry | None:
        """The entry a [[title]] link points at: same title (oldest first), else a daily by date."""
        entry_id = self._resolve_id(syntax.title_key(title))
        return self.get(entry_id) if entry_id else None

    def _resolve_id(self, key: str) -> int | None:
        r = self._store.one(
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
        d = self._store.one(
            "SELECT id FROM entries WHERE kind='daily' AND day=? AND deleted_at IS NULL",
            (day.isoformat(),),
        )
        return d["id"] if d else None

    def exists(self, title: str) -> bool:
        return self._resolve_id(syntax.title_key(title)) is not None

    def titles(self, prefix: str = "", limit: int = 20) -> list[str]:
        """Titles for [[ completion: prefix matches first, then matches anywhere."""
        like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._store.query(
            r"""SELECT title, (title LIKE ? ESCAPE '\') AS starts FROM entries
               WHERE deleted_at IS NULL AND title LIKE ? ESCAPE '\'
               GROUP BY title COLLATE NOCASE
               ORDER BY starts DESC, max(updated) DESC LIMIT ?""",
            (like + "%", "%" + like + "%", limit),
        )
        return [r["title"] for r in rows]

    def tags(self) -> list[tuple[str, int]]:
        rows = self._store.query(
            """SELECT t.tag, COUNT(*) AS n FROM entry_tags t JOIN entries e ON e.id = t.entry_id
               WHERE e.deleted_at IS NULL GROUP BY t.tag ORDER BY n DESC, t.tag"""
        )
        return [(r["tag"], r["n"]) for r in rows]

    def backlinks(self, entry_id: int) -> list[Entry]:
        """Entries whose text links to this one (by its title, or by its date if daily)."""
        entry = self.get(entry_id)
        keys = {syntax.title_key(entry.title)}
        if entry.kind == "daily":
            keys.add(entry.day)
        keys = {k for k in keys if self._resolve_id(k) == entry.id}
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self._store.query(
            f"""SELECT DISTINCT src_id FROM links JOIN entries e ON e.id = links.src_id
                WHERE target_key IN ({marks}) AND e.deleted_at IS NULL AND src_id != ?
                ORDER BY e.day DESC""",
            (*keys, entry.id),
        )
        return self.get_many(r["src_id"] for r in rows)

    def outgoing_links(self, entry_id: int) -> list[tuple[str, Entry | None]]:
        rows = self._store.query(
            "SELECT target_key, target_text FROM links WHERE src_id = ? ORDER BY rowid",
            (entry_id,),
        )
        out = []
        for r in rows:
            target = self._resolve_id(r["target_key"])
            out.append((r["target_text"], self.get(target) if target else None))
        return out

    # ---- writing -------------------------------------------------------------

    def today(self) -> Entry:
        """Today's daily entry, created from the daily template the first time."""
        return self.daily_for(self.today_date())

    def daily_for(self, day: dt.date) -> Entry:
        existing = self.daily(day)
        if existing:
            return existing
        body = prompts.fill_template(self.template("daily"), day)
        return self._create("daily", prompts.daily_title(day), body, day, ())

    def create(
        self,
        *,
        kind: str = "note",
        title: str | None = None,
        body: str = "",
        day: dt.date | None = None,
        tags: Iterable[str] = (),
    ) -> Entry:
        if kind not in KINDS:
            raise BadInput(f"'{kind}' is not a kind of entry. Use one of: {', '.join(KINDS)}.")
        day = day or self.today_date()
        if kind == "daily":
            if self.daily(day):
                raise BadInput(
                    f"There is already a daily entry for {day}. "
                    "Edit it, or add a note for that day instead."
                )
            title = title or prompts.daily_title(day)
        else:
            title = (title or "").strip() or derive_title(body)
        return self._create(kind, title, body, day, tuple(tags))

    def _create(
        self, kind: str, title: str, body: str, day: dt.date, tags: tuple[str, ...]
    ) -> Entry:
        self._check(title, body)
        now = iso(self._clock())
        with self._store.transaction() as conn:
            try:
                cur = conn.execute(
                    "INSERT INTO entries(kind, day, title, title_key, body, edited, created, updated) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        kind,
                        day.isoformat(),
                        title.strip(),
                        syntax.title_key(title),
                        body,
                        int(kind != "daily"),
                        now,
                        now,
                    ),
                )
            except sqlite3.IntegrityError:
                # Another writer created today's entry a moment ago: use theirs.
                if kind == "daily":
                    existing = self.daily(day)
                    if existing:
                        return existing
                raise
            entry_id = int(cur.lastrowid)
            self._write_derived(conn, entry_id, body, [syntax.normalize_tag(t) for t in tags])
        self._on_change(Change(entries={entry_id}, created=entry_id))
        return self.get(entry_id)

    def save(
        self,
        entry_id: int,
        *,
        title: str | None = None,
        body: str | None = None,
        tags: Iterable[str] | None = None,
        force_revision: bool = False,
        reason: str = "edit",
    ) -> Change:
        """Change an entry. Earlier text is kept as a revision (throttled unless forced).

        Renaming an entry rewrites [[Old title]] links in other entries so they
        keep pointing at it; those entries are part of the returned Change.
        """
        with self._store.transaction() as conn:
            change = self._save_in(
                conn, entry_id, title, body, tags, force_revision=force_revision, reason=reason
            )
        if change:
            self._on_change(change)
        return change

    def _save_in(
        self,
        conn: sqlite3.Connection,
        entry_id: int,
        title: str | None,
        body: str | None,
        tags: Iterable[str] | None,
        *,
        force_revision: bool,
        reason: str,
    ) -> Change:
        """The save itself, inside the caller's transaction (read and write under one lock)."""
        old = self.get(entry_id)
        new_title = old.title if title is None else (title.strip() or old.title)
        new_body = old.body if body is None else body
        new_explicit = (
            list(old.explicit_tags)
            if tags is None
            else [t for t in (syntax.normalize_tag(t) for t in tags) if t]
        )
        now = self._clock()
        if (
            new_title == old.title
            and new_body == old.body
            and new_explicit == list(old.explicit_tags)
        ):
            if force_revision:
                revisions.keep(
                    conn, self._store, old.id, old.title, old.body, old.updated, now,
                    reason=reason, force=True,
                )  # fmt: skip
            return Change()
        self._check(new_title, new_body)
        change = Change(entries={entry_id})
        revisions.keep(
            conn, self._store, entry_id, old.title, old.body, old.updated, now,
            reason=reason, force=force_revision,
        )  # fmt: skip
        conn.execute(
            "UPDATE entries SET title = ?, title_key = ?, body = ?, edited = 1, updated = ? "
            "WHERE id = ?",
            (new_title, syntax.title_key(new_title), new_body, iso(now), entry_id),
        )
        self._write_derived(conn, entry_id, new_body, new_explicit)
        if syntax.title_key(new_title) != syntax.title_key(old.title):
            change.entries |= self._relink(conn, old, new_title, now)
        return change

    def _relink(self, conn: sqlite3.Connection, old: Entry, new_title: str, now) -> set[int]:
        old_key = syntax.title_key(old.title)
        # Only if links to the old title meant this entry (the oldest of that title).
        other = self._store.one(
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
        for src in fetch_entries(self._store, sources):
            body = syntax.rename_links(src.body, old.title, new_title)
            if body == src.body:
                continue
            revisions.keep(
                conn, self._store, src.id, src.title, src.body, src.updated, now,
                reason="link renamed", force=True,
            )  # fmt: skip
            conn.execute(
                "UPDATE entries SET body = ?, updated = ? WHERE id = ?", (body, iso(now), src.id)
            )
            self._write_derived(conn, src.id, body, list(src.explicit_tags))
            changed.add(src.id)
        return changed

    def _write_derived(
        self, conn: sqlite3.Connection, entry_id: int, body: str, explicit: list[str]
    ) -> None:
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

    def _check(self, title: str, body: str) -> None:
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

    def snapshot(self, entry_id: int, *, reason: str = "close") -> bool:
        """Keep the current text as a revision now (the editor calls this on close)."""
        e = self.get(entry_id)
        with self._store.transaction() as conn:
            return revisions.keep(
                conn, self._store, e.id, e.title, e.body, e.updated, self._clock(),
                reason=reason, force=True,
            )  # fmt: skip

    # ---- trash ---------------------------------------------------------------

    def delete(self, entry_id: int) -> Change:
        """Move to the trash: nothing is destroyed until the trash is emptied."""
        self.get(entry_id)
        with self._store.transaction() as conn:
            conn.execute(
                "UPDATE entries SET deleted_at = ? WHERE id = ?", (iso(self._clock()), entry_id)
            )
            queue_index(conn, [entry_key(entry_id)])
        change = Change(removed_entries={entry_id})
        self._on_change(change)
        return change

    def restore(self, entry_id: int) -> Change:
        e = self.get(entry_id, include_trashed=True)
        if e.deleted_at is None:
            return Change()
        if e.kind == "daily" and self.daily(dt.date.fromisoformat(e.day)):
            raise BadInput(
                f"A new daily entry for {e.day} exists, so this one cannot come back as the "
                "daily entry. Copy its text into the new one instead."
            )
        with self._store.transaction() as conn:
            conn.execute("UPDATE entries SET deleted_at = NULL WHERE id = ?", (entry_id,))
            queue_index(conn, [entry_key(entry_id)])
        change = Change(entries={entry_id})
        self._on_change(change)
        return change

    def trash(self) -> list[Entry]:
        rows = self._store.query(
            f"SELECT {ENTRY_COLUMNS} FROM entries WHERE deleted_at IS NOT NULL "
            "ORDER BY deleted_at DESC"
        )
        return entries_from_rows(self._store, rows)

    def empty_trash(self) -> Change:
        with self._store.transaction() as conn:
            ids = [
                r[0] for r in conn.execute("SELECT id FROM entries WHERE deleted_at IS NOT NULL")
            ]
            conn.execute("DELETE FROM entries WHERE deleted_at IS NOT NULL")
            queue_index(conn, [entry_key(i) for i in ids])
        change = Change(removed_entries=set(ids))
        self._on_change(change)
        return change

    # ---- revisions -----------------------------------------------------------

    def revisions(self, entry_id: int) -> list[Revision]:
        self.get(entry_id, include_trashed=True)
        return revisions.list_for(self._store, entry_id)

    def revision(self, revision_id: int) -> Revision:
        rev = revisions.get(self._store, revision_id)
        if rev is None:
            raise NotFound(f"There is no revision {revision_id}.")
        return rev

    def restore_revision(self, revision_id: int) -> Change:
        """Bring back an earlier version; the current text is kept as a revision first."""
        rev = self.revision(revision_id)
        return self.save(
            rev.entry_id, title=rev.title, body=rev.body, force_revision=True, reason="restore"
        )

    # ---- clips ---------------------------------------------------------------

    def add_clip(
        self, source: ClipSource, quote: str = "", *, entry_id: int | None = None
    ) -> tuple[Entry, Change]:
        """Quote a passage into an entry (today's by default), keeping its source as data."""
        from pkm.core.journal.clips import append_quote, record_clip

        target_id = entry_id if entry_id else self.today().id
        # One transaction: the quote in the text and its source record land together.
        with self._store.transaction() as conn:
            target = self.get(target_id)
            body = append_quote(target.body, quote, source)
            change = self._save_in(
                conn, target.id, None, body, None, force_revision=False, reason="clip"
            )
            record_clip(conn, target.id, quote, source, iso(self._clock()))
        change.entries.add(target.id)
        self._on_change(change)
        return self.get(target.id), change

    def clips(self, entry_id: int) -> list[Clip]:
        from pkm.core.journal.clips import clips_for

        return clips_for(self._store, entry_id)

    # ---- templates, prompts, calendar -----------------------------------------

    def template(self, name: str = "daily") -> str:
        r = self._store.one("SELECT body FROM templates WHERE name = ?", (name,))
        if r is not None:
            return r["body"]
        if name in prompts.DEFAULT_TEMPLATES:
            return prompts.DEFAULT_TEMPLATES[name]
        raise NotFound(f"There is no template named '{name}'. Templates: daily, note.")

    def set_template(self, name: str, body: str) -> None:
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO templates(name, body) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET body = excluded.body",
                (name, body),
            )

    def prompt(self, day: dt.date | None = None) -> str:
        return prompts.prompt_for(day or self.today_date())

    def days_with_entries(self, start: dt.date, end: dt.date) -> dict[str, int]:
        return calendar.days_with_entries(self._store, start, end)

    def streaks(self) -> Streaks:
        return calendar.streaks(self._store, self.today_date())

    def on_this_day(self, day: dt.date | None = None) -> list[Entry]:
        return self.get_many(calendar.on_this_day_ids(self._store, day or self.today_date()))
