"""The menu bar: every menu, keys that work, the shortcut sheet, zoom, report a problem."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pkm.gui.menus import ZOOM_KEY


def _menu_titles(o) -> list[str]:
    return [a.text().replace("&", "") for a in o.window.menuBar().actions()]


def test_the_menus_are_there_with_their_shortcuts(main_window):
    o = main_window
    assert _menu_titles(o) == ["File", "Edit", "View", "Go", "Entry", "Feeds", "Help"]
    rows = dict(o.window.menus.shortcut_rows())
    assert ("Share this…", "Ctrl+Shift+P") in rows["Entry"]
    assert ("Today's entry", "Ctrl+T") in rows["File"]
    assert ("Next article", "J") in rows["Go"]
    assert ("Keyboard shortcuts", "F1, Ctrl+/") in rows["Help"]
    assert ("Sense", "Ctrl+2") in rows["View"]


def test_f1_shows_the_sheet_drawn_from_the_menus(main_window):
    o = main_window
    o.editor.text.setFocus()
    o.qtbot.keyClick(o.editor.text, Qt.Key.Key_F1)
    o.qtbot.waitUntil(lambda: o.window.menus.sheet is not None and o.window.menus.sheet.isVisible())
    text = o.window.menus.sheet.findChild(object, "shortcutSheet").toPlainText()
    assert "Share this…" in text and "Ctrl+Shift+P" in text and "Refresh all feeds" in text
    o.window.menus.sheet.reject()


def test_menu_keys_work_while_typing(main_window):
    o = main_window
    o.editor.text.setFocus()
    o.qtbot.keyClick(o.editor.text, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    o.qtbot.waitUntil(lambda: o.window.current_stage() is o.window.stages["seek"])
    o.qtbot.keyClick(o.window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    o.qtbot.waitUntil(lambda: o.window.current_stage() is o.sense)
    # Go › Next article from Sense: switches to Seek first.
    o.window.menus.actions["Next article"].trigger()
    o.qtbot.waitUntil(lambda: o.window.current_stage() is o.window.stages["seek"])


def test_zoom_changes_the_writing_and_is_remembered(open_window, tmp_path):
    home = tmp_path / "ws"
    o = open_window(home)
    base = o.editor.text.font().pointSizeF()
    o.editor.text.setFocus()
    o.qtbot.keyClick(o.editor.text, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    o.qtbot.keyClick(o.editor.text, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert abs(o.editor.text.font().pointSizeF() - base * 1.2) < 0.01
    assert "Text size 120 %" in o.window.status.message.text()
    o.wait_idle()
    assert o.ws.settings.get(ZOOM_KEY) == 2
    o.close()
    again = open_window(home)
    assert abs(again.editor.text.font().pointSizeF() - base * 1.2) < 0.01
    again.qtbot.keyClick(again.editor.text, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert abs(again.editor.text.font().pointSizeF() - base) < 0.01


def test_report_a_problem_opens_the_log_folder_or_says_where_it_is(main_window):
    o = main_window
    opened = []
    o.window.open_folder = lambda url: opened.append(url.toLocalFile()) or True
    o.window.menus.actions["report"].trigger()
    assert opened == [str(o.ws.logs_dir)]
    assert "The log folder is open" in o.window.status.message.text()
    o.window.open_folder = lambda url: False  # no file manager on this computer
    o.window.menus.actions["report"].trigger()
    assert "could not open a file manager" in o.window.status.message.text()
    from PySide6.QtWidgets import QApplication

    assert QApplication.clipboard().text() == str(o.ws.logs_dir)
