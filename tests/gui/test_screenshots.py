"""Screenshots of the real window with realistic content.

Saved to a temp folder on every run (so this keeps working); with
PKM_SCREENSHOTS=1 they are written to docs/screenshots/ for the README.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSize

from pkm.core.workspace import Workspace
from tests.gui import look
from tests.gui.scenes import fill

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _target(tmp_path: Path) -> Path:
    return DOCS if os.environ.get("PKM_SCREENSHOTS") else tmp_path


def _shoot(window, path: Path, title: str, shown) -> None:
    """Grab ``window`` into ``path`` after checking what a person would see."""
    shot = window.grab()
    look.check(window, shot, title=title, shown=shown)
    assert shot.save(str(path))


def _sense_parts(o) -> list:
    """What a person looks for in Sense: the stage buttons, the search box,
    the stage title, the editor with its Publish button, the day panel."""
    w = o.window
    return [
        *(w.stage_button(k) for k in ("seek", "sense", "share")),
        w.search,
        w.stage_title,
        o.editor,
        o.window.stages["share"].publish_button,
        o.sense.day_panel.streak,
    ]


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
    o.qtbot.waitUntil(lambda: "Price is what you pay" in o.editor.text.toPlainText())
    o.qtbot.waitUntil(lambda: o.window.ops.index_status == "ready", timeout=20_000)
    return o


def test_sense_screenshot(open_window, tmp_path, clock):
    o = _open(open_window, tmp_path, clock)
    # Related notes: the pricing and board notes share its telling words.
    o.qtbot.waitUntil(lambda: o.sense.context.related.count() >= 2, timeout=10_000)
    o.qtbot.wait(100)
    _shoot(o.window, _target(tmp_path) / "sense.png", "Sense — pkm", _sense_parts(o))


def test_search_screenshot(open_window, tmp_path, clock):
    o = _open(open_window, tmp_path, clock)
    o.window.focus_search()
    o.qtbot.keyClicks(o.window.search, "pricing")
    o.qtbot.waitUntil(lambda: o.window.search.popup.isVisible() and o.window.search.pending is None)
    o.qtbot.wait(100)
    parts = [*_sense_parts(o), o.window.search.popup]
    _shoot(o.window, _target(tmp_path) / "search.png", "Sense — pkm", parts)


def test_sense_dark_screenshot(open_window, tmp_path, clock):
    from pkm.gui import appearance

    o = _open(open_window, tmp_path, clock)
    appearance.apply("dark")  # Settings › General › Appearance › Dark
    try:
        o.qtbot.waitUntil(lambda: o.sense.context.related.count() >= 2, timeout=10_000)
        o.qtbot.wait(150)
        _shoot(o.window, _target(tmp_path) / "sense-dark.png", "Sense — pkm", _sense_parts(o))
    finally:
        appearance.apply("system")
