"""The real window in a process of its own, for tests that end it from outside.

``python -m tests.gui.window_driver HOME TEXT`` starts pkm exactly as ``pkm --home HOME``
does (pkm.gui.start.open_window: the checks, the lock, the signal handling), and once the
window is ready types TEXT into today's entry with real key events, then prints
``pkm-typed``. The text is then unsaved (the autosave waits for a pause of a second), which
is what a test that kills the process, its X server or sends it a signal needs.
:class:`WindowProcess` is the test's side of it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TYPED_MARK = "pkm-typed"
TEXT = "Typed just before the end"
WAIT_S = 60  # a bound on each wait for the other process, never a measurement


class WindowProcess:
    """pkm's window in a process of its own, with :data:`TEXT` typed into today's entry."""

    def __init__(self, home: Path, env: dict[str, str]) -> None:
        self.home = home
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.gui.window_driver", str(home), TEXT],
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_typed(self) -> None:
        for line in self.proc.stdout:
            if line.strip() == TYPED_MARK:
                return
        self.proc.wait(timeout=WAIT_S)
        raise AssertionError(f"the window never became ready: {self.proc.stderr.read()[-3000:]}")

    def end(self) -> tuple[int, str]:
        """Wait for the process to end by itself: (exit status, stderr)."""
        try:
            _out, err = self.proc.communicate(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _out, err = self.proc.communicate()
            raise AssertionError(f"the window did not end; its stderr:\n{err[-3000:]}") from None
        return self.proc.returncode, err

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


def saved_bodies(home: Path) -> list[str]:
    """Every entry's body as stored in ``home``'s database."""
    with sqlite3.connect(f"file:{home / 'pkm.db'}?mode=ro", uri=True) as db:
        return [row[0] for row in db.execute("SELECT body FROM entries")]


def main() -> None:
    home, text = Path(sys.argv[1]), sys.argv[2]
    from pkm.gui import app
    from pkm.gui.start import open_window

    build = app.build_window

    def build_and_type(ws):
        window = build(ws)

        def type_text() -> None:
            from PySide6.QtTest import QTest

            editor = window.stages["sense"].editor
            QTest.keyClicks(editor.text, text)
            print(TYPED_MARK, flush=True)

        window.ready.connect(type_text)
        return window

    app.build_window = build_and_type
    sys.exit(open_window(home))


if __name__ == "__main__":
    main()
