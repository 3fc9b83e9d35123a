"""The threading layer: serial writes, newest-read-wins, quick jobs inside long ones, shutdown."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QObject

from pkm.gui.tasks import TaskManager


@pytest.fixture
def tasks(qtbot):
    tm = TaskManager()
    yield tm
    tm.shutdown()


def test_writes_run_in_order_on_one_thread_off_the_gui_thread(qtbot, tasks):
    gui = threading.get_ident()
    seen: list[tuple[int, int]] = []
    done: list[int] = []
    for i in range(20):
        tasks.write(lambda i=i: seen.append((i, threading.get_ident())) or i, on_done=done.append)
    qtbot.waitUntil(lambda: len(done) == 20)
    assert [i for i, _ in seen] == list(range(20)) == done
    assert len({t for _, t in seen}) == 1 and seen[0][1] != gui


def test_only_the_newest_read_with_a_key_is_delivered(qtbot, tasks):
    gate = threading.Event()
    tasks.read(gate.wait)  # keep the reader busy while three searches queue up
    got: list[str] = []
    for q in ("p", "pr", "pri"):
        tasks.read(lambda q=q: q, key="search", on_done=got.append)
    gate.set()
    qtbot.waitUntil(lambda: got == ["pri"])
    qtbot.wait(50)
    assert got == ["pri"]


def test_quick_writes_run_between_the_steps_of_a_long_job(qtbot, tasks):
    order: list[str] = []
    started = threading.Event()

    def long_job(ctx):
        started.set()
        for step in range(30):
            time.sleep(0.01)
            order.append(f"step{step}")
            ctx.progress(step + 1, 30)
        return "built"

    finished: list[str] = []
    tasks.write(long_job, label="Building", on_done=finished.append)
    started.wait(5)
    tasks.write(lambda: order.append("save"), quick=True)
    tasks.write(lambda: order.append("slow-sync"))  # not quick: waits its turn
    qtbot.waitUntil(lambda: "slow-sync" in order)
    assert order.index("save") < order.index("step29") < order.index("slow-sync")
    # The result reaches the GUI thread through a queued signal: it may still be on its
    # way when the writer has already run the next job.
    qtbot.waitUntil(lambda: finished == ["built"])


def test_cancel_stops_a_long_job_and_no_result_is_delivered(qtbot, tasks):
    def long_job(ctx):
        while True:
            ctx.check()
            time.sleep(0.005)

    got: list[object] = []
    task = tasks.write(long_job, label="Forever", on_done=got.append, on_error=got.append)
    with qtbot.waitSignal(tasks.finished, timeout=5000):
        qtbot.wait(30)
        tasks.cancel(task)
    assert got == [] and tasks.long_tasks() == []


def test_results_for_a_deleted_widget_are_dropped(qtbot, tasks):
    owner = QObject()
    got: list[int] = []
    gate = threading.Event()
    tasks.write(gate.wait)
    tasks.write(lambda: 1, on_done=got.append, owner=owner)
    import shiboken6

    shiboken6.delete(owner)
    gate.set()
    qtbot.wait(100)
    assert got == []


def test_shutdown_finishes_queued_writes_first(qtbot):
    tm = TaskManager()
    wrote: list[int] = []
    for i in range(5):
        tm.write(lambda i=i: (time.sleep(0.01), wrote.append(i)))
    assert tm.shutdown()
    assert wrote == [0, 1, 2, 3, 4]
    assert not tm.writer.isRunning() and not tm.reader.isRunning()


def test_unhandled_errors_are_reported(qtbot, tasks):
    with qtbot.waitSignal(tasks.failed) as blocker:
        tasks.background(lambda: {}["missing"])
    assert isinstance(blocker.args[0], KeyError)
