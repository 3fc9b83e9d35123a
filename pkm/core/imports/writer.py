"""The one writer every import goes through: notes in batches, the journal's rules kept.

Readers (dayone.py, enex.py, markdown_folder.py) turn an export into `Note`s
and `Skip`s; this module writes them. Each batch of BATCH notes is one
transaction, written with sqlite-utils' ``insert_all`` (entries, their tags,
links and source ids) rather than one INSERT per row, and keeps the same
invariants as a save (entries.save_in / derived.write_derived):

* tags (explicit plus the #tags of the text) and [[links]] are written with
  the text; every entry is queued in the index outbox, so search finds it;
* new entries start at version 1; an entry that already existed (a daily
  entry that the import merges into) is saved through `entries.save_in`:
  a revision of its old text, version + 1, tags and links rewritten;
* one daily entry per day: an imported day that already has one is *merged
  into it* (appended below a rule, or replacing an untouched template),
  never refused, and two notes of one day in the export end up in one entry;
* each note's source id goes to `import_sources` in the same transaction, so
  importing the same export again skips it ("already imported"), even after a
  crash or Cancel between batches: running it again continues where it stopped.

Ids are assigned here, inside the write lock, after the highest id the
AUTOINCREMENT sequence ever gave out, so ids are still never reused.

A dry run does exactly the same work in one transaction and rolls it back:
its report is what the real run would do, and nothing is written (the media
store, in dry-run mode, only names the files).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

import sqlite_utils

from pkm.core import syntax
from pkm.core.changes import Change
from pkm.core.clock import Clock, iso
from pkm.core.db import Store, in_chunks
from pkm.core.errors import BadInput
from pkm.core.imports.model import Imported, Note, Report, Skip
from pkm.core.indexing import queue_index
from pkm.core.journal import entries, prompts
from pkm.core.journal.derived import entry_key
from pkm.core.journal.entries import MAX_TITLE, check_size, derive_title

BATCH = 100  # notes per transaction: an autosave waits at most one batch (benchmarks/imports.py)
MERGE_RULE = "\n\n---\n\n"

Progress = Callable[[int, int | None, str], None]


class _RollBack(Exception):
    """Ends a dry run's transaction without committing it."""


