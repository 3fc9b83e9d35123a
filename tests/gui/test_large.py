"""A 20k-document workspace: search stays responsive, a rebuild never blocks saving.

These check the design (search and rebuild off the GUI thread), not speed:
the bound on the event loop's latency is generous.
"""

from __future__ import annotations

import shutil
import time

import pytest
from PySide6.QtCore import Qt, QTimer

from pkm.gui.sense.autosave import IDLE_MS

pytestmark = pytest.mark.slow

HEARTBEAT_MS = 10
MAX_BLOCK_S = 0.25  # generous: the design target is under 0.1 s
# While typing during a full index rebuild (only when the index is missing or its version
# changed; the rebuild runs on the writer thread while the reader thread queries SQLite).
# Measured on a 2-core machine shared with other work: 18-50 ms in 9 runs (2 of them with
# a CPU-bound process beside), 47 and 81 ms with both cores kept busy by such processes;
# 0.17-0.68 s before the rebuild stopped starving the GUI thread of the GIL (see
# pkm/core/search/build.py and bulk.py). About 3x the worst seen, so a loaded CI box does
# not flake while a real freeze still fails.
MAX_BLOCK_DURING_REBUILD_S = 0.25


class Heartbeat:
    """Measures the longest gap between timer ticks: how long the GUI thread was busy."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer(interval=HEARTBEAT_MS, timeout=self._beat)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self._last)
        self._last = now

    def __enter__(self) -> Heartbeat:
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.stop()


def test_search_box_stays_responsive_over_20k_documents(big_workspace, open_window, tmp_path):
    from tests.gui.corpus_workspace import corpus_module

    home = tmp_path / "ws"
    shutil.copytree(big_workspace, home)
    o = open_window(home)
    qtbot, box = o.qtbot, o.window.search
    qtbot.waitUntil(lambda: o.window.ops.index_status == "ready", timeout=30_000)
    queries = [q for q in corpus_module().queries(12)]
    o.window.focus_search()
    with Heartbeat() as beat:
        for query in queries:
            box.clear()
            for ch in query:
                qtbot.keyClick(box, ch)
                qtbot.wait(35)  # a fast typist
            qtbot.waitUntil(lambda: box.pending is None and box.popup.isVisible(), timeout=20_000)
    assert box.results is not None and box.results.total > 0
    print(f"worst GUI-thread block while typing {len(queries)} queries: {beat.worst * 1000:.0f} ms")
    assert beat.worst < MAX_BLOCK_S, f"the GUI thread was blocked {beat.worst * 1000:.0f} ms"


def test_rebuild_at_start_shows_progress_can_be_cancelled_and_saving_goes_on(
    big_workspace, open_window, tmp_path
):
    home = tmp_path / "ws"
    home.mkdir()
    shutil.copy2(big_workspace / "pkm.db", home / "pkm.db")  # no index: it must be rebuilt
    o = open_window(home)
    qtbot, status = o.qtbot, o.window.status
    qtbot.waitUntil(
        lambda: status.progress.isVisible() and status.progress.value() > 0, timeout=30_000
    )
    assert o.window.ops.index_status == "rebuilding"
    assert "search index" in status.task_label.text()

    entry_id = o.editor.entry_id
    with Heartbeat() as beat:
        # Key by key with the event loop running between keys, as a person types:
        # keyClicks() would deliver the whole string in one go and measure the burst.
        for ch in "Typed while the index is rebuilt":
            qtbot.keyClick(o.editor.text, ch)
            qtbot.wait(35)
        qtbot.waitUntil(lambda: "Typed while" in o.saved_body(entry_id), timeout=IDLE_MS + 5000)
    assert o.window.ops.index_status == "rebuilding"  # the save did not wait for the rebuild
    print(f"worst GUI-thread block while typing during the rebuild: {beat.worst * 1000:.0f} ms")
    assert beat.worst < MAX_BLOCK_DURING_REBUILD_S

    qtbot.mouseClick(status.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: o.window.ops.index_status == "incomplete", timeout=20_000)
    assert not status.progress.isVisible()
    assert "Stopped" in status.message.text()
