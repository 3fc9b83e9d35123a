"""How the window ends besides a normal close: nothing typed is lost, the lock is freed.

Each ending is tried on a real second process (tests/gui/window_driver.py types into today's
entry, then the test ends it from outside): SIGTERM, SIGHUP, Ctrl+C (SIGINT), and the X
server going away (issue 10: 0/3 of each kept the text before). Then the same machinery
(pkm/gui/lifecycle.py) in this process.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pkm.gui import instance_lock, lifecycle
from tests.gui.window_driver import TEXT, WAIT_S, saved_bodies


def _assert_saved_and_free(home: Path, err: str) -> None:
    assert any(TEXT in body for body in saved_bodies(home)), f"the text was lost; stderr:\n{err}"
    instance_lock.acquire(home).release()  # nothing holds the lock any more
    assert "Traceback" not in err, err


def _platforms() -> list:
    return [
        "offscreen",
        pytest.param(
            "xcb",
            marks=pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed"),
        ),
    ]


@pytest.fixture
def platform_env(request) -> Iterator[dict[str, str]]:
    """The environment that starts the window on ``request.param``: offscreen, or a new Xvfb."""
    if request.param == "offscreen":
        yield {"QT_QPA_PLATFORM": "offscreen"}
        return
    display, _xvfb = request.getfixturevalue("x_display")
    yield {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}


QUIT_SIGNALS = [
    pytest.param(signal.SIGTERM, 0, id="SIGTERM"),
    pytest.param(signal.SIGHUP, 0, id="SIGHUP"),
    pytest.param(signal.SIGINT, 130, id="SIGINT"),
]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("platform_env", _platforms(), indirect=True)
@pytest.mark.parametrize(("signum", "status"), QUIT_SIGNALS)
def test_a_signal_closes_the_window_like_a_normal_quit(
    tmp_path, window_process, platform_env, signum, status
):
    """SIGTERM (kill, logout), SIGHUP (terminal closed), SIGINT (Ctrl+C): saved, lock free."""
    home = tmp_path / "ws"
    w = window_process(home, **platform_env)
    w.wait_typed()
    w.proc.send_signal(signum)
    code, err = w.end()
    assert code == status, err
    assert "KeyboardInterrupt" not in err
    assert f"{signal.Signals(signum).name} received" in err
    _assert_saved_and_free(home, err)
    assert not (home / "pkm.lock").exists()


@pytest.mark.slow
def test_the_x_server_going_away_still_saves_what_was_typed(tmp_path, window_process, x_display):
    """Qt's xcb plugin calls exit(1) when the connection breaks; the text is saved first."""
    display, xvfb = x_display
    home = tmp_path / "ws"
    w = window_process(home, DISPLAY=display, QT_QPA_PLATFORM="xcb")
    w.wait_typed()
    xvfb.kill()  # the X server dies without a goodbye
    code, err = w.end()
    assert "The X11 connection broke" in err, err  # the path lifecycle.py hooks into
    assert code == 1, err  # Qt's own exit(1)
    assert "what you typed was saved" in err
    _assert_saved_and_free(home, err)
    assert not (home / "pkm.lock").exists()


# ---- the same machinery in this process -----------------------------------------------------


class _FakeWindow:
    def __init__(self, accept: bool = True) -> None:
        self.closes = 0
        self.accept = accept

    def close(self) -> bool:
        assert threading.current_thread() is threading.main_thread()
        self.closes += 1
        return self.accept


class _FakeApp:
    """Records app.exit(status) instead of ending pytest-qt's application."""

    def __init__(self) -> None:
        self.exits: list[int] = []

    def exit(self, status: int) -> None:
        self.exits.append(status)


@pytest.fixture
def signal_quit(qapp) -> Iterator[lifecycle.SignalQuit]:
    app = _FakeApp()
    quit_ = lifecycle.SignalQuit(app).install()
    quit_.exits = app.exits  # type: ignore[attr-defined]
    yield quit_
    quit_.uninstall()


