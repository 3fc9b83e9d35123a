"""A kill at any moment leaves the last saved state intact (DESIGN.md, safety rules)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pkm.core import syntax
from pkm.core.workspace import Workspace

WRITER = textwrap.dedent(
    """
    import sys, itertools
    from pathlib import Path
    from pkm.core.workspace import Workspace

    ws = Workspace(Path(sys.argv[1]))
    ws.search.sync()  # build the (empty) index so every save also writes to it
    today = ws.journal.today()
    for i in itertools.count():
        e = ws.journal.create(title=f"Note {i}", body=f"zebra{i} #tag{i % 7} see [[Note {i - 1}]]")
        ws.journal.save(e.id, body=e.body + f" more words {i} #extra")
        ws.journal.save(today.id, body=f"today {i}", force_revision=True)
        print(i, flush=True)
    """
)


def _kill_after(home: Path, min_writes: int) -> int:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(home)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    last = -1
    deadline = time.monotonic() + 120
    while last < min_writes and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        last = int(line)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert last >= min_writes, f"writer stopped early: {err}"
    return last


@pytest.mark.slow
def test_kill_mid_write_leaves_a_consistent_store(tmp_path):
    home = tmp_path / "ws"
    last = _kill_after(home, 40)

    conn = sqlite3.connect(home / "pkm.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()

    with Workspace(home) as ws:
        notes = ws.journal.list(kind="note")
        assert len(notes) >= last  # every acknowledged write survived
        for e in notes:
            # derived tables always agree with the text (same transaction)
            assert set(e.tags) == set(syntax.extract_tags(e.body))
            assert [t for t, _ in ws.journal.outgoing_links(e.id)] == list(
                syntax.extract_links(e.body).values()
            )
        # the index catches up from the outbox, or is rebuilt if the kill damaged it
        ws.search.sync()
        assert ws.search.pending() == 0
        newest = max(notes, key=lambda e: e.id)
        word = newest.body.split()[0]
        hits = ws.search.search(word).hits
        assert [h.key for h in hits] == [f"entry:{newest.id}"]


def test_index_deleted_between_runs_is_rebuilt(tmp_path, clock):
    home = tmp_path / "ws"
    with Workspace(home, clock=clock) as ws:
        ws.search.sync()
        a = ws.journal.create(title="Quarterly review", body="Revenue grew in #emea")
        ws.journal.create(title="Hiring plan", body="Two engineers")
        assert [h.key for h in ws.search.search("revenue").hits] == [f"entry:{a.id}"]
    shutil.rmtree(home / "index")
    with Workspace(home, clock=clock) as ws:
        assert ws.search.needs_rebuild()
        seen = []
        ws.search.rebuild(progress=lambda done, total: seen.append((done, total)))
        assert seen and seen[-1][0] == 2
        assert [h.key for h in ws.search.search("tag:emea").hits] == [f"entry:{a.id}"]


def test_save_while_index_missing_is_queued_not_lost(tmp_path, clock):
    home = tmp_path / "ws"
    with Workspace(home, clock=clock) as ws:
        e = ws.journal.create(title="Draft", body="unicorn strategy")
        assert ws.search.pending() >= 1  # no index yet: queued, the save itself succeeded
        ws.search.sync()
        assert ws.search.pending() == 0
        assert [h.key for h in ws.search.search("unicorn").hits] == [f"entry:{e.id}"]
        ws.journal.delete(e.id)
        assert ws.search.search("unicorn").hits == []
