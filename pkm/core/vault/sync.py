"""One sync of the vault folder, both ways.

For every entry id (``pkm-id``) three things are compared: the file now, the
entry now, and the row of `vault_files` (what both were when last in step):

========================  ==========================  =================================
file                      entry                       sync does
========================  ==========================  =================================
changed                   unchanged                   the file's text becomes a new revision
unchanged                 changed                     the file is written (atomically)
changed                   changed                     same text: nothing; else keep both
new (no row)              none                        a new entry
new, a daily of that day  untouched template          the file's text
gone                      unchanged                   the entry goes to the trash
gone                      changed                     the file is written again
unchanged                 in the trash / deleted      the file is removed
renamed (same id)         —                           the row follows the file
========================  ==========================  =================================

Database writes are batched (one transaction per 200 files, each file inside a
savepoint, so one bad file leaves nothing half done); between batches
``progress`` lets a window run its saves. A file that changes again while the
sync runs (a sync engine still writing) is left for the next sync: pkm never
writes over bytes it has not read.

A file keeps its name when its entry is renamed in pkm: a rename would look like
a deletion and a new file to sync engines and other editors, and the front
matter's ``aliases`` keeps [[New title]] working in Obsidian.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from pkm.core.clock import Clock, iso, local_today
from pkm.core.db import Store
from pkm.core.errors import PkmError
from pkm.core.journal import entries, trash
from pkm.core.journal.rows import fetch_entries
from pkm.core.vault import conflicts, media_files, state
from pkm.core.vault.files import BATCH, FolderSide
from pkm.core.vault.format import entry_hash, parse
from pkm.core.vault.report import ReadFile, SyncReport
from pkm.core.vault.scan import Seen, digest, read_bytes, walk

Progress = Callable[[int, int], None]


class _Sync(FolderSide):
    def __init__(
        self,
        store: Store,
        clock: Clock,
        folder: Path,
        progress: Progress | None,
        home: Path | None,
        rows: dict[str, state.FileState] | None = None,
    ):
        self.home = home  # the data folder, for media/ (None: files are not copied)
        self.store, self.clock, self.folder = store, clock, folder
        self.progress = progress or (lambda done, total: None)
        self.report = SyncReport(str(folder))
        self.rows = state.load(store) if rows is None else rows
        self.to_write: list[tuple[int, str | None, str | None]] = []  # entry, uid, path
        self.now = iso(clock())

    # ---- reading the folder --------------------------------------------------------

    def read(self, seen: Seen, row: state.FileState | None) -> ReadFile | None:
        if row and row.path == seen.rel and (row.mtime_ns, row.size) == (seen.mtime_ns, seen.size):
            return ReadFile(seen)
        try:
            data = read_bytes(seen)
        except OSError as exc:
            self.report.problems.append(f"{seen.rel}: could not be read ({exc.strerror or exc})")
            return None
        h = digest(data)
        if row and row.file_hash == h:
            return ReadFile(seen, h)
        try:
            note = parse(data, Path(seen.rel).stem, local_today(self.clock).isoformat())
        except ValueError as exc:
            self.report.problems.append(f"{seen.rel}: left as it is, {exc}")
            return None
        if self.home is not None:
            self.report.problems += [
                f"{seen.rel}: {p}" for p in media_files.receive(self.home, self.folder, note.body)
            ]
        return ReadFile(seen, h, note)

    # ---- the database side ---------------------------------------------------------

    def run(self) -> SyncReport:
        started = time.perf_counter()
        notes, conflict_files, self.evicted = walk(self.folder)
        self.report.files = len(notes)
        by_path = {r.path: r for r in self.rows.values() if r.path}
        self.seen_stat = {s.rel: (s.mtime_ns, s.size) for s in notes}
        claims: dict[str, list[ReadFile]] = {}
        foreign: list[ReadFile] = []  # files without an id: from another editor
        for n, seen in enumerate(notes, 1):
            row = by_path.get(seen.rel)
            f = self.read(seen, row)
            if n % 1000 == 0:
                self.progress(n, len(notes) * 2)
            if f is None:
                continue
            uid = row.uid if f.note is None and row else (f.note.uid if f.note else None)
            if uid is None:
                foreign.append(f)
            else:
                claims.setdefault(uid, []).append(f)
        files: dict[str, ReadFile] = {}
        for uid, claimed in claims.items():
            # A copied file keeps its id: the file the row names keeps it, the others
            # become entries of their own (written again with a new id).
            known = self.rows.get(uid)
            claimed.sort(key=lambda f: (not known or f.seen.rel != known.path, f.seen.rel))
            files[uid] = claimed[0]
            foreign.extend(claimed[1:])
        live = {
            r["id"]: r
            for r in self.store.query(
                "SELECT id, kind, day, version, deleted_at, edited FROM entries"
            )
        }
        daily_by_day = {
            r["day"]: r["id"] for r in live.values() if r["kind"] == "daily" and not r["deleted_at"]
        }
        work: list[Callable[[sqlite3.Connection], None]] = []
        for uid in sorted(self.rows.keys() | files.keys()):
            job = self.decide(uid, self.rows.get(uid), files.get(uid), live, daily_by_day)
            if job is not None:
                work.append(job)
        adopted = self.adopt(foreign, live)
        for f in foreign:
            if f.seen.rel not in adopted:
                work.append(lambda conn, f=f: self.create(conn, None, f))
        handled = {r.entry_id for r in self.rows.values()} | set(adopted.values())
        handled |= {
            daily_by_day[f.note.day]
            for uid, f in files.items()
            if uid not in self.rows
            and f.note
            and f.note.kind == "daily"
            and f.note.day in daily_by_day
        }
        for r in live.values():
            if r["id"] in handled or r["deleted_at"]:
                continue
            if r["kind"] == "daily" and not r["edited"]:
                continue  # an untouched template is not worth a file until written in
            self.to_write.append((r["id"], None, None))
        self.apply(work, len(notes))
        for seen in conflict_files:
            self.conflict_file(seen)
        self.write_files()
        self.report.seconds = time.perf_counter() - started
        return self.report

    def adopt(self, foreign: list[ReadFile], live: dict[int, sqlite3.Row]) -> dict[str, int]:
        """Files without an id whose text is an entry's here (a folder pkm exported to,
        made the vault): that entry, not a copy of it. Returns {path: entry id}."""
        if not foreign:
            return {}
        claimed = {r.entry_id for r in self.rows.values()}
        free = [i for i, r in live.items() if i not in claimed and not r["deleted_at"]]
        by_text: dict[str, int] = {}
        for entry in fetch_entries(self.store, free):
            by_text.setdefault(entry_hash(entry), entry.id)
        out: dict[str, int] = {}
        for f in foreign:
            entry_id = by_text.pop(f.note.hash, None) if f.note else None
            if entry_id is not None:
                out[f.seen.rel] = entry_id
                self.to_write.append((entry_id, None, f.seen.rel))  # given its pkm-id
        return out

    def decide(
        self,
        uid: str,
        row: state.FileState | None,
        f: ReadFile | None,
        live: dict[int, sqlite3.Row],
        daily_by_day: dict[str, int],
    ) -> Callable[[sqlite3.Connection], None] | None:
        rep = self.report
        if row is None:
            assert f is not None and f.note is not None
            note = f.note
            local = daily_by_day.get(note.day) if note.kind == "daily" else None
            if local is None:
                return lambda conn: self.create(conn, uid, f)
            return lambda conn: self.meet(conn, uid, f, local, live[local])
        entry = live.get(row.entry_id)
        if f is None:
            if row.path is None:
                if entry is None:
                    return lambda conn: state.drop(conn, uid)
                if not entry["deleted_at"]:
                    self.to_write.append((row.entry_id, uid, None))
                return None
            if entry is None:
                return lambda conn: state.drop(conn, uid)
            if row.path in self.evicted:  # in iCloud, not downloaded: not deleted
                if entry["version"] != row.version:
                    rep.problems.append(
                        f"{row.path} is in iCloud only, so your change waits: download it "
                        "(open the folder in Finder) and pkm writes it"
                    )
                return None
            if entry["deleted_at"]:
                return lambda conn: self.record(conn, row, None, entry["version"])
            if entry["version"] != row.version:
                rep.problems.append(
                    f"{row.path} was deleted in the vault, but its entry changed here since: "
                    "the file is written again"
                )
                self.to_write.append((row.entry_id, uid, None))
                return None
            return lambda conn: self.trash(conn, row)
        file_changed = f.note is not None and f.note.hash != row.text_hash
        if f.seen.rel != row.path:
            rep.renamed += 1
        if entry is None or entry["deleted_at"]:
            if file_changed:
                return lambda conn: self.revive(conn, row, f, entry is not None)
            if entry is None:
                self.remove_file(f.seen)
                return lambda conn: state.drop(conn, uid)
            self.remove_file(f.seen)
            return lambda conn: self.record(conn, row, None, entry["version"])
        entry_changed = entry["version"] != row.version
        if file_changed and not entry_changed:
            return lambda conn: self.update(conn, row, f)
        if file_changed and entry_changed:
            return lambda conn: self.both(conn, row, f)
        if entry_changed:
            self.to_write.append((row.entry_id, uid, f.seen.rel))
            if f.seen.rel == row.path:
                return None
        if (f.seen.rel, f.seen.mtime_ns, f.seen.size) == (row.path, row.mtime_ns, row.size):
            return None
        return lambda conn: self.record(conn, row, f, row.version, path=f.seen.rel)

    def apply(self, work: list[Callable[[sqlite3.Connection], None]], files: int) -> None:
        for start in range(0, len(work), BATCH):
            with self.store.transaction() as conn:
                for job in work[start : start + BATCH]:
                    conn.execute("SAVEPOINT vault_file")
                    try:
                        job(conn)
                    except PkmError as exc:
                        conn.execute("ROLLBACK TO vault_file")
                        self.report.problems.append(str(exc))
                    conn.execute("RELEASE vault_file")
            self.progress(files + start, files * 2 or 1)

    # ---- what one file does to its entry ---------------------------------------------

    def record(
        self,
        conn: sqlite3.Connection,
        row: state.FileState,
        f: ReadFile | None,
        version: int,
        *,
        path: str | None = None,
        text: str | None = None,
    ) -> None:
        if f is None:
            row.path = row.file_hash = row.text_hash = row.mtime_ns = row.size = None
        else:
            row.path = path or f.seen.rel
            row.file_hash = f.file_hash or row.file_hash
            row.text_hash = text or (f.note.hash if f.note else row.text_hash)
            row.mtime_ns, row.size = f.seen.mtime_ns, f.seen.size
        row.version = version
        state.put(conn, row, self.now)

    def _version(self, entry_id: int) -> int:
        return int(self.store.scalar("SELECT version FROM entries WHERE id = ?", (entry_id,)))

    def create(self, conn: sqlite3.Connection, uid: str | None, f: ReadFile) -> None:
        note = f.note
        assert note is not None
        entry, change = entries.insert(
            self.store, self.clock, note.kind, note.title, note.body,
            dt.date.fromisoformat(note.day), note.tags,
        )  # fmt: skip
        if note.created:
            conn.execute("UPDATE entries SET created = ? WHERE id = ?", (note.created, entry.id))
        self.report.change.merge(change)
        self.report.created += 1
        if uid is None:  # a file from another editor: it gets an id, so it is rewritten
            self.to_write.append((entry.id, None, f.seen.rel))
            return
        row = state.FileState(uid, entry.id, None, None, None, entry.version, None, None)
        self.record(conn, row, f, entry.version)

    def meet(self, conn: sqlite3.Connection, uid: str, f: ReadFile, entry_id: int, r) -> None:
        """A daily file from another device, and this device's own entry of that day."""
        note = f.note
        assert note is not None
        entry = fetch_entries(self.store, [entry_id])[0]
        row = state.FileState(uid, entry_id, None, None, None, entry.version, None, None)
        if entry_hash(entry) == note.hash:
            self.record(conn, row, f, entry.version)
        elif not r["edited"]:
            self._take(conn, row, f)
        else:
            self._keep_both(conn, row, f, None)

    def update(self, conn: sqlite3.Connection, row: state.FileState, f: ReadFile) -> None:
        self._take(conn, row, f)

    def _take(self, conn: sqlite3.Connection, row: state.FileState, f: ReadFile) -> None:
        note = f.note
        assert note is not None
        change = entries.save_in(
            conn, self.store, self.clock, row.entry_id, note.title, note.body, note.tags,
            force_revision=True, reason="vault",
        )  # fmt: skip
        self.report.change.merge(change)
        self.report.updated += 1
        self.record(conn, row, f, self._version(row.entry_id))
        for other in change.entries - {row.entry_id}:  # [[links]] renamed in other entries
            self.to_write.append((other, None, None))

    def both(self, conn: sqlite3.Connection, row: state.FileState, f: ReadFile) -> None:
        note = f.note
        assert note is not None
        entry = fetch_entries(self.store, [row.entry_id])[0]
        if entry_hash(entry) == note.hash:
            self.record(conn, row, f, entry.version)
            return
        self._keep_both(conn, row, f, None)

    def _keep_both(
        self, conn: sqlite3.Connection, row: state.FileState, f: ReadFile, name: str | None
    ) -> None:
        note = f.note
        assert note is not None
        label = conflicts.copy_label(name, self.clock)
        copy_id, copy_title, change = conflicts.keep_both(
            conn, self.store, self.clock, row.entry_id, note, label
        )
        self.report.change.merge(change)
        title = fetch_entries(self.store, [row.entry_id])[0].title
        self.report.conflicts.append(
            f"{f.seen.rel}: '{title}' changed here and in the vault since the last sync; "
            f"both versions are kept, the vault's is the note '{copy_title}'"
        )
        # The file now stands for the entry's text as it was before this sync wrote it:
        self.record(conn, row, f, -1)
        self.to_write.append((row.entry_id, row.uid, f.seen.rel))
        uid = conflicts.copy_uid(name)
        self.to_write.append((copy_id, uid, None))

    def trash(self, conn: sqlite3.Connection, row: state.FileState) -> None:
        self.report.change.merge(trash.delete(self.store, self.clock, row.entry_id))
        self.report.trashed += 1
        self.record(conn, row, None, self._version(row.entry_id))

    def revive(
        self, conn: sqlite3.Connection, row: state.FileState, f: ReadFile, exists: bool
    ) -> None:
        """A file edited there whose entry was deleted here: the edit brings it back."""
        if not exists:
            state.drop(conn, row.uid)
            self.create(conn, row.uid, f)
            return
        self.report.change.merge(trash.restore(self.store, row.entry_id))
        self._take(conn, row, f)

    # ---- sync engines' conflict files ------------------------------------------------

    def conflict_file(self, seen: Seen) -> None:
        try:
            data = read_bytes(seen)
            note = parse(
                data, Path(seen.conflict_of or seen.rel).stem, local_today(self.clock).isoformat()
            )
        except (OSError, ValueError) as exc:
            self.report.problems.append(
                f"{seen.rel}: a sync conflict copy pkm could not read ({exc})"
            )
            return
        rows = state.load(self.store)
        row = rows.get(note.uid or "") or next(
            (r for r in rows.values() if r.path == seen.conflict_of), None
        )
        entry = fetch_entries(self.store, [row.entry_id])[0] if row else None
        name = Path(seen.rel).name
        copy_uid = conflicts.copy_uid(name)
        if copy_uid in rows or (entry is not None and entry_hash(entry) == note.hash):
            self.remove_file(seen, force=True)  # its text is already here
            return
        with self.store.transaction() as conn:
            if entry is None or row is None:
                copy, change = entries.insert(
                    self.store, self.clock, "note", note.title, note.body,
                    dt.date.fromisoformat(note.day), note.tags,
                )  # fmt: skip
                self.report.change.merge(change)
                self.to_write.append((copy.id, copy_uid, None))
                self.report.conflicts.append(
                    f"{seen.rel}: a sync engine's copy of a file pkm does not know; "
                    f"kept as the note '{note.title}'"
                )
            else:
                label = conflicts.copy_label(name, self.clock)
                copy_id, copy_title, change = conflicts.keep_both(
                    conn, self.store, self.clock, row.entry_id, note, label
                )
                self.report.change.merge(change)
                self.to_write.append((row.entry_id, row.uid, row.path))
                self.to_write.append((copy_id, copy_uid, None))
                self.report.conflicts.append(
                    f"{seen.rel}: '{entry.title}' was changed on two devices at once; both "
                    f"versions are kept, the other is the note '{copy_title}'"
                )
        self.remove_file(seen, force=True)


def sync(
    store: Store,
    clock: Clock,
    folder: Path,
    progress: Progress | None = None,
    *,
    home: Path | None = None,
) -> SyncReport:
    """Bring the folder and the journal in step (see the module docstring)."""
    return _Sync(store, clock, Path(folder), progress, home).run()
