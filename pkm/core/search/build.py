"""The writing loop of a full rebuild, built to share the process with a GUI.

A rebuild is seconds of pure CPU on a worker thread. CPython asks a thread
holding the GIL to hand it over once a waiting thread has waited for the
switch interval (``sys.getswitchinterval()``), but that wait restarts
whenever the GIL changes hands, and the reader thread fetching rows from
SQLite drops and re-takes it for every row: so the GUI thread can wait many
switch intervals in a row, and typing during a rebuild stutters visibly even
with the GIL-dropping calls gone from the writer (``bulk.py``).
:class:`GilPause` makes the worker step aside now and then with a real
sleep, during which everyone else runs.

How long the GUI thread waits, with and without the pauses, is measured by
``python tests/benchmarks/search.py --writer`` (and felt in the large GUI
test, typing during a 20k-document rebuild).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from typing import Any

from pkm.core.search.bulk import SEGMENT_DOCS, _BulkWriter
from pkm.core.search.schema import GRAM_FIELDS, Analysis, IndexDoc, doc_fields

#: How often a long loop may step aside (see ``GilPause``), for how long it
#: then sleeps, and for how long after the process's other threads last used
#: the CPU (at least PAUSE_IF_OTHERS_S between two checks) it does so.
PAUSE_EVERY_S = 0.010
PAUSE_S = 0.002
PAUSE_IF_OTHERS_S = 0.0002
PAUSE_FOR_S = 1.0
PROGRESS_EVERY = 250
CANCEL_EVERY = 64

Progress = Callable[[int, int | None], None]


class GilPause:
    """Call it often from a long CPU-bound loop: while the process's other
    threads are in use (the GUI handling keys, the reader thread fetching
    rows), it sleeps ``pause`` seconds every ``every`` seconds so that they
    get the GIL at once; alone, it does not sleep.

    Why sleeps: CPython makes a thread hand the GIL over on request once per
    switch interval, but a waiting thread's request timer restarts whenever
    the GIL changes hands, so while the reader drops and re-takes it for
    every row SQLite returns, the GUI thread can wait many intervals. A sleep
    frees the GIL long enough for the woken threads to run, if it is not too
    short: a quarter of ``PAUSE_S`` was not enough on a loaded 2-core machine
    (``search.py --writer`` tries it), and ``time.sleep(0)`` frees it for no
    time at all. Why "in use": a thread starved of the GIL uses no CPU, so
    it cannot be told apart from an idle one; the GUI is busy for a
    while once the user does something, so the pauses go on for ``hold``
    seconds after other threads last used the CPU.
    """

    def __init__(
        self,
        every: float = PAUSE_EVERY_S,
        pause: float = PAUSE_S,
        if_others: float = PAUSE_IF_OTHERS_S,
        hold: float = PAUSE_FOR_S,
    ) -> None:
        self.every = every
        self.pause = pause
        self.if_others = if_others
        self.hold = hold
        self.paused = 0  # times it slept (for measurements)
        self._next = time.perf_counter() + every
        self._others = self._others_cpu()
        self._until = 0.0  # pause until then

    @staticmethod
    def _others_cpu() -> float:
        """CPU seconds used by the process's threads other than this one."""
        return time.process_time() - time.thread_time()

    def __call__(self) -> None:
        now = time.perf_counter()
        if now < self._next:
            return
        others = self._others_cpu()
        if others - self._others >= self.if_others:
            self._until = now + self.hold
        self._others = others
        if now < self._until:
            time.sleep(self.pause)
            self.paused += 1
        self._next = time.perf_counter() + self.every


class Builder:
    """Writes documents into new segments of ``ix`` (one per SEGMENT_DOCS),
    reporting progress and stopping when ``cancel()`` says so.

    Use as a context manager: an exception discards the open segment.
    """

    def __init__(
        self,
        ix: Any,
        common: frozenset[str],
        total: int | None = None,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> None:
        self.ix = ix
        self.common = common
        self.total = total
        self.progress = progress
        self.cancel = cancel
        self.count = 0
        self.pause = GilPause()
        self._writer = self._new_writer()

    def _new_writer(self) -> _BulkWriter:
        # The rebuild's writer derives the prefix grams from the words (bulk.py).
        return _BulkWriter(self.ix, derive=GRAM_FIELDS, pause=self.pause)

    def __enter__(self) -> Builder:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is not None:
            self.discard()

    def add_all(self, docs: Iterable[tuple[IndexDoc, Analysis | None]]) -> bool:
        """Index (doc, its analysis or None) pairs; False if cancelled, in
        which case the open segment is discarded."""
        for doc, analysis in docs:
            if self.cancel is not None and self.count % CANCEL_EVERY == 0 and self.cancel():
                self.discard()
                return False
            self._writer.add_document(**doc_fields(doc, self.common, analysis, with_grams=False))
            self.count += 1
            if self.count % SEGMENT_DOCS == 0:
                self._writer.commit(merge=False)
                self._writer = self._new_writer()
            if self.progress is not None and self.count % PROGRESS_EVERY == 0:
                self.progress(self.count, self.total)
            self.pause()
        return True

    def finish(self) -> int:
        """Commit the last segment; returns the number of documents written."""
        self._writer.commit(merge=False)
        if self.progress is not None:
            self.progress(self.count, self.total)
        return self.count

    def discard(self) -> None:
        with contextlib.suppress(Exception):  # already committed or cancelled
            self._writer.cancel()
