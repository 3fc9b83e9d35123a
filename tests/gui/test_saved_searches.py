"""Saved searches in Sense: save one with +, see its count, click it to run it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from pkm.core.workspace import Workspace

LEFT = Qt.MouseButton.LeftButton


def _open(open_window, tmp_path, clock):
    home = tmp_path / "ws"
    with Workspace(home, clock=clock) as ws:
        ws.journal.create(kind="note", title="Board prep", body="Numbers first. #board")
        ws.journal.create(kind="note", title="Board follow-up", body="Owners. #board")
        ws.journal.create(kind="note", title="Lunch", body="Nothing to see")
        ws.saved_searches.add("Strategy", "tag:strategy")
    o = open_window(home)
    o.qtbot.waitUntil(lambda: o.window.ops.index_status == "ready", timeout=20_000)
    return o


def test_save_a_search_see_its_count_and_run_it(open_window, tmp_path, clock):
    o = _open(open_window, tmp_path, clock)
    qtbot = o.qtbot
    panel = o.sense.saved_searches
    qtbot.waitUntil(lambda: panel.names() == ["Strategy"])
    assert panel.list.item(0).text() == "Strategy  ·  0"

    qtbot.mouseClick(panel.add_button, LEFT)
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible())
    dialog = panel.dialog
    qtbot.keyClicks(dialog.name, "Board")
    qtbot.keyClicks(dialog.query, "day:notadate")
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, LEFT)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "a day is YYYY-MM-DD" in dialog.error.text() and dialog.isVisible()  # kept open
    dialog.query.selectAll()
    qtbot.keyClicks(dialog.query, "tag:board")
    qtbot.mouseClick(save, LEFT)
    qtbot.waitUntil(lambda: panel.names() == ["Board", "Strategy"], timeout=10_000)
    assert panel.list.item(0).text() == "Board  ·  2"
    assert [s.query for s in o.ws.saved_searches.list()] == ["tag:board", "tag:strategy"]

    o.window.activateWindow()  # the window manager's part when a dialog closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is o.window)
    item = panel.list.item(0)
    qtbot.mouseClick(panel.list.viewport(), LEFT, pos=panel.list.visualItemRect(item).center())
    box = o.window.search
    qtbot.waitUntil(lambda: box.text() == "tag:board", timeout=3000)
    qtbot.waitUntil(lambda: box.popup.isVisible() and box.popup.model.rowCount() == 2)


def test_counts_follow_what_is_written(open_window, tmp_path, clock):
    o = _open(open_window, tmp_path, clock)
    panel = o.sense.saved_searches
    o.qtbot.waitUntil(lambda: panel.names() == ["Strategy"])
    o.editor.text.setFocus()
    o.qtbot.keyClicks(o.editor.text, "A bet on analytics. #strategy")
    o.qtbot.waitUntil(lambda: panel.list.item(0).text() == "Strategy  ·  1", timeout=15_000)
