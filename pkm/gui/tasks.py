"""Where work runs, so the window never freezes.

Threading model (DESIGN.md, "Threads")
--------------------------------------
* **GUI thread**: widgets only. It never touches SQLite, the index or files;
  it asks for work and gets the result back later through a signal.
* **Writer** (one QThread, first in first out): owns every write (journal
  saves, index sync and rebuild, settings). Serial, so SQLite and Whoosh see
  one writer, and a load queued after a save sees that save. Jobs marked
  *quick* (saves, loads) also run *between the steps* of a long job: when a
  long job reports progress, the writer first runs the quick jobs waiting, so
  typing is never stuck behind an index rebuild.
* **Reader** (one QThread): reads that may take more than a few ms (search,
  calendar, backlinks, preview rendering). A job has a key; a newer job with
  the same key replaces one still waiting, and the result of an older one is
  dropped, so typing fast never shows stale results.
* **Pool** (QThreadPool, a few threads): network and file work (fetch,
  publish, export) for the Seek and Share stages.
* Results, errors and progress come back through a relay QObject living in
  the GUI thread (queued signal connection) which calls ``on_done`` /
  ``on_error`` there. No ``processEvents()`` anywhere. Long jobs get a
  :class:`TaskContext` with ``progress()`` and ``cancelled``; the status area
  shows them with a progress bar and a Cancel button.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal

log = logging.getLogger("pkm.gui.tasks")

Callback = Callable[[Any], None]
PROGRESS_EVERY_S = 0.05  # at most 20 progress signals a second per task


class Cancelled(Exception):
    """Raised by TaskContext.check() when the user pressed Cancel."""


@dataclass(eq=False)
class Task:
    fn: Callable[..., Any]
    on_done: Callback | None = None
    on_error: Callback | None = None
    owner: QObject | None = None  # results are dropped once the owner is deleted
    label: str = ""  # non-empty: a long job shown in the status area
    quick: bool = False  # may run between the steps of a long writer job
    key: str | None = None
    gen: int = 0
    id: int = 0
    cancel_event: threading.Event = field(default_factory=threading.Event)

    @property
    def is_long(self) -> bool:
        return bool(self.label)


class TaskContext:
    """What a long job sees: progress reporting and the Cancel button."""

    def __init__(self, task: Task, manager: TaskManager, worker: _SerialWorker | None) -> None:
        self._task = task
        self._manager = manager
        self._worker = worker
        self._last = 0.0

    @property
    def cancelled(self) -> bool:
        return self._task.cancel_event.is_set()

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled()

    def progress(self, done: int, total: int | None = None, text: str = "") -> None:
        """Report progress; on the writer, also let waiting quick jobs (saves) run."""
        now = time.monotonic()
        if now - self._last >= PROGRESS_EVERY_S or (total and done >= total):
            self._last = now
            self._manager._relay.progressed.emit(self._task.id, done, total, text)
        self._manager.let_quick_jobs_run()


class _Relay(QObject):
    """Lives in the GUI thread; signals emitted from workers are queued to it."""

    delivered = Signal(object)  # a zero-argument callable to run in the GUI thread
    progressed = Signal(int, int, object, str)  # task id, done, total (int | None), text

    def __init__(self) -> None:
        super().__init__()
        self.delivered.connect(self._run)

    def _run(self, thunk: Callable[[], None]) -> None:
        thunk()


class _SerialWorker(QThread):
    """One thread running jobs in order; see the module docstring."""

    def __init__(self, name: str, manager: TaskManager) -> None:
        super().__init__()
        self.setObjectName(name)
        self._manager = manager
        self._queue: deque[Task] = deque()
        self._cond = threading.Condition()
        self._stopping = False
        self.ident: int | None = None
        self.current: Task | None = None

    def submit(self, task: Task) -> None:
        with self._cond:
            if task.key is not None:
                for waiting in [t for t in self._queue if t.key == task.key]:
                    self._queue.remove(waiting)
            self._queue.append(task)
            self._cond.notify()

    def drop_waiting(self, keep: Callable[[Task], bool]) -> None:
        with self._cond:
            self._queue = deque(t for t in self._queue if keep(t))

    def waiting(self) -> list[Task]:
        with self._cond:
            return list(self._queue)

    def stop(self) -> None:
        """Finish the jobs already queued, then end the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify()

    def run(self) -> None:
        self.ident = threading.get_ident()
        while True:
            with self._cond:
                while not self._queue and not self._stopping:
                    self._cond.wait()
                if not self._queue:
                    return
                task = self._queue.popleft()
            self.current = task
            try:
                self._manager._execute(task, self)
            finally:
                self.current = None

    def run_quick_jobs(self) -> None:
        """Run the quick jobs waiting (in their order) from inside a long job."""
        if self._manager.interleave_allowed is not None and not self._manager.interleave_allowed():
            return  # inside the long job's transaction: a save would join it, uncommitted
        while True:
            with self._cond:
                task = next((t for t in self._queue if t.quick), None)
                if task is None:
                    return
                self._queue.remove(task)
            self._manager._execute(task, self)