def _batches(items: Iterable[Note | Skip], size: int) -> Iterator[list[Note | Skip]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _title(note: Note) -> str:
    title = " ".join(note.title.split())
    if not title:
        title = derive_title(note.body)
    if len(title) > MAX_TITLE:  # Evernote allows 255; keep the start, say it was cut
        title = title[: MAX_TITLE - 1].rstrip() + "…"
    return title


def _created(note: Note, now: dt.datetime) -> str:
    return iso(note.created or note.updated or now)


def _updated(note: Note, now: dt.datetime) -> str:
    return iso(note.updated or note.created or now)


def clean_tag(tag: str) -> str:
    """A tag from another app as pkm spells it: lower case, spaces as hyphens ("Board
    meeting" -> "board-meeting"), so it can also be typed as #board-meeting."""
    return re.sub(r"\s+", "-", syntax.normalize_tag(tag)).strip("-")


def merge_bodies(existing: str, incoming: str) -> str:
    """The text of a day after an imported note joins it: both, below a rule."""
    if not existing.strip():
        return incoming
    if not incoming.strip() or incoming.strip() in existing:
        return existing
    return existing.rstrip() + MERGE_RULE + incoming.lstrip()


@dataclass(frozen=True)
class _Prepared:
    title: str
    tags: list[str]  # explicit, as pkm spells tags
    body: str
    body_tags: list[str]
    links: dict[str, str]


def _prepare(note: Note) -> _Prepared:
    note.fingerprint()  # computed now, outside the transaction, and kept
    return _Prepared(
        title=_title(note),
        tags=list(dict.fromkeys(t for t in (clean_tag(t) for t in note.tags) if t)),
        body=note.body,
        body_tags=syntax.extract_tags(note.body),
        links=syntax.extract_links(note.body),
    )


class _Batch:
    """One transaction's worth of notes, collected then written with insert_all."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        store: Store,
        clock: Clock,
        source: str,
        prepared: dict[int, _Prepared],
    ) -> None:
        self.conn, self.store, self.clock, self.source = conn, store, clock, source
        self.prepared = prepared  # id(note) -> what was worked out before the transaction
        self.derived = {p.body: (p.body_tags, p.links) for p in prepared.values()}
        self.now = clock()
        self.rows: dict[int, dict] = {}  # new entries by the id given to them
        self.explicit: dict[int, list[str]] = {}
        self.sources: list[dict] = []
        self.new_daily: dict[str, int] = {}  # day -> id of a daily entry new in this batch
        self.change = Change()
        seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'entries'").fetchone()
        top = conn.execute("SELECT COALESCE(MAX(id), 0) FROM entries").fetchone()[0]
        self.next_id = max(int(seq[0]) if seq else 0, int(top)) + 1

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _remember(self, note: Note, entry_id: int) -> None:
        self.sources.append(
            {
                "source": self.source,
                "source_id": note.source_id,
                "entry_id": entry_id,
                "fingerprint": note.fingerprint(),
                "imported_at": iso(self.now),
            }
        )

    def _derived(self, body: str) -> tuple[list[str], dict[str, str]]:
        """#tags and [[links]] of a text: worked out before the transaction, except for
        the text of a day that two notes of one batch were merged into."""
        found = self.derived.get(body)
        return (
            found if found is not None else (syntax.extract_tags(body), syntax.extract_links(body))
        )

    def add(self, note: Note) -> Imported:
        ready = self.prepared[id(note)]
        title, tags = ready.title, ready.tags
        check_size(title, note.body)
        if note.daily:
            return self._add_daily(note, tags)
        entry_id = self._new_id()
        # A post comes back as a post; the entry it was drawn from is not in an export.
        kind = note.kind if note.kind in ("note", "clip", "post") else "note"
        self.rows[entry_id] = self._row(entry_id, kind, title, note.body, note)
        self.explicit[entry_id] = tags
        self._remember(note, entry_id)
        return Imported(note.label, entry_id, title, note.day.isoformat(), False, note.notes)

    def _row(self, entry_id: int, kind: str, title: str, body: str, note: Note) -> dict:
        return {
            "id": entry_id,
            "kind": kind,
            "day": note.day.isoformat(),
            "title": title,
            "title_key": syntax.title_key(title),
            "body": body,
            "edited": 1,
            "created": _created(note, self.now),
            "updated": _updated(note, self.now),
            "version": 1,
        }

    def _add_daily(self, note: Note, tags: list[str]) -> Imported:
        day = note.day.isoformat()
        label_day = prompts.daily_title(note.day)
        if day in self.new_daily:  # a second note of the same day in this batch
            entry_id = self.new_daily[day]
            row = self.rows[entry_id]
            body = merge_bodies(row["body"], note.body)
            check_size(row["title"], body)
            row["body"] = body
            self.explicit[entry_id] = list(dict.fromkeys([*self.explicit[entry_id], *tags]))
            self._remember(note, entry_id)
            return Imported(note.label, entry_id, label_day, day, True, note.notes)
        existing = self.conn.execute(
            "SELECT id, body, edited FROM entries "
            "WHERE kind = 'daily' AND day = ? AND deleted_at IS NULL",
            (day,),
        ).fetchone()
        if existing is None:
            entry_id = self._new_id()
            self.rows[entry_id] = self._row(entry_id, "daily", label_day, note.body, note)
            self.explicit[entry_id] = tags
            self.new_daily[day] = entry_id
            self._remember(note, entry_id)
            return Imported(note.label, entry_id, label_day, day, False, note.notes)
        # The day is already in the journal: merge, through the ordinary save.
        entry_id = int(existing["id"])
        untouched_template = not existing["edited"]
        body = note.body if untouched_template else merge_bodies(existing["body"], note.body)
        old_tags = [
            r[0]
            for r in self.conn.execute(
                "SELECT tag FROM entry_tags WHERE entry_id = ? AND explicit = 1 ORDER BY rowid",
                (entry_id,),
            )
        ]
        change = entries.save_in(
            self.conn, self.store, self.clock, entry_id, None, body,
            list(dict.fromkeys([*old_tags, *tags])), force_revision=True, reason="import",
        )  # fmt: skip
        self.change.entries |= change.entries
        self._remember(note, entry_id)
        return Imported(note.label, entry_id, label_day, day, True, note.notes)

    def write(self, db: sqlite_utils.Database) -> None:
        """The collected new entries and their derived rows, in a few bulk inserts."""
        if self.rows:
            db["entries"].insert_all(self.rows.values(), pk="id", alter=False)
            tag_rows, link_rows = [], []
            for entry_id, row in self.rows.items():
                body_tags, links = self._derived(row["body"])
                tags: dict[str, int] = {t: 1 for t in self.explicit[entry_id]}
                for t in body_tags:
                    tags.setdefault(t, 0)
                tag_rows += [
                    {"entry_id": entry_id, "tag": t, "explicit": e} for t, e in tags.items()
                ]
                link_rows += [
                    {"src_id": entry_id, "target_key": k, "target_text": text}
                    for k, text in links.items()
                ]
            db["entry_tags"].insert_all(tag_rows, alter=False)
            db["links"].insert_all(link_rows, alter=False)
            queue_index(self.conn, [entry_key(i) for i in self.rows])
            self.change.entries |= set(self.rows)
        if self.sources:
            db["import_sources"].upsert_all(self.sources, pk=("source", "source_id"), alter=False)


def _known(store: Store, source: str, ids: list[str]) -> dict[str, tuple[str, int]]:
    """source id -> (fingerprint, entry id) for the ids already imported from this source."""
    out: dict[str, tuple[str, int]] = {}
    for marks, part in in_chunks(ids):
        for r in store.query(
            "SELECT s.source_id, s.fingerprint, s.entry_id FROM import_sources s "
            f"WHERE s.source = ? AND s.source_id IN {marks}",
            (source, *part),
        ):
            out[r["source_id"]] = (r["fingerprint"], r["entry_id"])
    return out


def _skip_known(note: Note, known: tuple[str, int], trashed: bool) -> Skip:
    where = f"entry {known[1]}" + (", in the trash" if trashed else "")
    if known[0] != note.fingerprint():
        return Skip(
            note.label,
            f"already imported as {where}; it changed in the source since, and pkm keeps "
            "its own copy (and your edits) as it is",
        )
    return Skip(note.label, f"already imported as {where}")


def write_notes(
    store: Store,
    clock: Clock,
    source: str,
    items: Iterable[Note | Skip],
    *,
    dry_run: bool = False,
    total: int | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    batch_size: int = BATCH,
) -> tuple[Report, Change]:
    """Write what a reader produced; the report says what was imported and skipped, and why.

    A note that cannot be written (too long, say) is skipped with its reason; the
    others go on. ``progress(done, total, text)`` is called between batches, outside
    any transaction (the window lets saves run there); ``cancelled()`` stops before
    the next batch, keeping what was committed.
    """
    report = Report(source, dry_run=dry_run)
    change = Change()
    done = 0

    def one_batch(batch: list[Note | Skip]) -> None:
        nonlocal done
        notes = [n for n in batch if isinstance(n, Note)]
        # The pure-Python work (titles, tags, links, hashes) before taking the write
        # lock, so a save waiting behind a batch waits only for SQLite.
        prepared = {id(n): _prepare(n) for n in notes}
        with store.transaction() as conn:
            db = store.db  # one sqlite-utils Database per batch (it is not free to make)
            known = _known(store, source, [n.source_id for n in notes])
            trashed = {
                r["id"]
                for r in store.query(
                    "SELECT id FROM entries WHERE deleted_at IS NOT NULL AND id IN "
                    f"({','.join(str(k[1]) for k in known.values()) or 'NULL'})"
                )
            }
            writing = _Batch(conn, store, clock, source, prepared)
            seen: set[str] = set()
            for item in batch:
                done += 1
                if isinstance(item, Skip):
                    report.skipped.append(item)
                    continue
                if item.source_id in known:
                    k = known[item.source_id]
                    report.skipped.append(_skip_known(item, k, k[1] in trashed))
                    continue
                if item.source_id in seen:
                    report.skipped.append(Skip(item.label, "appears twice in the export"))
                    continue
                seen.add(item.source_id)
                try:
                    with db.atomic():  # a savepoint: a note that fails leaves no trace
                        report.imported.append(writing.add(item))
                except BadInput as exc:
                    report.skipped.append(Skip(item.label, str(exc)))
                    continue
                report.media += item.media
            writing.write(db)
        change.entries |= writing.change.entries

    def run_all() -> None:
        for batch in _batches(items, batch_size):
            if cancelled is not None and cancelled():
                report.cancelled = True
                return
            one_batch(batch)
            if progress is not None and not dry_run:
                progress(done, total, f"{len(report.imported)} imported")

    if dry_run:
        try:
            with store.transaction():
                run_all()
                raise _RollBack
        except _RollBack:
            pass
        return report, Change()
    run_all()
    return report, change
