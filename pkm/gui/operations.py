"""One line per use case: what a widget calls instead of the core.

Like Anki's ``aqt/operations``: each method wraps one core call, runs it on
the right thread (see tasks.py) and hands the result to ``on_done`` in the
GUI thread. Writes announce what they changed through :attr:`changed`, so
every view refreshes exactly what it shows; a write that touched entries also
queues one index sync, so the change is searchable a moment later.

Widgets hold no business logic: if a method here grows beyond calling the
core, the logic belongs in ``pkm/core``. The Seek and Share stages add their
own operations the same way (``self.write`` / ``self.read`` /
``self.background``), in their own modules.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from pkm.core.changes import Change
from pkm.core.errors import IndexBusy
from pkm.core.journal import Entry, Revision, Streaks
from pkm.core.journal.entries import SaveResult
from pkm.core.watch import ExternalChanges
from pkm.core.workspace import Workspace
from pkm.gui.tasks import Task, TaskContext, TaskManager

log = logging.getLogger("pkm.gui")

Done = Callable[[Any], None] | None
WATCH_MS = 1_000  # how soon the window notices a write by another process
INDEX_RETRY_MS = 1_000  # the index was busy (another pkm writing it): sync again after this


class EditSession:
    """What one open entry's text is based on, shared by the editor and its saves.

    ``base`` is the stored version the editor's text started from. Saves run in
    order on the writer and advance it there, so a save queued behind another
    builds on that one's result, never on a version already replaced. The editor
    sets it only when it puts a freshly loaded text on screen. ``failed`` is the
    error of the last save (None once one succeeds): closing the window asks
    before dropping text that could not be saved.
    """

    def __init__(self, base: Entry) -> None:
        self.base = base
        self.failed: BaseException | None = None


@dataclass(frozen=True)
class EntryContext:
    """What the side panel shows next to the open entry."""

    entry_id: int
    tags: tuple[str, ...]
    backlinks: list[Entry]
    source: Entry | None = None  # a post: the entry it was drawn from
    posts: tuple[Entry, ...] = ()  # posts drawn from this entry


@dataclass(frozen=True)
class DaySummary:
    day: dt.date
    entries: list[Entry]
    on_this_day: list[Entry]


class Operations(QObject):
    #: (Change, origin): origin is the object that asked for the write, or None.
    changed = Signal(object, object)
    #: Emitted before a write that may touch an open entry (restore, clip...):
    #: editors save what was typed first, so the write lands on top of it.
    flush_requested = Signal()
    #: "checking", "rebuilding", "ready", "incomplete" (rebuild cancelled), "failed".
    index_state = Signal(str)

    def __init__(self, ws: Workspace, tasks: TaskManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.tasks = tasks
        self.index_status = "checking"
        # The writer syncs the index itself after each write (see write()); the core's
        # own sync-after-write would run it twice. The policy is the workspace's, set
        # when it is opened (pkm.gui.app), never flipped here.
        if ws.auto_index:
            raise ValueError(
                "The window indexes on its writer: open the Workspace with auto_index=False."
            )
        # A quick job (a save) runs between a long job's steps only outside its transaction.
        store = ws.store
        tasks.interleave_allowed = lambda: not store.in_transaction
        # Writes from network threads (the publish log) are made on the writer too.
        store.set_write_runner(tasks.run_on_writer)
        self._external = ExternalChanges(store)
        self._watch = QTimer(self, interval=WATCH_MS)
        self._watch.timeout.connect(self.check_external_changes)

    def start_watching(self) -> None:
        """Notice writes by other processes (the CLI, a sync tool) while the window is open."""
        self.check_external_changes()
        self._watch.start()

    def check_external_changes(self) -> Task:
        """One tiny query on the writer; what another process changed is announced
        like the window's own writes (see pkm.core.watch)."""
        return self.write(lambda: (None, self._external.poll()), key="external-changes")

    # ---- generic helpers --------------------------------------------------------

    def write(
        self,
        fn: Callable[..., tuple[Any, Change]],
        *,
        on_done: Done = None,
        on_error: Done = None,
        owner: QObject | None = None,
        origin: object = None,
        quick: bool = True,
        label: str = "",
        key: str | None = None,
    ) -> Task:
        """Run ``fn() -> (value, Change)`` on the writer; announce the change; sync the index.

        With a ``label`` it is a long job (refresh, import): ``fn`` gets a
        TaskContext for progress and Cancel, and ``quick`` must be False so it
        never runs nested inside another long job. Either way its change is
        announced the same way, so views cannot tell long writes from quick ones.
        """

        def run(*ctx: TaskContext) -> tuple[Any, Change]:
            value, change = fn(*ctx)
            if change.entries or change.removed_entries or change.items:
                self._index_now()  # still on the writer: what views load next is searchable
            return value, change

        def done(outcome: tuple[Any, Change]) -> None:
            value, change = outcome
            if change:  # announced even if the widget that asked is gone
                self.changed.emit(change, origin)
            if on_done is not None and (owner is None or shiboken6.isValid(owner)):
                on_done(value)

        def failed(exc: BaseException) -> None:
            if on_error is not None and (owner is None or shiboken6.isValid(owner)):
                on_error(exc)
            else:
                self.tasks.failed.emit(exc)

        return self.tasks.write(
            run, on_done=done, on_error=failed, quick=quick, label=label, key=key
        )

    def _index_now(self) -> None:
        """Apply the index queue right after a commit, on the writer (one round trip).

        A failure leaves the change queued for the next sync; the save itself
        succeeded, so it is logged and shown as the index state, never as a failed save.
        """
        try:
            self.ws.search.sync_if_idle(between_batches=self.tasks.let_quick_jobs_run)
        except IndexBusy:
            self.tasks.call_in_gui(self._sync_later)
        except Exception as exc:
            log.error("search index: %s", exc, exc_info=exc)
            self.tasks.call_in_gui(lambda: self._set_index_state("failed"))

    def _sync_later(self) -> None:
        """Another pkm (the CLI) is writing the index: the change stays queued; try again."""
        QTimer.singleShot(INDEX_RETRY_MS, self, self.sync_index)

    def read(
        self, key: str, fn: Callable[[], Any], on_done: Done, *, owner: QObject | None = None, **kw
    ) -> Task:
        """A read on the reader thread; only the newest result for ``key`` arrives."""
        return self.tasks.read(fn, on_done=on_done, owner=owner, key=key, **kw)

    def background(self, fn: Callable[..., Any], on_done: Done = None, **kw: Any) -> Task:
        """Network or file work on the pool."""
        return self.tasks.background(fn, on_done=on_done, **kw)

    # ---- journal: reading -----------------------------------------------------

    def today(self) -> dt.date:
        """The user's calendar day by the workspace clock (no I/O)."""
        return self.ws.journal.today_date()

    def prompt(self, day: dt.date | None = None) -> str:
        return self.ws.journal.prompt(day)

    def load_entry(
        self, entry_id: int, on_done: Done, *, on_error: Done = None, owner: QObject | None = None
    ) -> Task:
        """On the writer, so an entry loaded after a save always has that save."""
        return self.tasks.write(
            lambda: self.ws.journal.get(entry_id),
            on_done=on_done,
            on_error=on_error,
            owner=owner,
            quick=True,
        )

    def day_summary(self, day: dt.date, on_done: Done, *, owner: QObject | None = None) -> Task:
        j = self.ws.journal

        def fn() -> DaySummary:
            return DaySummary(day, j.list(since=day, until=day), j.on_this_day(day))

        return self.read(f"day-summary:{id(owner)}", fn, on_done, owner=owner)

    def month_marks(
        self, start: dt.date, end: dt.date, on_done: Done, *, owner: QObject | None = None
    ) -> Task:
        """Day -> number of entries, for painting the visible calendar page."""
        j = self.ws.journal
        fn = lambda: j.days_with_entries(start, end)  # noqa: E731
        return self.read(f"month-marks:{id(owner)}", fn, on_done, owner=owner)

    def streaks(self, on_done: Callable[[Streaks], None], *, owner: QObject | None = None) -> Task:
        return self.read(f"streaks:{id(owner)}", self.ws.journal.streaks, on_done, owner=owner)

    def entry_context(self, entry_id: int, on_done: Done, *, owner: QObject | None = None) -> Task:
        j = self.ws.journal

        def fn() -> EntryContext:
            entry = j.get(entry_id)
            source = None
            if entry.source_id is not None:
                found = j.get_many([entry.source_id])
                source = found[0] if found else None
            posts = tuple(j.list_posts(entry_id))
            return EntryContext(entry_id, entry.tags, j.backlinks(entry_id), source, posts)

        return self.read(f"entry-context:{id(owner)}", fn, on_done, owner=owner)

    def titles(self, prefix: str, on_done: Done, *, owner: QObject | None = None) -> Task:
        """Entry titles for [[ completion."""
        j = self.ws.journal
        fn = lambda: j.titles(prefix, limit=12)  # noqa: E731
        return self.read(f"titles:{id(owner)}", fn, on_done, owner=owner)

    def resolve_title(self, title: str, on_done: Done, *, owner: QObject | None = None) -> Task:
        j = self.ws.journal
        return self.read(f"resolve:{id(owner)}", lambda: j.resolve(title), on_done, owner=owner)

    def revisions(self, entry_id: int, on_done: Done, *, owner: QObject | None = None) -> Task:
        return self.tasks.write(
            lambda: self.ws.journal.revisions(entry_id), on_done=on_done, owner=owner, quick=True
        )

    def render(
        self, markdown: str, on_done: Callable[[str], None], *, owner: QObject | None = None
    ) -> Task:
        """Markdown -> sanitized HTML through the core (wiki links resolved)."""
        from pkm.core.markdown import render

        exists = self.ws.journal.exists
        fn = lambda: render(markdown, resolver=exists)  # noqa: E731
        return self.read(f"render:{id(owner)}", fn, on_done, owner=owner)

    # ---- journal: writing -----------------------------------------------------

    def open_today(self, on_done: Done, *, owner: QObject | None = None) -> Task:
        """Today's daily entry, created from the template the first time."""
        return self.open_daily(self.today(), on_done, owner=owner)

    def open_daily(self, day: dt.date, on_done: Done, *, owner: QObject | None = None) -> Task:
        j = self.ws.journal

        def fn() -> tuple[Entry, Change]:
            existed = j.daily(day)
            if existed is not None:
                return existed, Change()
            entry = j.daily_for(day)
            return entry, Change(entries={entry.id}, created=entry.id)

        return self.write(fn, on_done=on_done, owner=owner)

    def create_note(
        self,
        day: dt.date | None = None,
        *,
        title: str = "",
        body: str = "",
        on_done: Done = None,
        owner: QObject | None = None,
    ) -> Task:
        j = self.ws.journal

        def fn() -> tuple[Entry, Change]:
            entry = j.create(kind="note", title=title, body=body, day=day)
            return entry, Change(entries={entry.id}, created=entry.id)

        return self.write(fn, on_done=on_done, owner=owner)

    def save_edit(
        self,
        session: EditSession,
        *,
        title: str | None,
        body: str,
        force_revision: bool = False,
        origin: object = None,
        on_done: Done = None,
        on_error: Done = None,
        owner: QObject | None = None,
    ) -> Task:
        """An editor's save, compare-and-set on ``session.base`` (merged if another
        process wrote meanwhile). ``on_done`` gets the SaveResult: the entry as stored,
        so the editor never reloads what it has just written."""
        j = self.ws.journal

        def fn() -> tuple[SaveResult, Change]:
            try:
                result = j.save_edit(
                    session.base.id,
                    base=session.base,
                    title=title,
                    body=body,
                    force_revision=force_revision,
                )
            except BaseException as exc:
                session.failed = exc
                raise
            session.base, session.failed = result.entry, None
            return result, result.change

        return self.write(fn, on_done=on_done, on_error=on_error, owner=owner, origin=origin)

    def snapshot(self, entry_id: int) -> Task:
        """Keep the current text as a revision (the editor does this on close)."""
        return self.write(lambda: (self.ws.journal.snapshot(entry_id), Change()))

    def delete_entry(self, entry_id: int, on_done: Done = None) -> Task:
        """Move to the trash (undoable with restore_entry)."""
        self.flush_requested.emit()
        return self.write(lambda: (entry_id, self.ws.journal.delete(entry_id)), on_done=on_done)

    def restore_entry(self, entry_id: int, on_done: Done = None) -> Task:
        return self.write(lambda: (entry_id, self.ws.journal.restore(entry_id)), on_done=on_done)

    def restore_revision(self, revision: Revision, on_done: Done = None) -> Task:
        """Bring back an earlier version; the current text is kept as a revision."""
        self.flush_requested.emit()
        j = self.ws.journal
        return self.write(
            lambda: (revision.entry_id, j.restore_revision(revision.id)), on_done=on_done
        )

    # ---- search -----------------------------------------------------------------

    def search(self, query: str, on_done: Done, *, on_error: Done = None, limit: int = 30) -> Task:
        """As-you-type search on the reader; only the newest query's results arrive."""
        s = self.ws.search
        fn = lambda: s.search(query, limit=limit, as_you_type=True)  # noqa: E731
        return self.tasks.read(fn, on_done=on_done, on_error=on_error, key="search")

    def sync_index(self) -> Task:
        """Apply queued changes to the index (coalesced: one waiting sync at most)."""
        s, between = self.ws.search, self.tasks.let_quick_jobs_run
        return self.tasks.write(
            lambda: s.sync(rebuild_if_needed=False, between_batches=between),
            key="sync-index",
            on_error=self._index_failed,
        )

    def ensure_index(self) -> Task:
        """At start: rebuild the index in the background if it is missing or stale."""
        self._set_index_state("checking")

        def check() -> bool:
            return bool(self.ws.search.needs_rebuild())

        def checked(needed: bool) -> None:
            if needed:
                self.rebuild_index()
            else:
                self._set_index_state("ready")
                self.sync_index()

        return self.tasks.write(check, on_done=checked, on_error=self._index_failed)

    def rebuild_index(self, on_done: Done = None) -> Task:
        """Rebuild on the writer with progress and Cancel; saves still run meanwhile."""
        self._set_index_state("rebuilding")
        s = self.ws.search

        def fn(ctx: TaskContext) -> tuple[int, bool]:
            n = s.rebuild(progress=ctx.progress, cancel=lambda: ctx.cancelled)
            complete = not s.needs_rebuild()
            if complete:
                s.sync(rebuild_if_needed=False)
            return n, complete

        def done(outcome: tuple[int, bool]) -> None:
            n, complete = outcome
            self._set_index_state("ready" if complete else "incomplete")
            if on_done is not None:
                on_done(n)

        return self.tasks.write(
            fn, on_done=done, on_error=self._index_failed, label="Building the search index"
        )

    def _index_failed(self, exc: BaseException) -> None:
        if isinstance(exc, IndexBusy):
            self._sync_later()
            return
        log.error("search index: %s", exc, exc_info=exc)
        self._set_index_state("failed")
        self.tasks.failed.emit(exc)

    def _set_index_state(self, state: str) -> None:
        self.index_status = state
        self.index_state.emit(state)

    # ---- settings and files -----------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        """Settings are read once at start and kept in memory: no I/O here."""
        return self.ws.settings.get(key, default)

    def set_setting(self, key: str, value: Any) -> Task:
        return self.write(lambda: (self.ws.settings.set(key, value), Change()))

    def export_entry(
        self, entry: Entry, fmt: str, path: Path, on_done: Done = None, on_error: Done = None
    ) -> Task:
        """Write the entry as Markdown, HTML, PDF or an email draft (off the GUI thread)."""
        from pkm.gui.export import export_entry

        fn = lambda: export_entry(entry, fmt, path, self.ws.home)  # noqa: E731
        return self.background(fn, on_done=on_done, on_error=on_error)
