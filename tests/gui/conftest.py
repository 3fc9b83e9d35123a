"""Real windows on temporary workspaces, offscreen; every thread stopped at teardown."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pkm.core.workspace import Workspace
from tests.gui.window_driver import WindowProcess

# Qt's offscreen screen is 800x800, smaller than the window's minimum size;
# give it a laptop-sized screen so geometry restore and screenshots are real.
if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
    _screen = Path(tempfile.gettempdir()) / "pkm-gui-tests-screen.json"
    _screen.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "test",
                        "x": 0,
                        "y": 0,
                        "width": 1920,
                        "height": 1200,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.gui)
            # The offscreen platform's own limits (size hints, raise, keyboard grab),
            # printed when a dialog or popup opens: not our warnings.
            item.add_marker(pytest.mark.qt_log_ignore(r"^This plugin does not support "))


class Opened:
    """A window and its workspace, with helpers the tests share."""

    def __init__(self, window, ws: Workspace, qtbot) -> None:
        self.window = window
        self.ws = ws
        self.qtbot = qtbot
        self.closed = False

    @property
    def sense(self):
        return self.window.stages["sense"]

    @property
    def editor(self):
        return self.sense.editor

    def wait_idle(self, timeout: int = 5000) -> None:
        """Until the writer and reader have nothing queued or running."""
        tasks = self.window.tasks

        def idle() -> bool:
            return not any(
                (w.current is not None or w.waiting()) for w in (tasks.writer, tasks.reader)
            )

        self.qtbot.waitUntil(idle, timeout=timeout)
        self.qtbot.wait(20)  # let queued deliveries reach the GUI thread

    def close(self) -> None:
        """Close the window (saves, stops threads), then the workspace; once."""
        if self.closed:
            return
        self.closed = True
        self.window.close()
        self.window.tasks.shutdown()
        assert not self.window.tasks.writer.isRunning()
        assert not self.window.tasks.reader.isRunning()
        self.ws.close()

    def saved_body(self, entry_id: int) -> str:
        return self.ws.store.scalar("SELECT body FROM entries WHERE id = ?", (entry_id,))


@pytest.fixture
def open_window(qtbot, clock) -> Iterator[Callable[..., Opened]]:
    """open_window(home) -> Opened: build, show and start the real main window."""
    from pkm.gui.app import build_window

    opened: list[Opened] = []

    def make(home: Path, *, wait_entry: bool = True, welcome: bool = False, **ws_kwargs) -> Opened:
        ws = Workspace(home, clock=clock, auto_index=False, **ws_kwargs)
        if not welcome:
            # As a returning user has it: the first-run welcome was seen (welcome=True to
            # test it on a fresh folder; tests/gui/test_welcome.py).
            ws.settings.set("welcome.done", True)
        window = build_window(ws)
        o = Opened(window, ws, qtbot)
        opened.append(o)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        window.start()
        if wait_entry:
            qtbot.waitUntil(lambda: o.editor.entry is not None, timeout=10_000)
        return o

    yield make
    for o in opened:
        o.close()
        o.window.deleteLater()


@pytest.fixture
def main_window(open_window, tmp_path: Path) -> Opened:
    """The window on a fresh workspace, today's entry open."""
    return open_window(tmp_path / "ws")


@pytest.fixture(scope="session")
def big_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 20k-document workspace with its index, built once per test session."""
    from tests.gui.corpus_workspace import build, corpus_module

    if corpus_module() is None:
        pytest.skip("the shared benchmark corpus (corpus.py) is not available")
    home = tmp_path_factory.mktemp("big") / "ws"
    build(home)
    return home


# ---- the window in a process of its own (tests that end it from outside) -------------------


@pytest.fixture
def x_display() -> Iterator[tuple[str, subprocess.Popen]]:
    """A real X server (Xvfb) on a free display number: (DISPLAY, its process)."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (Debian: apt-get install xvfb; .ci/run installs it)")
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        number = proc.stdout.readline().decode().strip()  # -displayfd: the number it chose
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}", proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        proc.stdout.close()


@pytest.fixture
def window_process() -> Iterator[Callable[..., WindowProcess]]:
    """window_process(home, **env): the real window in a child process, text typed."""
    started: list[WindowProcess] = []

    def start(home: Path, **env: str) -> WindowProcess:
        w = WindowProcess(home, env)
        started.append(w)
        return w

    yield start
    for w in started:
        w.kill()
