"""A full rebuild in a child process, so that it never stalls typing.

Why a process (issue 16, "Scale"): a rebuild is seconds of pure-Python CPU
work, and in the window's process every one of those seconds is held under
the GIL that the GUI thread needs to handle a key. ``build.GilPause`` and
the writer's care for GIL-dropping calls bound the stalls, but only
statistically, and they cost the rebuild time. A process started with
multiprocessing's "spawn" (the same on Linux, macOS and Windows; no fork of
a process that runs Qt threads) has its own interpreter and GIL: the parent
only waits on a pipe, with ``poll`` timeouts in which the writer thread
reports progress, lets waiting saves run, and checks Cancel.

The child writes a *new* index folder beside the live one; the parent
swaps it in (``SearchIndex.adopt``) only once it is complete, so searches
keep using the old index meanwhile, and a cancelled or failed rebuild
leaves it as it was. The child gets its documents from ``make_docs(*args)``,
an importable function it calls itself (it reads SQLite on its own
connection: nothing large crosses the pipe). Only progress and the outcome
come back.

Small rebuilds stay in-process (``SearchService`` chooses): starting an
interpreter and importing the engine costs about half a second, longer
than a rebuild of a couple of thousand notes takes.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import shutil
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from pkm.core.errors import StorageError

#: How often the parent wakes while it waits (progress, saves, Cancel).
POLL_S = 0.05

Progress = Callable[[int, int | None], None]


def _child(conn: Connection, target: str, make_docs: Callable[..., Iterable[Any]], args: tuple,
           total: int | None) -> None:  # fmt: skip
    """The child's main: build ``target`` and say how it went on ``conn``."""
    from pkm.core.search.index import SearchIndex

    def progress(done: int, total: int | None) -> None:
        conn.send(("progress", done, total))

    try:
        index = SearchIndex(Path(target))
        n = index.rebuild(make_docs(*args), total=total, progress=progress)
        index.close()
        conn.send(("done", n, total))
    except BaseException as exc:  # the parent says it in words; the child just ends
        with contextlib.suppress(Exception):
            conn.send(("error", f"{exc}", type(exc).__name__))
    finally:
        conn.close()


def build_in_child(
    target: Path,
    make_docs: Callable[..., Iterable[Any]],
    args: tuple,
    total: int | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int | None:
    """Build a complete index in ``target`` (a new folder) in a child
    process; returns the number of documents, or None if ``cancel()`` said
    so (the child is stopped and ``target`` removed). ``progress`` is called
    at least every POLL_S seconds while it waits. A failure in the child
    raises StorageError with the child's message; ``target`` is removed."""
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_child,
        args=(theirs, str(target), make_docs, args, total),
        name="pkm-index-rebuild",
        daemon=True,  # ends with the window's process
    )
    proc.start()
    theirs.close()
    done = 0
    outcome: tuple[Any, ...] | None = None
    try:
        while outcome is None:
            if cancel is not None and cancel():
                return None
            if ours.poll(POLL_S):
                try:
                    msg = ours.recv()
                except EOFError:  # the child ended without a word (killed)
                    outcome = ("error", f"it stopped (exit code {proc.exitcode})", "")
                    break
                if msg[0] == "progress":
                    done = msg[1]
                else:
                    outcome = msg
            elif not proc.is_alive() and not ours.poll():
                outcome = ("error", f"it stopped (exit code {proc.exitcode})", "")
            if progress is not None:
                progress(done, total)
        if outcome[0] == "error":
            raise StorageError(
                f"Rebuilding the search index failed: {outcome[1]}. Your notes are not "
                "affected; try again, or delete the index folder so pkm rebuilds it."
            )
        proc.join()
        return int(outcome[1])
    finally:
        if outcome is None or outcome[0] != "done":
            if proc.is_alive():
                proc.terminate()
            proc.join()
            shutil.rmtree(target, ignore_errors=True)
        ours.close()
