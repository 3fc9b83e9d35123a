"""Settings › Vault and the window's sync, with real clicks and keys.

Typing in the window reaches the vault file once typing pauses; a file written
there by another editor becomes an entry by itself (file-system events); a sync
engine's conflict file is kept as a conflict copy and said in the status bar and
on the page.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from pkm.gui.vault_page import VaultPage

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def titles(o) -> set[str]:
    return {r[0] for r in o.ws.store.query("SELECT title FROM entries WHERE deleted_at IS NULL")}


def test_choose_a_vault_type_and_files_come_and_go(main_window) -> None:
    o = main_window
    vault = Path.home() / "Dropbox" / "Journal"  # HOME is the test's own (tests/conftest.py)
    vault.parent.mkdir()
    o.window.choose_folder = lambda caption: str(vault)
    page = VaultPage(o.window.ctx, o.window.vault_sync)
    o.qtbot.addWidget(page)
    page.resize(720, 460)
    page.show()
    o.qtbot.waitUntil(lambda: page.folder.text().startswith("No vault folder"), timeout=5000)
    assert not page.sync_now.isEnabled()
    o.qtbot.mouseClick(page.choose, Qt.MouseButton.LeftButton)
    o.qtbot.waitUntil(lambda: page.state.text().startswith("Last sync:"), timeout=10_000)
    assert page.folder.text() == "~/Dropbox/Journal" and page.sync_now.isEnabled()

    # typing in today's entry reaches its file once typing pauses
    o.window.activateWindow()
    o.qtbot.waitUntil(lambda: o.window.isActiveWindow(), timeout=5000)
    o.qtbot.keyClicks(o.editor.text, "Decided on the Lisbon office")
    day = o.editor.entry.day
    daily = vault / f"{day}.md"
    o.qtbot.waitUntil(
        lambda: daily.exists() and "Decided on the Lisbon office" in daily.read_text(),
        timeout=15_000,
    )
    o.qtbot.keyClicks(o.editor.text, ", signed Friday")  # its file now: just that file written
    o.qtbot.waitUntil(lambda: "office, signed Friday" in daily.read_text(), timeout=15_000)

    # a note written by another editor becomes an entry by itself (watched folder)
    (vault / "Lisbon lease.md").write_text("Three floors, ten years. #office\n")
    o.qtbot.waitUntil(lambda: "Lisbon lease" in titles(o), timeout=15_000)
    o.qtbot.waitUntil(lambda: "pkm-id:" in (vault / "Lisbon lease.md").read_text(), timeout=5000)

    # a sync engine's conflict file: a conflict copy, said in the status bar and on the page
    text = (vault / "Lisbon lease.md").read_text()
    (vault / "Lisbon lease.sync-conflict-20261122-093000-ABCDEF7.md").write_text(
        text.replace("ten years", "five years")
    )
    o.qtbot.waitUntil(lambda: any("conflict copy" in t for t in titles(o)), timeout=15_000)
    o.qtbot.waitUntil(
        lambda: "both versions are kept" in o.window.status.message.text(), timeout=5000
    )
    o.qtbot.waitUntil(lambda: "Conflict, both kept" in page.notes.text(), timeout=5000)
    assert not list(vault.glob("*sync-conflict*"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.grab().save(str(SHOTS / "settings-vault.png"))

    # Sync now, then Stop syncing: the files stay
    o.qtbot.mouseClick(page.sync_now, Qt.MouseButton.LeftButton)
    o.qtbot.waitUntil(lambda: page.sync_now.isEnabled(), timeout=10_000)
    o.qtbot.mouseClick(page.stop, Qt.MouseButton.LeftButton)
    o.qtbot.waitUntil(lambda: page.state.text() == "Not syncing.", timeout=10_000)
    assert (vault / "Lisbon lease.md").exists() and o.window.vault_sync.folder is None


def test_a_folder_inside_the_data_folder_is_refused_in_words(main_window) -> None:
    o = main_window
    o.window.choose_folder = lambda caption: str(o.ws.home / "vault")
    page = VaultPage(o.window.ctx, o.window.vault_sync)
    o.qtbot.addWidget(page)
    o.qtbot.mouseClick(page.choose, Qt.MouseButton.LeftButton)
    o.qtbot.waitUntil(lambda: "inside pkm's data folder" in page.notes.text(), timeout=10_000)
    assert o.window.vault_sync.folder is None
