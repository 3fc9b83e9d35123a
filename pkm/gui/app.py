"""Starting the window: one instance per data folder, the workspace, the main window.

``pkm`` with no subcommand calls :func:`run` (through :mod:`pkm.gui.start`, which first
checks that the system can show a window). Two windows on one data folder
would fight over the database and the index, so a lock in the folder
(:mod:`pkm.gui.instance_lock`: held by the kernel, so released whenever pkm ends)
refuses a second start with a message naming the process that has it, and exit status 1.

How the window ends besides a normal close (Ctrl+C, SIGTERM, SIGHUP, the display going
away) is in :mod:`pkm.gui.lifecycle`: each ends like a normal close, nothing typed is lost.

``PKM_EXIT_WHEN_READY=1`` makes the window print ``pkm-ready`` and close as
soon as it is usable (first paint done and the first entry on screen): the
startup benchmark (tests/benchmarks/startup.py) times that.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from pkm.core import scheduled_restore
from pkm.core.clock import system_clock
from pkm.core.errors import PkmError
from pkm.core.paths import ensure_home
from pkm.core.workspace import Workspace, setup_logging
from pkm.gui import instance_lock
from pkm.gui.instance_lock import LOCK_NAME, AlreadyOpen, InstanceLock
from pkm.gui.lifecycle import DisplayLossWatch, SignalQuit, on_abrupt_end
from pkm.resources import APP_ID, icon_files

log = logging.getLogger("pkm.gui")

__all__ = ["LOCK_NAME", "READY_MARK", "acquire_lock", "build_window", "run"]

READY_MARK = "pkm-ready"


def acquire_lock(home: Path) -> InstanceLock | None:
    """The data folder's single-instance lock, or None if another (live) pkm holds it."""
    try:
        return instance_lock.acquire(home)
    except AlreadyOpen:
        return None


def report(message: str) -> None:
    """Tell the user: on stderr always, and in a dialog when there is a screen."""
    print(f"pkm: {message}", file=sys.stderr, flush=True)
    if QApplication.platformName() not in ("offscreen", "minimal"):
        QMessageBox.critical(None, "pkm", message)


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "pkm"])
    app.setApplicationName("pkm")
    app.setApplicationDisplayName("pkm")
    # On Wayland the desktop matches the window to its launcher and icon by this id.
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    return app  # type: ignore[return-value]


def app_icon() -> QIcon:
    """The icon from resources/ (shipped as pkm.resources): SVG plus PNG sizes."""
    icon = QIcon()
    for f in icon_files():
        icon.addFile(str(f))
    return icon


def build_window(ws: Workspace):
    """The window with the three stages, its layout restored (not shown yet)."""
    from pkm.gui import seek, sense, share
    from pkm.gui.main_window import MainWindow

    window = MainWindow(ws)
    for module in (seek, sense, share):
        window.add_stage(module.create_stage(window.ctx))
    window.build_menus()
    from pkm.gui import appearance

    appearance.apply(window.ops.setting(appearance.KEY, "system"))
    window.restore_layout()
    return window


def run(home: Path) -> int:
    """Open the window on ``home``; returns the exit status."""
    app = application()
    # First, so that Ctrl+C during start-up is already a normal quit (lifecycle.py).
    signals = SignalQuit(app).install()
    display = DisplayLossWatch().install()
    try:
        status = _run(app, Path(home), signals)
        while status == REOPEN:  # a backup was chosen in Settings: put in place, open again
            status = _run(app, Path(home), signals)
    finally:
        display.uninstall()
        signals.uninstall()
    return signals.exit_status if signals.exit_status is not None else status


def _run(app: QApplication, home: Path, signals: SignalQuit) -> int:
    try:
        home = ensure_home(home)
    except PkmError as exc:
        report(str(exc))
        return 1
    try:
        lock = instance_lock.acquire(home)
    except AlreadyOpen as exc:
        report(str(exc))
        return 1
    except OSError as exc:
        report(f"could not lock the data folder ({home / LOCK_NAME}): {exc}")
        return 1
    session = _Session(lock)
    try:
        restored = scheduled_restore.apply_pending(home, system_clock)
    except PkmError as exc:
        restored = None
        report(f"The backup chosen in Settings was not restored: {exc}")
    # Runs if Qt ends the process without returning from exec() (the display went away).
    unregister = on_abrupt_end(session.close)
    try:
        try:
            session.ws = Workspace(home, auto_index=False)
        except PkmError as exc:
            report(str(exc))
            return 1
        session.log_handler = setup_logging(session.ws)
        previous_hook = sys.excepthook
        sys.excepthook = _log_uncaught
        try:
            window = session.window = build_window(session.ws)
            signals.window = window
            if os.environ.get("PKM_EXIT_WHEN_READY"):
                window.ready.connect(lambda: _exit_when_ready(window))
            window.show()
            window.start()
            if restored is not None:
                window.status.show_message(
                    f"Restored the backup: {restored.entries} entries. What was here before "
                    f"is in {restored.moved_to}."
                )
            status = app.exec()
            return REOPEN if getattr(window, "reopen_requested", False) else status
        finally:
            sys.excepthook = previous_hook
            signals.window = None
    finally:
        unregister()
        session.close()


REOPEN = -100  # _run's status when the window closed to be opened again (a restore)


class _Session:
    """What :func:`run` opened, closed once: on the way out of run(), or before Qt's exit()."""

    def __init__(self, lock: InstanceLock) -> None:
        self.lock = lock
        self.ws: Workspace | None = None
        self.log_handler: logging.Handler | None = None
        self.window = None
        self._closed = False

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if self.window is not None:
                # The normal close's own steps (editors flush, layout saved, the writer finishes
                # the queued saves, threads stop), without asking a window system that may be
                # gone (no dialog); a window already closed does nothing the second time.
                self.window.close_without_asking()
            if self.ws is not None:
                self.ws.close()
            if self.log_handler is not None:
                logging.getLogger("pkm").removeHandler(self.log_handler)
                self.log_handler.close()
        finally:
            self.lock.release()


def _exit_when_ready(window) -> None:
    print(READY_MARK, flush=True)
    QTimer.singleShot(0, window.close)


def _log_uncaught(exc_type, exc, tb) -> None:
    """An exception in a Qt callback: log it; the window stays up."""
    log.error("uncaught exception", exc_info=(exc_type, exc, tb))
    sys.__excepthook__(exc_type, exc, tb)
