"""Import benchmark: the batched import writer against one journal.create() per note.

A vault of N Markdown notes (front matter, #tags, [[links]] to each other,
every tenth a daily note) is made in a temp folder. Each contender gets a fresh
workspace (no search index yet, so both only queue their entries for it):

- pkm: `run_import(ws, "markdown", vault)`: 100 notes per transaction with
  sqlite-utils' insert_all (imports/writer.py), then the same import again
  (everything is recognised and skipped);
- baseline: the same parsed notes written with `ws.journal.create()` one by
  one, each its own transaction, as a straightforward import would.

While each runs, a thread on its own connection makes a small write every
10 ms, as an autosave would; its longest wait for the database is printed.

Run: .venv/bin/python tests/benchmarks/imports.py [--notes N]
The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

from pkm.core.imports import markdown_folder, run_import
from pkm.core.imports.model import Note
from pkm.core.media import MediaStore
from pkm.core.workspace import Workspace


def make_vault(folder: Path, n: int) -> None:
    folder.mkdir(parents=True)
    start = dt.date(2020, 1, 1)
    for i in range(n):
        if i % 10 == 0:
            day = start + dt.timedelta(days=i // 10)
            (folder / f"{day.isoformat()}.md").write_text(
                f"Daily note {i}. Read [[Note {i + 1}]]. #daily\n" * 5
            )
            continue
        (folder / f"Note {i}.md").write_text(
            f"---\ntitle: Note {i}\ntags: [bench, t{i % 50}]\ndate: 2021-03-04\n---\n"
            + f"Paragraph about topic {i % 97} with a link to [[Note {i - 1}]] #inline{i % 7}.\n"
            * 8
        )


class Autosaver:
    """A small write every 10 ms on its own connection; the longest wait for the lock."""

    def __init__(self, db: Path) -> None:
        self.db, self.worst, self._stop = db, 0.0, threading.Event()
        self._t = threading.Thread(target=self._run)

    def _run(self) -> None:
        conn = sqlite3.connect(self.db, isolation_level=None, timeout=30)
        conn.execute("CREATE TABLE IF NOT EXISTS bench_autosave(x)")
        while not self._stop.is_set():
            t0 = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO bench_autosave VALUES (1)")
            conn.execute("COMMIT")
            self.worst = max(self.worst, time.perf_counter() - t0)
            time.sleep(0.01)
        conn.close()

    def __enter__(self) -> Autosaver:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=3000)
    n = ap.parse_args().notes
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        vault = root / "vault"
        make_vault(vault, n)

        ws = Workspace(root / "pkm", auto_index=False)
        with Autosaver(ws.store.path) as saver:
            t0 = time.perf_counter()
            report = run_import(ws, "markdown", vault)
            pkm_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = run_import(ws, "markdown", vault)
        again_s = time.perf_counter() - t0
        assert len(report.imported) == n and not again.imported
        pkm_wait = saver.worst
        ws.close()

        base = Workspace(root / "base", auto_index=False)
        notes = [
            x for x in markdown_folder.read(vault, MediaStore(root / "base")) if isinstance(x, Note)
        ]
        with Autosaver(base.store.path) as saver:
            t0 = time.perf_counter()
            for note in notes:
                if note.daily:
                    entry = base.journal.daily_for(note.day)
                    base.journal.save(entry.id, body=note.body, tags=note.tags)
                else:
                    base.journal.create(
                        title=note.title, body=note.body, day=note.day, tags=note.tags
                    )
            base_s = time.perf_counter() - t0
        base_wait = saver.worst
        base.close()
    print(f"notes: {n}")
    print(f"pkm import (read + write):     {pkm_s:7.2f} s  ({n / pkm_s:,.0f} notes/s)")
    print(f"pkm re-import (all skipped):   {again_s:7.2f} s")
    print(f"baseline create() per note:    {base_s:7.2f} s  (write only, parsing not timed)")
    print(f"ratio baseline / pkm:          {base_s / pkm_s:7.1f}x")
    print(
        f"autosave's longest wait: pkm {pkm_wait * 1000:.0f} ms, baseline {base_wait * 1000:.0f} ms"
    )
    print(
        json.dumps(
            {
                "notes": n,
                "pkm_s": round(pkm_s, 3),
                "reimport_s": round(again_s, 3),
                "baseline_s": round(base_s, 3),
                "ratio": round(base_s / pkm_s, 2),
                "pkm_autosave_wait_ms": round(pkm_wait * 1000, 1),
                "baseline_autosave_wait_ms": round(base_wait * 1000, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
