"""The window shell: stages, shortcuts, layout restore, single instance, settings, errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel

from pkm.gui.app import acquire_lock
from pkm.gui.settings_dialog import REMOTE_IMAGES, SettingsDialog
from tests.cli_helpers import run_pkm_window

CTRL = Qt.KeyboardModifier.ControlModifier


def _texts(widget) -> str:
    return " ".join(label.text() for label in widget.findChildren(QLabel))


def _run_pkm(home: Path, **env: str) -> subprocess.CompletedProcess:
    return run_pkm_window(home, timeout=120, **env)


def test_three_stages_switch_with_ctrl_1_2_3_and_the_sidebar(main_window):
    w, qtbot = main_window.window, main_window.qtbot
    assert list(w.stages) == ["seek", "sense", "share"]
    assert w.current_stage().key == "sense"
    assert w.windowTitle() == "Sense — pkm"
    qtbot.keyClick(main_window.editor.text, Qt.Key.Key_1, CTRL)
    assert w.current_stage().key == "seek"
    assert w.windowTitle() == "Seek — pkm"  # the window list says where you are
    assert "No feeds yet" in _texts(w.stages["seek"])
    qtbot.keyClick(w.search, Qt.Key.Key_3, CTRL)
    assert w.current_stage().key == "share"
    assert "Add a target to begin" in _texts(w.stages["share"])
    qtbot.mouseClick(w.stage_button("sense"), Qt.MouseButton.LeftButton)
    assert w.current_stage().key == "sense"
    assert w.stage_button("sense").isChecked()


def test_layout_stage_splitters_and_last_entry_are_restored(open_window, tmp_path):
    home = tmp_path / "ws"
    first = open_window(home)
    w = first.window
    note = first.ws.journal.create(title="Hiring plan", body="Two engineers.")
    w.open_entry.emit(note.id)
    first.qtbot.waitUntil(lambda: first.editor.entry_id == note.id)
    w.resize(1111, 777)
    first.sense.split.setSizes([250, 600, 261])
    sizes = first.sense.split.sizes()
    first.editor.toolbar.preview_action.setChecked(False)
    w.show_stage("share")
    first.close()

    second = open_window(home)
    assert second.window.size() == QSize(1111, 777)
    assert second.window.current_stage().key == "share"
    second.window.show_stage("sense")
    assert second.sense.split.sizes() == sizes
    assert second.editor.entry_id == note.id
    assert not second.editor.toolbar.preview_action.isChecked()


def test_a_second_instance_on_the_same_folder_is_refused(tmp_path):
    home = tmp_path / "ws"
    home.mkdir()
    lock = acquire_lock(home)
    assert lock is not None
    try:
        assert acquire_lock(home) is None
        proc = _run_pkm(home, PKM_EXIT_WHEN_READY="1")
        assert proc.returncode == 1
        assert "already open on this data folder" in proc.stderr
        assert "pkm-ready" not in proc.stdout
    finally:
        lock.unlock()
    assert acquire_lock(home) is not None  # free again once the first one quits


def test_pkm_without_arguments_opens_the_window(tmp_path):
    home = tmp_path / "ws"
    proc = _run_pkm(home, PKM_EXIT_WHEN_READY="1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "pkm-ready"
    assert (home / "pkm.db").exists()
    assert not (home / "pkm.lock").exists()  # released on exit


def test_settings_dialog_general_page(main_window):
    w, qtbot = main_window.window, main_window.qtbot
    qtbot.keyClick(main_window.editor.text, Qt.Key.Key_Comma, CTRL)
    dialog = w.findChild(SettingsDialog)
    assert dialog is not None and dialog.isVisible()
    page = dialog.stack.currentWidget()
    assert str(main_window.ws.home) in page.folder.text()
    assert "light or dark" in _texts(page)
    assert not page.remote_images.isChecked()  # remote images are off by default
    qtbot.mouseClick(page.remote_images, Qt.MouseButton.LeftButton)
    main_window.wait_idle()
    assert main_window.ws.settings.get(REMOTE_IMAGES) is True
    assert '"reader.remote_images": true' in (main_window.ws.home / "settings.json").read_text()
    dialog.close()


def test_core_errors_show_in_plain_words(main_window):
    w, qtbot = main_window.window, main_window.qtbot
    w.open_entry.emit(9999)
    qtbot.waitUntil(lambda: "There is no journal entry 9999" in w.status.message.text())
    assert main_window.editor.entry is not None  # the open entry stays open


def test_unexpected_errors_are_shown_briefly_and_logged(main_window, caplog):
    w, qtbot = main_window.window, main_window.qtbot
    w.tasks.write(lambda: 1 / 0)
    qtbot.waitUntil(lambda: "Something went wrong" in w.status.message.text())
    assert "ZeroDivisionError" in w.status.message.text()
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)


def test_ctrl_k_in_the_editor_goes_to_search_and_deletes_nothing(main_window):
    """Qt text boxes read Ctrl+K as 'delete to the end of the line'; the window wins."""
    o, qtbot = main_window, main_window.qtbot
    text = o.editor.text
    qtbot.keyClicks(text, "Keep every word")
    text.moveCursor(text.textCursor().MoveOperation.StartOfLine)
    qtbot.keyClick(text, Qt.Key.Key_K, CTRL)
    assert o.window.search.hasFocus()
    assert text.toPlainText().endswith("Keep every word")
