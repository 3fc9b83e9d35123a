"""A restore chosen in the window is done as pkm reopens: the real app, in its own process.

The dialog's part (clicks, the backup made first, the schedule) is in
test_restore_dialog.py; here the window, once ready, does what the dialog does last
(schedule, reopen_requested, close), and `pkm.gui.app.run` must open it again on
the restored data, saying so in the status bar.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pkm.core.backup import backup
from pkm.core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
DRIVER = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from pkm.core import scheduled_restore
from pkm.gui import app as gui_app

home, chosen = Path(sys.argv[1]), Path(sys.argv[2])
real_build, opened = gui_app.build_window, []

def build(ws):
    window = real_build(ws)
    opened.append(window)
    def ready():
        if len(opened) == 1:
            scheduled_restore.schedule(ws.home, chosen)
            window.reopen_requested = True
        else:
            print("REOPENED:", window.status.message.text(), flush=True)
        QTimer.singleShot(0, window.close)
    window.ready.connect(ready)
    return window

gui_app.build_window = build
sys.exit(gui_app.run(home))
"""


def test_the_window_reopens_on_the_restored_backup(tmp_path: Path) -> None:
    home = tmp_path / "pkm"
    with Workspace(home) as ws:
        ws.journal.create(title="Kept in the backup", body="Yes.\n")
        chosen = backup(ws.home, ws.clock).path
        ws.journal.create(title="Written after it", body="Later.\n")
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(home), str(chosen)],
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "REOPENED: Restored the backup" in proc.stdout, proc.stdout + proc.stderr[-2000:]
    with Workspace(home) as ws:
        titles = {e.title for e in ws.journal.list()}
    assert "Kept in the backup" in titles and "Written after it" not in titles
    replaced = list(home.glob("replaced-*"))
    assert len(replaced) == 1
    with Workspace(replaced[0]) as old:
        assert "Written after it" in {e.title for e in old.journal.list()}
