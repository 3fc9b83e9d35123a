"""How the window ends when the user does not close it: a signal, or the display going away.

Each way ends like a normal close (Ctrl+Q or the window's close button): what was typed is
saved, the writer thread finishes the saves queued, the workspace is closed and the data
folder's lock is given up.

Signals (SIGINT = Ctrl+C in the terminal, SIGTERM = ``kill`` or the session ending, SIGHUP =
the terminal closing). Python runs a signal handler only when the interpreter next runs
Python code, which in a Qt program may be much later, and inside whatever callback happens
to run next: Ctrl+C used to raise ``KeyboardInterrupt`` in MainWindow.eventFilter, which
printed a traceback and left the window open, and SIGTERM/SIGHUP ended the process at once,
losing the unsaved text. :class:`SignalQuit` instead lets Python's C-level handler write the
signal number to a socket (``signal.set_wakeup_fd``); a QSocketNotifier on the other end
wakes the GUI thread's event loop, which closes the window in its own turn, outside any other
callback. The Python-level handler does nothing, so no ``KeyboardInterrupt`` is ever raised
while the window runs. Exit status: 0 after SIGTERM or SIGHUP (a quit that was asked for and
completed), 130 after SIGINT (128 + 2, the shell's convention, so a script running pkm sees
it was interrupted). If the window refuses to close (a close handler that ignores the event),
it stays open and says so; the same signal a second time ends the event loop anyway, and
the workspace and the lock are still closed on the way out.

The display going away (the X server ends, an SSH X tunnel drops): Qt's xcb plugin then
prints ``The X11 connection broke (error N). Did the X11 server die?`` from
QXcbConnection::processXcbEvents, or ``The X11 connection broke: ... (code N)`` from its
Xlib I/O error handler, and calls C ``exit(1)`` straight after. Neither the event loop nor
Python's ``atexit`` runs again, so nothing was saved. The one moment pkm still has control is
that warning: :class:`DisplayLossWatch` is a Qt message handler that recognises it and runs
the callbacks registered with :func:`on_abrupt_end` (the window's normal close, then the
workspace's and the lock's) before letting Qt's exit go on; the exit status stays Qt's 1.
A C-level ``atexit`` hook was the alternative and was rejected: it would also run after a
normal exit, when the Python interpreter is already finalised and calling into it crashes.
This depends on Qt's wording, so the test that kills a real Xvfb under the window
(tests/gui/test_lifecycle.py) is what catches a Qt that words it differently. Qt's Wayland
plugin does the same with "The Wayland connection broke..." / "...experienced a fatal
error" before ``_exit(-1)``; those are watched too, but only the X11 path is tested here
(no Wayland compositor on CI), and when Wayland reports it from its event-reading thread
instead of the GUI thread nothing can be saved (widgets belong to the GUI thread).

What a callback registered with :func:`on_abrupt_end` may do: run on the GUI thread while the
event loop is stopped for good, so it must not wait for a signal, a timer or a queued call;
it may read widgets, queue work on the writer and wait for the threads (TaskManager.shutdown
does). The window's own close does all of that, so the editor needs no hook of its own: its
text is saved through ``stage.closing()`` like on any close.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import sys
import threading
from collections.abc import Callable

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QObject,
    QSocketNotifier,
    QtMsgType,
    qFormatLogMessage,
    qInstallMessageHandler,
)

log = logging.getLogger("pkm.gui")

QUIT_SIGNALS: tuple[signal.Signals, ...] = tuple(
    s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None
)

#: What Qt's platform plugins warn with just before they end the process (see above).
DISPLAY_LOST_PREFIXES = (
    "The X11 connection broke",  # xcb: both of its code paths, then exit(1)
    "The Wayland connection broke",  # wayland, then _exit(-1)
    "The Wayland connection experienced a fatal error",
)


def exit_status_for(signum: int) -> int:
    """The process's exit status after a quit asked for by ``signum`` (see the docstring)."""
    return 128 + signal.SIGINT if signum == signal.SIGINT else 0


