"""Sense's Import… button: a real click through its menu, progress, Cancel, the report
in the status area, and imported photos shown in the preview."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from pkm.core.imports.writer import BATCH

DATA = Path(__file__).parents[1] / "imports" / "data"


def _pick_from_menu(qtbot, button, rows_down: int) -> None:
    """Click the button and choose a menu row with the keyboard, as a person would."""

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        assert menu is not None, "the Import… menu did not open"
        for _ in range(rows_down):
            qtbot.keyClick(menu, Qt.Key.Key_Down)
        qtbot.keyPress(menu, Qt.Key.Key_Return)  # the menu closes on the press

    QTimer.singleShot(200, choose)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_import_a_vault_from_the_sense_stage_and_see_its_images(main_window, tmp_path, monkeypatch):
    o, qtbot = main_window, main_window.qtbot
    vault = shutil.copytree(DATA / "vault", tmp_path / "vault")
    button = o.sense.import_button
    asked = []
    monkeypatch.setattr(button, "choose_path", lambda source: asked.append(source) or str(vault))
    _pick_from_menu(qtbot, button, rows_down=3)  # the third row: Markdown folder or vault
    qtbot.waitUntil(lambda: asked == ["markdown"], timeout=5000)
    qtbot.waitUntil(lambda: button.last_report is not None, timeout=15_000)
    assert button.isEnabled()
    status = o.window.status
    assert status.message.text().startswith(
        "Imported 4 entries with 1 image or file; 2 not imported. Details says what"
    )
    assert status.undo_button.isVisible() and status.undo_button.text() == "Details"
    qtbot.mouseClick(status.undo_button, Qt.MouseButton.LeftButton)
    box = button.details_box
    assert box is not None and box.isVisible()
    details = box.informativeText()
    assert "• Broken.md: its front matter is not valid YAML (line 3)" in details
    assert "• Latin1.md: it is not UTF-8 text" in details
    assert "• Daily/2026-03-05.md: missing photo.jpg was left out" in details
    assert box.grab().save(str(tmp_path / "import-report.png"))
    box.close()
    titles = {e.title for e in o.ws.journal.list()}
    assert {"Pricing memo", "Team offsite"} <= titles
    # The last imported entry is opened; open the memo and see its chart in the preview.
    memo = next(e for e in o.ws.journal.list() if e.title == "Pricing memo")
    o.window.open_entry.emit(memo.id)
    qtbot.waitUntil(lambda: o.editor.entry_id == memo.id, timeout=5000)
    o.editor.toolbar.preview_action.trigger()  # the side preview, off by default
    qtbot.waitUntil(lambda: "value-based pricing" in o.editor.preview.toPlainText(), timeout=5000)
    ref = re.search(r"media/[0-9a-f]{64}\.png", memo.body).group(0)
    assert ref in o.editor.preview.toHtml()
    image = o.editor.preview.loadResource(QTextDocument.ResourceType.ImageResource, QUrl(ref))
    assert image is not None and not image.isNull() and image.width() == 32
    # Remote images and files outside media/ stay blocked, as before.
    for url in ("https://example.com/a.png", "../pkm.db", "/etc/passwd"):
        assert (
            o.editor.preview.loadResource(QTextDocument.ResourceType.ImageResource, QUrl(url))
            is None
        )
    o.wait_idle()
    assert o.window.grab().save(str(tmp_path / "sense-import.png"))


def test_cancel_keeps_what_was_imported_and_importing_again_finishes(main_window, tmp_path):
    o, qtbot = main_window, main_window.qtbot
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(1500):
        (folder / f"Note {n:04}.md").write_text(f"Imported note number {n}. #bulk\n")
    button, status = o.sense.import_button, o.window.status
    task = button.start("markdown", folder)
    assert task is not None and not button.isEnabled()
    qtbot.waitUntil(lambda: status.cancel_button.isVisible(), timeout=10_000)
    assert "Importing many" in status.task_label.text()
    qtbot.mouseClick(status.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: button.isEnabled(), timeout=20_000)
    assert status.message.text().startswith("Import cancelled.")
    o.wait_idle()
    kept = o.ws.store.scalar("SELECT COUNT(*) FROM entries WHERE kind = 'note'")
    assert kept % BATCH == 0 and kept < 1500  # whole batches only, never half of one
    button.last_report = None
    button.start("markdown", folder)
    qtbot.waitUntil(lambda: button.last_report is not None, timeout=60_000)
    assert len(button.last_report.imported) == 1500 - kept
    assert o.ws.store.scalar("SELECT COUNT(*) FROM entries WHERE kind = 'note'") == 1500


def test_file_import_in_the_menu_bar_runs_the_same_import(main_window, tmp_path, monkeypatch):
    o, qtbot = main_window, main_window.qtbot
    button = o.sense.import_button
    asked = []
    enex = DATA / "evernote.enex"
    monkeypatch.setattr(button, "choose_path", lambda source: asked.append(source) or str(enex))
    o.window.menus.actions["import-enex"].trigger()
    qtbot.waitUntil(lambda: button.last_report is not None, timeout=15_000)
    assert asked == ["enex"]
    assert [i.title for i in button.last_report.imported] == ["Q3 offsite plan", "1:1 with Sam"]
    assert o.window.current_stage() is o.sense
