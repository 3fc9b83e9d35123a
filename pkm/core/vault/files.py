"""The folder side of a sync: writing entries' files, removing files.

A mixin of sync._Sync (it uses the sync's folder, store, report, ``to_write`` and
the stat of every file as scanned, ``seen_stat``). pkm never writes over bytes it
has not read: a file that is new or changed since the scan is left for the next
sync, which reads it first. Writes are atomic (temp file, fsync, rename); every
path is checked to stay inside the vault folder.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from pkm.core.clock import Clock
from pkm.core.db import Store
from pkm.core.journal.rows import fetch_entries
from pkm.core.settings import atomic_write_bytes
from pkm.core.vault import media_files, state
from pkm.core.vault.format import entry_hash, new_uid, render, safe_name
from pkm.core.vault.report import SyncReport
from pkm.core.vault.scan import Seen, digest, inside

BATCH = 200


class FolderSide:
    store: Store
    clock: Clock
    folder: Path
    home: Path | None
    report: SyncReport
    now: str
    to_write: list[tuple[int, str | None, str | None]]  # (entry, uid, path), None: choose
    seen_stat: dict[str, tuple[int, int]]

    def remove_file(self, seen: Seen, *, force: bool = False) -> None:
        """Remove a file pkm has read, unless it changed since (then it is kept)."""
        try:
            st = os.stat(seen.path)
            if force or (st.st_mtime_ns, st.st_size) == (seen.mtime_ns, seen.size):
                inside(self.folder, seen.rel).unlink()
                self.report.removed += 0 if force else 1
        except (OSError, ValueError):
            pass

    def write_files(self) -> None:
        if not self.to_write:
            return
        wanted: dict[int, tuple[str | None, str | None]] = {}
        for entry_id, uid, path in self.to_write:
            old = wanted.get(entry_id, (None, None))
            wanted[entry_id] = (uid or old[0], path or old[1])
        by_entry = {r.entry_id: r for r in state.load(self.store, list(wanted)).values()}
        taken: set[str] | None = None  # names in use, read only when a new file needs one
        found = {e.id: e for e in fetch_entries(self.store, list(wanted))}
        done: list[state.FileState] = []
        for entry_id, (uid, path) in wanted.items():
            entry = found.get(entry_id)
            if entry is None:
                continue
            row = by_entry.get(entry_id)
            uid = (row.uid if row else None) or uid or new_uid(entry)
            path = path or (row.path if row else None)
            if path is None:
                if taken is None:
                    taken = state.paths(self.store)
                    with contextlib.suppress(OSError):
                        taken |= {n.casefold() for n in os.listdir(self.folder)}
                path = safe_name(entry, taken)
                taken.add(path.casefold())
            data = render(entry, uid, Path(path).name)
            try:
                target = inside(self.folder, path)
                if target.exists():
                    st = target.stat()
                    if (st.st_mtime_ns, st.st_size) != self.seen_stat.get(path):
                        continue  # new or changed since the scan: the next sync reads it first
                atomic_write_bytes(target, data, shared=True)
                if self.home is not None:
                    for ref in media_files.send(self.home, self.folder, entry.body):
                        self.report.problems.append(f"{path}: {ref} is missing from pkm's media")
                st = target.stat()
            except (OSError, ValueError) as exc:
                self.report.problems.append(f"{path}: could not be written ({exc})")
                continue
            self.report.written += 1
            done.append(
                state.FileState(
                    uid,
                    entry_id,
                    path,
                    digest(data),
                    entry_hash(entry),
                    entry.version,
                    st.st_mtime_ns,
                    st.st_size,
                )
            )
        for start in range(0, len(done), BATCH):
            with self.store.transaction() as conn:
                for row in done[start : start + BATCH]:
                    state.put(conn, row, self.now)
