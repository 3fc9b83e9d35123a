"""Screenshots of the real window with realistic content.

Saved to a temp folder on every run (so this keeps working); with
PKM_SCREENSHOTS=1 they are written to docs/screenshots/ for the README.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSize

from pkm.core.workspace import Workspace
from tests.gui.scenes import fill

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _target(tmp_path: Path) -> Path:
    return DOCS if os.environ.get("PKM_SCREENSHOTS") else tmp_path


def _not_blank(path: Path) -> None:
    from PySide6.QtGui import QImage

    img = QImage(str(path))
    assert img.width() > 1000 and img.height() > 600
    colors = {
        img.pixel(x, y) for x in range(0, img.width(), 37) for y in range(0, img.height(), 29)
    }
    assert len(colors) > 20


def _open(open_window, tmp_path, clock):
    home = tmp_path / "ws"
    with Workspace(home, clock=clock) as ws:
        today_id = fill(ws)
    o = open_window(home)
    o.window.resize(QSize(1440, 900))
    o.qtbot.waitUntil(lambda: o.editor.entry_id == today_id)
    o.qtbot.waitUntil(lambda: "Streak: 7 days" in o.sense.day_panel.streak.text())
    o.qtbot.waitUntil(lambda: o.sense.context.backlinks.count() == 1)
    o.qtbot.waitUntil(lambda: o.sense.context.on_this_day.count() == 1)
    o.qtbot.waitUntil(lambda: "Price is what you pay" in o.editor.preview.toPlainText())
    o.qtbot.waitUntil(lambda: o.window.ops.index_status == "ready", timeout=20_000)
    return o


def test_sense_screenshot(open_window, tmp_path, clock):
    o = _open(open_window, tmp_path, clock)
    o.qtbot.wait(100)
    path = _target(tmp_path) / "sense.png"
    assert o.window.grab().save(str(path))
    _not_blank(path)


def test_search_screenshot(open_window, tmp_path, clock):
    o = _open(open_window, tmp_path, clock)
    o.window.focus_search()
    o.qtbot.keyClicks(o.window.search, "pricing")
    o.qtbot.waitUntil(lambda: o.window.search.popup.isVisible() and o.window.search.pending is None)
    o.qtbot.wait(100)
    path = _target(tmp_path) / "search.png"
    assert o.window.grab().save(str(path))
    _not_blank(path)
