"""Settings › General › Restore…: real clicks, then the restore done as pkm reopens."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pkm.core import auto_backup, scheduled_restore
from pkm.core.backup import backup
from pkm.core.workspace import Workspace


def test_restore_backs_up_first_then_reopens_on_the_backup(main_window, clock):
    from pkm.gui.settings_dialog import GeneralPage

    o = main_window
    o.ws.journal.create(title="Before", body="In the backup.\n")
    older = auto_backup.run_if_due(o.ws.home, clock)  # yesterday's automatic one, say
    clock.advance(minutes=1)
    chosen = backup(o.ws.home, o.ws.clock).path
    # Fixed times, so the list (and its screenshot) reads the same at every run.
    os.utime(older.path, (1796634000, 1796634000))  # Monday 7 December 2026, morning
    os.utime(chosen, (1796720400, 1796720400))  # the next day
    clock.advance(minutes=5)
    o.ws.journal.create(title="After", body="Written after the backup.\n")

    page = GeneralPage(o.window.ctx)
    o.qtbot.addWidget(page)
    o.qtbot.mouseClick(page.restore, Qt.MouseButton.LeftButton)
    dialog = page.restore_dialog
    o.qtbot.waitExposed(dialog)
    assert dialog.list.count() == 2 and "made by you" in dialog.list.item(0).text()
    assert "automatic" in dialog.list.item(1).text()
    assert "Nothing is deleted" in dialog.findChild(type(dialog.empty)).text()
    shots = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(shots / "restore.png"))
    o.qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    o.qtbot.waitUntil(lambda: not o.window.isVisible(), timeout=20_000)
    assert o.window.reopen_requested is True
    assert scheduled_restore.pending(o.ws.home) == chosen.resolve()
    before = list((o.ws.home / "backups").glob("*-before-restore.zip"))
    assert len(before) == 1
    o.close()
    QApplication.processEvents()

    info = scheduled_restore.apply_pending(o.ws.home, clock)  # what gui/app.py does on reopen
    assert info is not None and info.moved_to is not None
    assert scheduled_restore.pending(o.ws.home) is None
    with Workspace(o.ws.home, clock=clock) as ws:
        titles = {e.title for e in ws.journal.list()}
        assert "Before" in titles and "After" not in titles
    with Workspace(info.moved_to, clock=clock) as old:  # nothing lost: today's data kept aside
        assert "After" in {e.title for e in old.journal.list()}


def test_a_file_that_is_no_backup_is_refused_before_anything(main_window, tmp_path):
    from pkm.gui.restore_dialog import RestoreDialog

    o = main_window
    bogus = tmp_path / "holiday.zip"
    bogus.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    dialog = RestoreDialog(o.window.ctx, o.window)
    o.qtbot.addWidget(dialog)
    dialog.choose_file = lambda: str(bogus)
    dialog.show()
    o.qtbot.mouseClick(dialog.other, Qt.MouseButton.LeftButton)
    assert dialog.chosen() == bogus
    o.qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    o.qtbot.waitUntil(lambda: "not a pkm backup" in dialog.empty.text(), timeout=10_000)
    assert o.window.isVisible() and scheduled_restore.pending(o.ws.home) is None
    assert not list((o.ws.home / "backups").glob("*before-restore*"))
