"""Migration 11 (the vault's tables) on a database of version 10 with real rows in it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pkm.core.db import DB_NAME
from pkm.core.migrations import MIGRATIONS
from pkm.core.workspace import Workspace
from tests.conftest import FakeClock


def test_a_version_10_journal_upgrades_and_syncs_to_a_vault(tmp_path: Path) -> None:
    home = tmp_path / "pkm"
    home.mkdir()
    conn = sqlite3.connect(home / DB_NAME, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    for version, _name, apply, _fk in MIGRATIONS[:10]:
        apply(conn)
        conn.execute(f"PRAGMA user_version={version}")
    conn.execute(
        "INSERT INTO entries(kind, day, title, title_key, body, edited, created, updated) "
        "VALUES ('note', '2026-05-01', 'Offsite', 'offsite', 'Agenda. #plan', 1, "
        "'2026-05-01T09:00:00+00:00', '2026-05-01T09:00:00+00:00')"
    )
    conn.execute("INSERT INTO entry_tags(entry_id, tag, explicit) VALUES (1, 'plan', 0)")
    conn.close()
    with Workspace(home, clock=FakeClock()) as ws:
        assert ws.store.schema_version() == 11
        assert ws.journal.get(1).body == "Agenda. #plan"
        assert ws.vault.status().folder is None
        ws.vault.set_folder(tmp_path / "vault")
        assert ws.vault.sync().written == 1
        assert "Agenda. #plan" in (tmp_path / "vault" / "Offsite.md").read_text()
        assert ws.store.scalar("SELECT COUNT(*) FROM vault_files WHERE entry_id = 1") == 1
