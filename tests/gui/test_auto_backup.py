"""The window makes the day's automatic backup on the pool, once."""

from __future__ import annotations

from pkm.core import auto_backup


def test_the_window_makes_the_days_backup(main_window):
    o = main_window
    done = []
    o.window.ops.auto_backup(on_done=done.append)
    o.qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    assert done[0] is not None and done[0].path.is_file()
    assert len(auto_backup.listing(o.ws.home)) == 1


def test_settings_shows_the_backups_and_backs_up_now(main_window):
    from PySide6.QtCore import Qt

    from pkm.gui.settings_dialog import GeneralPage

    o = main_window
    page = GeneralPage(o.window.ctx)
    o.qtbot.addWidget(page)
    assert page.backups.text().startswith("No automatic backup yet")
    o.qtbot.mouseClick(page.backup_now, Qt.MouseButton.LeftButton)
    o.qtbot.waitUntil(
        lambda: "Backed up your journal" in o.window.status.message.text(), timeout=20_000
    )
    assert len(list((o.ws.home / "backups").glob("pkm-backup-*.zip"))) == 1
    done = []
    o.window.ops.auto_backup(on_done=done.append)
    o.qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    again = GeneralPage(o.window.ctx)
    o.qtbot.addWidget(again)
    assert (
        again.backups.text().startswith("Latest: ")
        and "1 backup kept in backups/auto" in again.backups.text()
    )
