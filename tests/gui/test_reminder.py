"""The daily reminder in the window: Settings › Reminder, the tray notification, the banner."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QTimeEdit

from pkm.core import reminder
from pkm.gui.settings_dialog import SettingsDialog
from tests.gui import look

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _target(tmp_path: Path) -> Path:
    return DOCS if os.environ.get("PKM_SCREENSHOTS") else tmp_path


def _local(clock, day: str, hm: str) -> None:
    h, m = map(int, hm.split(":"))
    local = dt.datetime.fromisoformat(f"{day}T00:00").replace(hour=h, minute=m).astimezone()
    clock.now = local.astimezone(dt.UTC)


def _box(check: QCheckBox):
    """The check box's square (a click on the text works too; this is where people aim)."""
    r = check.rect()
    return r.topLeft() + (r.bottomLeft() - r.topLeft()) / 2 + type(r.topLeft())(8, 0)


def _settings(o, page: str) -> SettingsDialog:
    o.window.show_settings()
    dialog = o.window.findChild(SettingsDialog)
    dialog.show_page(page)
    return dialog


def test_reminder_settings_off_by_default_then_set_with_clicks(main_window, tmp_path):
    o = main_window
    dialog = _settings(o, "Reminder")
    page = dialog.stack.currentWidget()
    enabled = page.findChild(QCheckBox, "reminderEnabled")
    assert not enabled.isChecked() and not page.findChild(QTimeEdit, "reminderTime").isEnabled()
    o.qtbot.mouseClick(enabled, Qt.MouseButton.LeftButton, pos=_box(enabled))
    o.qtbot.waitUntil(enabled.isChecked)
    time = page.findChild(QTimeEdit, "reminderTime")
    time.setFocus()
    time.setSelectedSection(QTimeEdit.Section.HourSection)
    o.qtbot.keyClicks(time, "07:45")  # the minutes follow once the hour is typed
    for i in (5, 6):  # not at the weekend
        box = page.findChild(QCheckBox, f"reminderDay{i}")
        o.qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=_box(box))
    o.wait_idle()
    r = reminder.read(o.ws.settings)
    assert r.enabled and r.time == dt.time(7, 45) and r.days == (0, 1, 2, 3, 4)
    assert "Weekdays at 07:45" in page.state.text()
    # Offscreen there is no notification area: the page says where the reminder appears.
    assert "banner" in page.where.text()
    dialog.resize(720, 460)
    shot = dialog.grab()
    look.check(dialog, shot, shown=[enabled, time, page.where])
    assert shot.save(str(_target(tmp_path) / "settings-reminder.png"))
    dialog.close()


def test_no_tray_a_banner_once_a_day_even_after_sleeping(main_window, clock):
    o, w = main_window, main_window.window
    reminder.save(o.ws.settings, enabled=True, time=dt.time(20, 30), days=reminder.EVERY_DAY)
    today = o.ws.journal.today_date().isoformat()
    _local(clock, today, "20:29")
    assert not w.reminder.check()
    _local(clock, today, "23:10")  # the machine slept past 20:30
    assert w.reminder.check()
    assert w.reminder_banner.isVisible() and w.reminder.delivered == ["banner"]
    assert o.ws.journal.prompt() in w.reminder_banner.label.text()
    assert not w.reminder.check()  # once a day
    o.wait_idle()
    assert reminder.read(o.ws.settings).last_fired == dt.date.fromisoformat(today)
    # "Write now" opens today's entry, ready to type.
    other = o.ws.journal.create(title="Elsewhere", body="x")
    w.open_entry.emit(other.id)
    o.qtbot.waitUntil(lambda: o.editor.entry_id == other.id)
    o.qtbot.mouseClick(w.reminder_banner.write_button, Qt.MouseButton.LeftButton)
    o.qtbot.waitUntil(lambda: o.editor.entry is not None and o.editor.entry.kind == "daily")
    assert not w.reminder_banner.isVisible()


# The offscreen platform has no tray of its own: Qt says so when the icon is shown.
@pytest.mark.qt_log_ignore(r"systemTrayWindowChanged", r"^This plugin does not support ")
def test_with_a_tray_a_notification_whose_click_opens_today(main_window, clock):
    o, w = main_window, main_window.window
    reminder.save(o.ws.settings, enabled=True, time=dt.time(8, 0), days=reminder.EVERY_DAY)
    w.reminder.tray_available = lambda: True
    other = o.ws.journal.create(title="Elsewhere", body="x")
    w.open_entry.emit(other.id)
    o.qtbot.waitUntil(lambda: o.editor.entry_id == other.id)
    _local(clock, o.ws.journal.today_date().isoformat(), "08:01")
    assert w.reminder.check()
    assert w.reminder.delivered == ["tray"] and w.reminder.tray is not None
    assert not w.reminder_banner.isVisible()
    w.reminder.tray.messageClicked.emit()  # the user clicks the notification
    o.qtbot.waitUntil(lambda: o.editor.entry is not None and o.editor.entry.kind == "daily")
    w.reminder.tray.hide()
