"""After a save: write just that entry's file, without walking the whole vault.

A full sync stats every file (0.2-0.7 s for 10,000); a save touches one entry. When
the entry's file is exactly as pkm last wrote or read it, writing it is all a sync
would do, so the window does only that and leaves the walk to file events and the
minute's rescan. Anything else (a new entry, a file changed there too, one gone)
returns None, and the caller runs the full sync, which decides.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from pkm.core.clock import Clock
from pkm.core.db import Store
from pkm.core.journal.rows import fetch_entries
from pkm.core.vault import state
from pkm.core.vault.report import SyncReport
from pkm.core.vault.sync import _Sync


def write_entries(
    store: Store, clock: Clock, folder: Path, entry_ids: set[int], *, home: Path | None = None
) -> SyncReport | None:
    """Only write the files of ``entry_ids`` (the window's saves), without walking the folder.

    Each must have a file that is exactly as pkm last wrote or read it (same mtime and
    size), else None: something changed there too, and only a full sync may decide.
    """
    job = _Sync(store, clock, Path(folder), None, home, state.load(store, sorted(entry_ids)))
    rows = {r.entry_id: r for r in job.rows.values()}
    live = {e.id: e for e in fetch_entries(store, sorted(entry_ids))}
    job.seen_stat = {}
    for entry_id in entry_ids:
        row, entry = rows.get(entry_id), live.get(entry_id)
        if row is None or row.path is None or entry is None:
            return None  # a new, trashed or fileless entry: a full sync
        if entry.version == row.version:
            continue
        try:
            st = os.stat(Path(folder) / row.path)
        except OSError:
            return None
        if (st.st_mtime_ns, st.st_size) != (row.mtime_ns, row.size):
            return None
        job.seen_stat[row.path] = (st.st_mtime_ns, st.st_size)
        job.to_write.append((entry_id, row.uid, row.path))
    started = time.perf_counter()
    job.report.files = int(
        store.scalar("SELECT COUNT(*) FROM vault_files WHERE path IS NOT NULL") or 0
    )
    job.write_files()
    job.report.seconds = time.perf_counter() - started
    return job.report
