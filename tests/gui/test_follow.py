"""The day panel follows what the editor shows; the calendar's written days stand out;
history labels say what happened."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableView

from pkm.core.journal import Revision
from pkm.core.workspace import Workspace
from pkm.gui.sense.history_dialog import describe

OTHER_DAY = dt.date(2026, 11, 19)


def _scene(home, clock) -> tuple[int, int]:
    with Workspace(home, clock=clock) as ws:
        j = ws.journal
        plan = j.create(title="Hiring plan", body="Two engineers.", day=OTHER_DAY)
        for i in range(12):  # a long list on that day: the entry must be scrolled to
            j.create(title=f"Call notes {i:02d}", body="Notes.", day=OTHER_DAY)
        today = j.today()
        j.save(today.id, body="Decision: see [[Hiring plan]].\n")
    return today.id, plan.id


def _selected(panel) -> int | None:
    item = panel.entries.currentItem()
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def _visible_in_list(panel, entry_id: int) -> bool:
    row = panel.entries.ids().index(entry_id)
    rect = panel.entries.visualItemRect(panel.entries.item(row))
    return panel.entries.viewport().rect().contains(rect.center())


def test_a_link_click_moves_the_day_panel_to_the_linked_entry(open_window, tmp_path, clock):
    today_id, plan_id = _scene(tmp_path / "ws", clock)
    o = open_window(tmp_path / "ws")
    panel, edit = o.sense.day_panel, o.editor.text
    o.qtbot.waitUntil(lambda: "Hiring plan" in edit.toPlainText())
    o.qtbot.waitUntil(lambda: _selected(panel) == today_id)
    # Click the link's chip in the styled editor, where it is drawn.
    edit.viewport().repaint()
    chip = next(h for h in edit.decorations.hits if h.kind == "wiki")
    at = chip.rect.center().toPoint()
    o.qtbot.mouseClick(edit.viewport(), Qt.MouseButton.LeftButton, pos=at)
    o.qtbot.waitUntil(lambda: o.editor.entry_id == plan_id)
    o.qtbot.waitUntil(lambda: panel.day == OTHER_DAY and _selected(panel) == plan_id)
    assert panel.calendar.selectedDate().toPython() == OTHER_DAY
    assert _visible_in_list(panel, plan_id)


def test_a_calendar_click_opens_that_day_and_the_list_follows(open_window, tmp_path, clock):
    _scene(tmp_path / "ws", clock)
    with Workspace(tmp_path / "ws", clock=clock) as ws:
        daily = ws.journal.daily_for(OTHER_DAY)  # that day has its daily entry too
    o = open_window(tmp_path / "ws")
    panel = o.sense.day_panel
    view = panel.calendar.findChild(QTableView)
    view.setFocus()
    for _ in range((o.ws.journal.today_date() - OTHER_DAY).days):
        o.qtbot.keyClick(view, Qt.Key.Key_Left)
    o.qtbot.waitUntil(lambda: o.editor.entry_id == daily.id)  # the day's own entry opens
    o.qtbot.waitUntil(lambda: _selected(panel) == daily.id)
    assert _visible_in_list(panel, daily.id)
    # An empty day: nothing is created, the editor keeps what it shows.
    o.qtbot.keyClick(view, Qt.Key.Key_Left)
    o.qtbot.waitUntil(lambda: panel.entries.count() == 0)
    o.qtbot.wait(200)
    assert o.editor.entry_id == daily.id


def test_after_a_relaunch_the_list_shows_the_entry_left_open(open_window, tmp_path, clock):
    _today_id, plan_id = _scene(tmp_path / "ws", clock)
    o = open_window(tmp_path / "ws")
    o.window.open_entry.emit(plan_id)
    o.qtbot.waitUntil(lambda: o.editor.entry_id == plan_id)
    o.close()
    o2 = open_window(tmp_path / "ws")
    panel = o2.sense.day_panel
    o2.qtbot.waitUntil(lambda: o2.editor.entry_id == plan_id)
    o2.qtbot.waitUntil(lambda: _selected(panel) == plan_id)
    assert panel.day == OTHER_DAY
    assert _visible_in_list(panel, plan_id)


def _cell_colour(calendar, day: dt.date) -> QColor:
    """The average colour of a day's cell in this month's page."""
    view = calendar.findChild(QTableView)
    model = view.model()
    shot = view.viewport().grab().toImage()
    for row in range(1, model.rowCount()):
        for col in range(model.columnCount()):
            index = model.index(row, col)
            if str(model.data(index)) != str(day.day) or (row > 4 and day.day < 15):
                continue
            rect = view.visualRect(index)
            px = [
                QColor(shot.pixel(x, y))
                for x in range(rect.left(), rect.right())
                for y in range(rect.top(), rect.bottom())
            ]
            return QColor(*(sum(c.getRgb()[i] for c in px) // len(px) for i in range(3)))
    raise AssertionError(f"no cell for {day}")


def test_written_days_stand_out_in_light_and_dark(open_window, tmp_path, clock):
    from pkm.gui import appearance

    _scene(tmp_path / "ws", clock)
    o = open_window(tmp_path / "ws")
    panel = o.sense.day_panel
    o.qtbot.waitUntil(lambda: OTHER_DAY.isoformat() in panel.calendar.marks)
    try:
        for choice in ("light", "dark"):
            appearance.apply(choice)
            o.qtbot.wait(100)
            written = _cell_colour(panel.calendar, OTHER_DAY)
            blank = _cell_colour(panel.calendar, OTHER_DAY - dt.timedelta(days=1))
            diff = sum(
                abs(a - b) for a, b in zip(written.getRgb()[:3], blank.getRgb()[:3], strict=True)
            )
            assert diff >= 24, (choice, written.name(), blank.name())
    finally:
        appearance.apply("system")


def test_history_labels_say_what_happened():
    def label(reason: str) -> str:
        return describe(Revision(1, 1, "T", "B", "2026-11-22T09:00:00+00:00", reason))

    assert label("edit").endswith("(saved while editing)")
    assert label("restore").endswith("(before restore)")
    assert label("import").endswith("(before import)")
    assert label("vault").endswith("(from the vault)")
    assert label("close").endswith("(as you left it)")
    assert "closed" not in label("close")
