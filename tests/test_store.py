import os
import sqlite3
import stat

import pytest

from pkm.core.db import DB_NAME, Store
from pkm.core.errors import StorageError
from pkm.core.migrations import latest_version
from pkm.core.paths import ensure_home, resolve_home
from pkm.core.workspace import Workspace


def test_home_is_created_private(tmp_path):
    home = ensure_home(tmp_path / "a" / "b")
    assert stat.S_IMODE(os.stat(home).st_mode) == 0o700


def test_home_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("PKM_HOME", str(tmp_path / "env"))
    assert resolve_home(tmp_path / "flag") == (tmp_path / "flag").resolve()
    assert resolve_home(None) == (tmp_path / "env").resolve()
    monkeypatch.delenv("PKM_HOME")
    assert "pkm" in str(resolve_home(None))


def test_unwritable_home_is_a_clear_error(tmp_path):
    if os.geteuid() == 0:
        # root can write anywhere; use a path under a file instead
        blocker = tmp_path / "file"
        blocker.write_text("x")
        with pytest.raises(StorageError, match="Cannot create the data folder"):
            ensure_home(blocker / "sub")
    else:
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        with pytest.raises(StorageError, match="permission denied"):
            ensure_home(ro / "sub")


def test_home_that_is_a_file(tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    with pytest.raises(StorageError, match="is a file, not a folder"):
        ensure_home(f)


def test_wal_and_schema_version(tmp_path):
    store = Store(tmp_path / DB_NAME)
    assert store.scalar("PRAGMA journal_mode") == "wal"
    assert store.schema_version() == latest_version()
    store.close()


def test_newer_database_is_refused_untouched(tmp_path):
    path = tmp_path / DB_NAME
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={latest_version() + 5}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="newer pkm"):
        Store(path)
    assert path.read_bytes() == before


def test_damaged_database_is_a_clear_error(tmp_path):
    home = tmp_path / "ws"
    home.mkdir()
    (home / DB_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError, match="Cannot open the database"):
        Workspace(home)


def test_transaction_rolls_back_on_error(tmp_path):
    store = Store(tmp_path / DB_NAME)
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute("INSERT INTO templates(name, body) VALUES ('x', 'y')")
        raise RuntimeError("boom")
    assert store.scalar("SELECT COUNT(*) FROM templates") == 0
    store.close()


def test_damaged_settings_file_is_set_aside(tmp_path):
    from pkm.core.settings import Settings

    p = tmp_path / "settings.json"
    p.write_text("{not json")
    s = Settings(p)
    assert s.get("x") is None
    s.set("x", 1)
    assert Settings(p).get("x") == 1
    assert (tmp_path / "settings.damaged.json").exists()