@pytest.mark.skipif(sys.platform == "win32", reason="os.kill with POSIX signals")
def test_a_signal_is_handled_on_the_gui_thread_by_the_event_loop(qtbot, signal_quit):
    window = signal_quit.window = _FakeWindow()
    previous_after_uninstall = signal_quit._previous_handlers[signal.SIGTERM]
    os.kill(os.getpid(), signal.SIGTERM)
    qtbot.waitUntil(lambda: window.closes == 1, timeout=WAIT_S * 1000)
    assert signal_quit.exit_status == 0
    assert signal_quit.exits == [0]
    signal_quit.uninstall()
    assert signal.getsignal(signal.SIGTERM) is previous_after_uninstall


@pytest.mark.skipif(sys.platform == "win32", reason="os.kill with POSIX signals")
def test_ctrl_c_never_raises_keyboardinterrupt_inside_qt_callbacks(qtbot, qapp, signal_quit):
    """It used to surface from MainWindow.eventFilter (a traceback, and the window stayed)."""
    from PySide6.QtCore import QObject, QTimer

    seen: list[int] = []

    class Filter(QObject):
        def eventFilter(self, watched, event):
            seen.append(1)
            return False

    window = signal_quit.window = _FakeWindow()
    f = Filter()
    qapp.installEventFilter(f)
    try:
        os.kill(os.getpid(), signal.SIGINT)
        timer = QTimer(singleShot=True, interval=1)
        timer.start()
        qtbot.waitUntil(lambda: window.closes == 1, timeout=WAIT_S * 1000)
    finally:
        qapp.removeEventFilter(f)
    assert seen  # Python code ran in an event filter after the signal, without an exception
    assert signal_quit.exit_status == 130


@pytest.mark.skipif(sys.platform == "win32", reason="os.kill with POSIX signals")
def test_a_window_that_refuses_to_close_stays_until_the_signal_comes_again(qtbot, signal_quit):
    window = signal_quit.window = _FakeWindow(accept=False)
    os.kill(os.getpid(), signal.SIGTERM)
    qtbot.waitUntil(lambda: window.closes == 1, timeout=WAIT_S * 1000)
    assert signal_quit.exits == []
    os.kill(os.getpid(), signal.SIGTERM)
    qtbot.waitUntil(lambda: signal_quit.exits == [0], timeout=WAIT_S * 1000)
    assert window.closes == 1


@pytest.mark.skipif(sys.platform == "win32", reason="os.kill with POSIX signals")
def test_sigterm_with_a_dialog_open_closes_the_real_window_and_saves(main_window, signal_quit):
    """The handler closes the window the normal way: the editor's unsaved text is written."""
    from PySide6.QtCore import Qt

    o, qtbot = main_window, main_window.qtbot
    entry_id = o.editor.entry_id
    qtbot.keyClicks(o.editor.text, TEXT)
    qtbot.keyClick(o.editor.text, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert TEXT not in o.saved_body(entry_id)  # not saved yet: the autosave waits a second
    signal_quit.window = o.window
    os.kill(os.getpid(), signal.SIGTERM)
    qtbot.waitUntil(lambda: not o.window.isVisible(), timeout=WAIT_S * 1000)
    assert signal_quit.exits == [0]
    assert not o.window.tasks.writer.isRunning()  # closeEvent finished the queued saves
    assert TEXT in o.saved_body(entry_id)


@pytest.mark.qt_log_ignore(r"^The (X11|Wayland) connection", r"^something else$")
@pytest.mark.parametrize(
    "warning",
    [
        "The X11 connection broke (error 1). Did the X11 server die?",  # processXcbEvents
        "The X11 connection broke: I/O error (code 1)",  # xcb's Xlib I/O error handler
        "The Wayland connection broke. Did the Wayland compositor die?",
    ],
)
def test_qts_display_lost_warning_runs_the_abrupt_end_callbacks_once(qapp, warning):
    from PySide6.QtCore import qWarning

    ran: list[str] = []
    remove = lifecycle.on_abrupt_end(lambda: ran.append("saved"))
    watch = lifecycle.DisplayLossWatch().install()
    try:
        qWarning("something else")
        assert ran == []
        qWarning(warning)
        assert ran == ["saved"]
        qWarning(warning)
        assert ran == ["saved"]
    finally:
        watch.uninstall()
        remove()


def test_exit_status_after_each_signal():
    assert lifecycle.exit_status_for(signal.SIGINT) == 130
    assert lifecycle.exit_status_for(signal.SIGTERM) == 0
    if hasattr(signal, "SIGHUP"):
        assert lifecycle.exit_status_for(signal.SIGHUP) == 0
