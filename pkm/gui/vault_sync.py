"""The window's side of the vault: when to sync, on which thread, and telling the user.

A sync runs on the writer (it writes entries), as an ordinary job that lets
waiting saves run between its batches (`TaskManager.let_quick_jobs_run`), so a
first sync of a large vault never holds up typing. It is asked for

* 2 s after the window's own writes touch entries (a save, a clip, a delete):
  the file follows the entry once typing pauses, not at every keystroke;
* 2 s after file-system events in the vault (watchdog, pkm.core.vault.watch),
  which bunch up while a sync engine brings many files;
* every 60 s anyway, in case events were lost (network drives, some engines);
* at start, and from Settings › Vault › Sync now.

Entries a sync brought in reach the views as a `Change` through `Operations.write`,
like any write; the editor merges a file's text into what is on screen
(entries.save_edit). A conflict is said in the status bar, and stays listed in
Settings › Vault until the next sync.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from pkm.core.changes import Change
from pkm.gui.stage import GuiContext

log = logging.getLogger(__name__)

DEBOUNCE_MS = 2000
RESCAN_MS = 60_000


class VaultSync(QObject):
    #: A sync finished: its SyncReport.
    synced = Signal(object)
    #: A sync could not run: why, in words.
    failed = Signal(str)
    #: The folder was set or unset (its Path, or None).
    folder_changed = Signal(object)

    def __init__(self, ctx: GuiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.folder: Path | None = None
        self.last_report = None
        self.last_error = ""
        self._watch = None
        self._running = False
        self._again = False
        self._stopped = False
        self._pending: set[int] = set()  # entries saved here since the last sync
        self._scan = True  # a full sync is due (start, file events, rescan, deletes)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(lambda: self.sync_now(full=False))
        self._rescan = QTimer(self, interval=RESCAN_MS)
        self._rescan.timeout.connect(self.sync_now)
        ctx.ops.changed.connect(self._changed)

    # ---- starting and stopping ---------------------------------------------------------

    def start(self) -> None:
        """Read the folder (on the reader) and, if one is set, watch it and sync once."""
        self.ctx.ops.read("vault-folder", self.ctx.ws.vault.folder, self._use, owner=self)

    def stop(self) -> None:
        self._stopped = True
        self._debounce.stop()
        self._rescan.stop()
        self._unwatch()

    def _unwatch(self) -> None:
        if self._watch is not None:
            self._watch.stop()
            self._watch = None

    def _use(self, folder: Path | None) -> None:
        if self._stopped:
            return
        self._unwatch()
        self.folder = folder
        self.folder_changed.emit(folder)
        if folder is None:
            self._rescan.stop()
            self._debounce.stop()
            return
        self._start_watch()
        self._rescan.start()
        self.sync_now()

    def _start_watch(self) -> None:
        """Watch the folder if it is there (a drive connected later is watched from the
        first sync that finds it; until then the minute's rescan looks for it)."""
        if self._watch is not None or self.folder is None or not self.folder.is_dir():
            return
        from pkm.core.vault.watch import FolderWatch

        tasks = self.ctx.tasks
        try:
            self._watch = FolderWatch(self.folder, lambda: tasks.call_in_gui(self._file_event))
        except OSError as exc:  # inotify limits: the periodic rescan still runs
            log.warning("cannot watch the vault folder %s: %s", self.folder, exc)

    # ---- the folder, from Settings -----------------------------------------------------

    def set_folder(self, path: str, on_error=None) -> None:
        ws = self.ctx.ws
        self.ctx.ops.write(
            lambda: (ws.vault.set_folder(path), Change()),
            on_done=self._use,
            on_error=on_error,
            owner=self,
        )

    def unset(self) -> None:
        ws = self.ctx.ws
        self.ctx.ops.write(lambda: (ws.vault.unset(), Change()), on_done=lambda _: self._use(None))

    # ---- syncing -------------------------------------------------------------------------

    def flush(self) -> None:
        """The window is closing: sync now what is waiting for the debounce."""
        if self._debounce.isActive() or self._again:
            self._debounce.stop()
            self._again = False
            self._running = False  # a sync in progress is ahead of this one on the writer
            self.sync_now(full=False)

    def schedule(self, ms: int = DEBOUNCE_MS) -> None:
        if self.folder is not None and not self._stopped:
            self._debounce.start(ms)

    def _file_event(self) -> None:
        self._scan = True
        self.schedule()

    def _changed(self, change: Change, origin: object) -> None:
        if origin is self or not (change.entries or change.removed_entries):
            return
        self._pending |= change.entries
        if change.removed_entries:
            self._scan = True  # files to remove: the full sync does that
        self.schedule()

    def sync_now(self, full: bool = True) -> None:
        """A full sync (walk the folder), or after saves only (``full=False``) their files."""
        if self.folder is None or self._stopped:
            return
        if self._running:
            self._again = True  # once this one ends: what changed meanwhile goes too
            self._scan = self._scan or full
            return
        self._running = True
        ws, tasks = self.ctx.ws, self.ctx.tasks
        full = full or self._scan or not self._pending
        pending, self._pending, self._scan = set(self._pending), set(), False

        def run():
            # After saves only, their files alone (pkm.core.vault.quick); else, or if that
            # finds the vault changed too, the full sync.
            report = None if full else ws.vault.write_entries(pending)
            if report is None:
                report = ws.vault.sync(progress=lambda done, total: tasks.let_quick_jobs_run())
            return report, report.change

        self.ctx.ops.write(
            run, on_done=self._done, on_error=self._failed, owner=self, origin=self, quick=False
        )

    def _finished(self) -> None:
        self._running = False
        if self._again:
            self._again = False
            self.schedule(0)

    def _done(self, report) -> None:
        self.last_report, self.last_error = report, ""
        self._finished()
        self._start_watch()
        if report.conflicts:
            n = len(report.conflicts)
            self.ctx.status.show_error(
                f"Vault: {n} {'entry was' if n == 1 else 'entries were'} changed here and on "
                "another device; both versions are kept (see the note at the end of the entry)."
            )
        self.synced.emit(report)

    def _failed(self, exc: BaseException) -> None:
        from pkm.gui.status import describe_error

        error = describe_error(exc)
        if error != self.last_error:  # said once, not at every rescan while it lasts
            self.ctx.status.show_error(f"Vault: {error}")
        self.last_error = error
        self._scan = True  # the next one walks the folder: nothing saved meanwhile is missed
        self._finished()
        self.failed.emit(error)