class _Runnable(QRunnable):
    def __init__(self, manager: TaskManager, task: Task) -> None:
        super().__init__()
        self._manager = manager
        self._task = task

    def run(self) -> None:
        self._manager._execute(self._task, None)


class TaskManager(QObject):
    """The writer, the reader and the pool, with one way to submit and get results."""

    started = Signal(object)  # Task (long jobs only)
    progressed = Signal(object, int, object, str)  # Task, done, total, text
    finished = Signal(object)  # Task (long jobs only)
    failed = Signal(object)  # an exception nobody handled: the status area shows it

    def __init__(self, parent: QObject | None = None, *, pool_size: int = 3) -> None:
        super().__init__(parent)
        self._relay = _Relay()
        self._relay.progressed.connect(self._on_progress)
        self._ids = itertools.count(1)
        self._latest: dict[str, int] = {}
        self._long: dict[int, Task] = {}
        self._closed = False
        self._gui_ident = threading.get_ident()
        #: Set by the owner of the database: True when a quick job may run now, between
        #: the steps of a long one (not inside that job's open transaction).
        self.interleave_allowed: Callable[[], bool] | None = None
        self.writer = _SerialWorker("pkm-writer", self)
        self.reader = _SerialWorker("pkm-reader", self)
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(pool_size)
        self.writer.start()
        self.reader.start()

    # ---- submitting (GUI thread) ----------------------------------------------

    def write(self, fn: Callable[[], Any], **kw: Any) -> Task:
        """A write (or a read that must see earlier writes) on the writer."""
        return self._submit(self.writer, fn, **kw)

    def read(self, fn: Callable[[], Any], **kw: Any) -> Task:
        """A read on the reader; give a key so only the newest result arrives."""
        return self._submit(self.reader, fn, **kw)

    def background(self, fn: Callable[..., Any], **kw: Any) -> Task:
        """Network or file work on the pool."""
        return self._submit(None, fn, **kw)

    def _submit(
        self,
        worker: _SerialWorker | None,
        fn: Callable[..., Any],
        *,
        on_done: Callback | None = None,
        on_error: Callback | None = None,
        owner: QObject | None = None,
        label: str = "",
        quick: bool = False,
        key: str | None = None,
    ) -> Task:
        task = Task(fn, on_done, on_error, owner, label, quick, key, id=next(self._ids))
        if self._closed:
            return task
        if key is not None:
            task.gen = self._latest[key] = self._latest.get(key, 0) + 1
        if task.is_long:
            self._long[task.id] = task
            self.started.emit(task)
        if worker is None:
            self.pool.start(_Runnable(self, task))
        else:
            worker.submit(task)
        return task

    def cancel(self, task: Task) -> None:
        task.cancel_event.set()

    def cancel_long_jobs(self) -> None:
        for task in list(self._long.values()):
            task.cancel_event.set()

    def let_quick_jobs_run(self) -> None:
        """Called by work on the writer between its steps: saves waiting run now.

        Long jobs do this through TaskContext.progress(); a long step that is not a
        TaskContext job (an index sync after a big refresh) calls it directly. Does
        nothing on any other thread.
        """
        if threading.get_ident() == self.writer.ident:
            self.writer.run_quick_jobs()

    def call_in_gui(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the GUI thread soon (from any thread)."""
        self._relay.delivered.emit(fn)

    def run_on_writer(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on the writer and wait for its result (from a network thread).

        The store's write runner in the window: every write comes from one thread.
        On the writer itself, the GUI thread (which must never wait) or after
        shutdown it runs in place.
        """
        here = threading.get_ident()
        if (
            self._closed
            or here == self.writer.ident
            or here == self._gui_ident
            or not self.writer.isRunning()
        ):
            return fn()
        future: Future[Any] = Future()

        def job() -> None:
            try:
                future.set_result(fn())
            except BaseException as exc:
                future.set_exception(exc)

        self.writer.submit(Task(job, quick=True, id=next(self._ids)))
        return future.result()

    def wait_for_writer(self, timeout_ms: int = 30_000) -> bool:
        """Block until every write queued so far has run (used once, when closing)."""
        if self._closed or not self.writer.isRunning():
            return True
        done = threading.Event()
        self.writer.submit(Task(done.set, id=next(self._ids)))
        return done.wait(timeout_ms / 1000)

    def long_tasks(self) -> list[Task]:
        return list(self._long.values())

    # ---- running (worker threads) ---------------------------------------------

    def _execute(self, task: Task, worker: _SerialWorker | None) -> None:
        if task.key is not None and self._latest.get(task.key, 0) != task.gen:
            return  # a newer job with this key exists: skip the work entirely
        result: Any = None
        error: BaseException | None = None
        try:
            if task.cancel_event.is_set():
                raise Cancelled()
            if task.is_long:
                result = task.fn(TaskContext(task, self, worker))
            else:
                result = task.fn()
        except BaseException as exc:
            error = exc
        self._relay.delivered.emit(partial(self._finish, task, result, error))

    # ---- delivering (GUI thread) ----------------------------------------------

    def _on_progress(self, task_id: int, done: int, total: int | None, text: str) -> None:
        task = self._long.get(task_id)
        if task is not None and not self._closed:
            self.progressed.emit(task, done, total, text)

    def _finish(self, task: Task, result: Any, error: BaseException | None) -> None:
        if task.is_long and self._long.pop(task.id, None) is not None and not self._closed:
            self.finished.emit(task)
        if self._closed:
            return
        if task.key is not None and self._latest.get(task.key) != task.gen:
            return  # stale: a newer request with the same key is on its way
        if task.owner is not None and not shiboken6.isValid(task.owner):
            return
        try:
            if error is None:
                if task.on_done is not None:
                    task.on_done(result)
            elif isinstance(error, Cancelled) or (task.cancel_event.is_set() and task.is_long):
                return
            elif task.on_error is not None:
                task.on_error(error)
            else:
                self.failed.emit(error)
        except Exception as exc:  # a bug in a callback must not take the window down
            log.exception("error in a task callback")
            self.failed.emit(exc)

    # ---- shutting down --------------------------------------------------------

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel long jobs, finish queued writes (saves!), stop every thread.

        Returns False if a thread did not stop in time (it is then left to
        the OS at exit rather than killed in the middle of a write).
        """
        if self._closed and not self.writer.isRunning() and not self.reader.isRunning():
            return True
        self._closed = True
        for task in list(self._long.values()):
            task.cancel_event.set()
        self.reader.drop_waiting(lambda t: False)
        self.writer.drop_waiting(lambda t: not t.is_long)
        self.reader.stop()
        self.writer.stop()
        ok = self.reader.wait(timeout_ms) and self.writer.wait(timeout_ms)
        ok = self.pool.waitForDone(timeout_ms) and ok
        if not ok:
            log.error("a worker thread did not stop within %s ms", timeout_ms)
        return ok
