"""The first-run welcome: on a new data folder only, non-modal, never again after a choice."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTimeEdit

from pkm.core import reminder
from pkm.core.workspace import Workspace
from tests.gui import look

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _target(tmp_path: Path) -> Path:
    return DOCS if os.environ.get("PKM_SCREENSHOTS") else tmp_path


def test_welcome_on_a_new_folder_and_typing_still_works(open_window, tmp_path):
    o = open_window(tmp_path / "ws", welcome=True)
    w = o.window
    o.qtbot.waitUntil(w.welcome.isVisible)
    assert QApplication.activeModalWidget() is None  # nothing blocks the window
    w.resize(1280, 800)
    o.qtbot.wait(150)
    shot = w.grab()
    look.check(
        w, shot,
        shown=[w.welcome.import_button, w.welcome.feed_button, w.welcome.today_button,
               w.welcome.reminder_button, w.welcome.close_button, o.editor.text],
    )  # fmt: skip
    assert shot.save(str(_target(tmp_path) / "welcome.png"))
    w.resize(1024, 700)  # the smallest size: every choice still visible, nothing cut
    o.qtbot.wait(150)
    small = w.grab()
    look.check(w, small, shown=[w.welcome.reminder_time, w.welcome.close_button, o.editor.text])
    small.save(str(tmp_path / "welcome-1024.png"))
    # The editor beneath it works as usual.
    o.editor.text.setFocus()
    o.qtbot.keyClicks(o.editor.text, "First words.")
    assert "First words." in o.editor.text.toPlainText()
    assert w.welcome.isVisible()  # typing is not a choice


def test_write_today_ends_the_welcome_for_good(open_window, tmp_path):
    home = tmp_path / "ws"
    o = open_window(home, welcome=True)
    w = o.window
    o.qtbot.waitUntil(w.welcome.isVisible)
    o.qtbot.mouseClick(w.welcome.today_button, Qt.MouseButton.LeftButton)
    assert not w.welcome.isVisible()
    o.qtbot.waitUntil(lambda: o.editor.text.hasFocus() or o.editor.entry is not None)
    o.wait_idle()
    o.close()
    o2 = open_window(home, welcome=True)
    o2.qtbot.wait(300)
    o2.wait_idle()
    assert not o2.window.welcome.isVisible()


def test_subscribe_opens_add_feed_and_not_now_dismisses(open_window, tmp_path):
    from pkm.gui.seek.add_dialog import AddFeedDialog

    o = open_window(tmp_path / "a", welcome=True)
    o.qtbot.waitUntil(o.window.welcome.isVisible)
    o.qtbot.mouseClick(o.window.welcome.feed_button, Qt.MouseButton.LeftButton)
    assert o.window.current_stage().key == "seek"
    dialog = o.window.findChild(AddFeedDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    o.wait_idle()
    assert o.ws.settings.get("welcome.done") is True

    o2 = open_window(tmp_path / "b", welcome=True)
    o2.qtbot.waitUntil(o2.window.welcome.isVisible)
    o2.qtbot.mouseClick(o2.window.welcome.close_button, Qt.MouseButton.LeftButton)
    assert not o2.window.welcome.isVisible()
    o2.wait_idle()
    assert o2.ws.settings.get("welcome.done") is True


def test_the_reminder_offered_on_the_welcome(open_window, tmp_path):
    o = open_window(tmp_path / "ws", welcome=True)
    wel = o.window.welcome
    o.qtbot.waitUntil(wel.isVisible)
    wel.reminder_time.setFocus()
    wel.reminder_time.setSelectedSection(QTimeEdit.Section.HourSection)
    o.qtbot.keyClicks(wel.reminder_time, "07:15")  # the minutes follow once the hour is typed
    o.qtbot.mouseClick(wel.reminder_button, Qt.MouseButton.LeftButton)
    o.wait_idle()
    r = reminder.read(o.ws.settings)
    assert r.enabled and f"{r.time:%H:%M}" == "07:15" and r.days == reminder.EVERY_DAY
    assert "07:15" in o.window.status.message.text()


def test_a_folder_in_use_never_shows_it(open_window, tmp_path, clock):
    home = tmp_path / "ws"
    with Workspace(home, clock=clock) as ws:
        e = ws.journal.today()
        ws.journal.save(e.id, body="Years of notes.")
    o = open_window(home, welcome=True)
    o.wait_idle()
    o.qtbot.wait(100)
    assert not o.window.welcome.isVisible()
    o.qtbot.waitUntil(lambda: o.ws.settings.get("welcome.done") is True)


def test_import_an_existing_journal_from_the_welcome(open_window, tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Board prep.md").write_text("# Board prep\n\nThree questions for the board.\n")
    o = open_window(tmp_path / "ws", welcome=True)
    wel = o.window.welcome
    o.qtbot.waitUntil(wel.isVisible)
    asked: list[str] = []
    o.sense.import_button.choose_path = lambda source: asked.append(source) or str(vault)
    wel.import_actions["markdown"].trigger()  # the menu's "Markdown folder or Obsidian vault…"
    assert asked == ["markdown"] and not wel.isVisible()
    o.qtbot.waitUntil(lambda: o.ws.journal.resolve("Board prep") is not None, timeout=10_000)