class SignalQuit(QObject):
    """Turns SIGINT, SIGTERM and SIGHUP into a normal close of :attr:`window`, on the GUI thread.

    Install it as early as possible (before the window is built): a signal that arrives
    before the event loop runs waits in the socket and is acted on once it does. Only the
    main thread may install it (a limit of Python's ``signal`` module).
    """

    def __init__(self, app: QCoreApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self.window = None  # set once the window exists; closed on the first signal
        self.exit_status: int | None = None  # set by the first signal
        self._received: list[int] = []
        self._previous_handlers: dict[int, object] = {}
        self._previous_fd: int | None = None
        self._notifier: QSocketNotifier | None = None
        self._sockets: tuple[socket.socket, socket.socket] | None = None

    @property
    def installed(self) -> bool:
        return self._sockets is not None

    def install(self) -> SignalQuit:
        if self._sockets is not None:
            return self
        read_end, write_end = socket.socketpair()
        read_end.setblocking(False)
        write_end.setblocking(False)
        self._sockets = (read_end, write_end)
        self._previous_fd = signal.set_wakeup_fd(write_end.fileno(), warn_on_full_buffer=False)
        for signum in QUIT_SIGNALS:
            self._previous_handlers[signum] = signal.signal(signum, _noted)
        self._notifier = QSocketNotifier(read_end.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        return self

    def uninstall(self) -> None:
        """Give the signals back to what handled them before (tests install and uninstall)."""
        if self._sockets is None:
            return
        for signum, previous in self._previous_handlers.items():
            signal.signal(signum, previous)  # type: ignore[arg-type]
        self._previous_handlers.clear()
        signal.set_wakeup_fd(self._previous_fd if self._previous_fd is not None else -1)
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        for s in self._sockets:
            s.close()
        self._sockets = None

    def _drain(self, *_args: object) -> None:
        """The notifier fired: read the signal numbers Python's C handler wrote, act on each."""
        assert self._sockets is not None
        try:
            data = self._sockets[0].recv(512)
        except (BlockingIOError, InterruptedError):
            return
        for signum in data:
            if signum in QUIT_SIGNALS:
                self.handle(signum)

    def handle(self, signum: int) -> None:
        """Quit as the user would have, because of ``signum`` (the GUI thread, its own turn)."""
        first = not self._received
        self._received.append(signum)
        name = signal.Signals(signum).name
        if first:
            self.exit_status = exit_status_for(signum)
            log.info("%s received: closing the window", name)
            print(
                f"pkm: {name} received: saving and closing the window.", file=sys.stderr, flush=True
            )
            window = self.window
            if window is not None and not window.close():
                print(
                    f"pkm: the window did not close; send {name} again to quit anyway.",
                    file=sys.stderr,
                    flush=True,
                )
                return
        else:
            log.warning("%s received again: ending the event loop", name)
        # Also when other top-level windows (a dialog) are open, or inside a dialog's own loop.
        self._app.exit(self.exit_status or 0)


def _noted(signum: int, frame: object) -> None:
    """Python-level handler: the wakeup socket already told the event loop (see above)."""


# ---- the display going away ---------------------------------------------------------------

_abrupt_end: list[Callable[[], None]] = []


def on_abrupt_end(callback: Callable[[], None]) -> Callable[[], None]:
    """Run ``callback`` if the process is about to end without its event loop returning.

    Today that is the display going away (see the module docstring for what a callback may
    do). Callbacks run in the order registered, each at most once; an exception in one is
    logged and the next still runs. Returns a function that unregisters it.
    """
    _abrupt_end.append(callback)

    def remove() -> None:
        with contextlib.suppress(ValueError):
            _abrupt_end.remove(callback)

    return remove


def run_abrupt_end() -> None:
    """Run (and forget) the callbacks registered with :func:`on_abrupt_end`."""
    while _abrupt_end:
        callback = _abrupt_end.pop(0)
        try:
            callback()
        except Exception:
            log.exception("error while saving before the process ends")


class DisplayLossWatch:
    """A Qt message handler that saves everything when Qt says the display connection broke.

    Every other message goes on to the handler installed before (pytest-qt's, say) or, when
    there was none, to stderr formatted as Qt would (``QT_MESSAGE_PATTERN`` applies).
    """

    def __init__(self) -> None:
        self._previous = None
        self._installed = False
        self.fired = False

    def install(self) -> DisplayLossWatch:
        if not self._installed:
            self._previous = qInstallMessageHandler(self._handle)
            self._installed = True
        return self

    def uninstall(self) -> None:
        if self._installed:
            qInstallMessageHandler(self._previous)
            self._previous = None
            self._installed = False

    def _handle(self, kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        self._pass_on(kind, context, message)
        if (
            kind == QtMsgType.QtWarningMsg
            and message.startswith(DISPLAY_LOST_PREFIXES)
            and not self.fired
        ):
            self.fired = True
            self._display_lost()

    def _display_lost(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            # Widgets may only be touched on the GUI thread; Qt's xcb code reports a broken
            # connection there (processXcbEvents), so this is not expected in practice.
            log.error("the display connection broke on a worker thread: nothing could be saved")
            return
        log.warning("the display connection broke: saving and closing before Qt exits")
        run_abrupt_end()
        print("pkm: the display went away; what you typed was saved.", file=sys.stderr, flush=True)

    def _pass_on(self, kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if self._previous is not None:
            self._previous(kind, context, message)
            return
        try:
            print(qFormatLogMessage(kind, context, message), file=sys.stderr, flush=True)
        except Exception:
            print(message, file=sys.stderr, flush=True)
