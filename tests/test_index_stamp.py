"""The index and the database heal or refuse, never lie (issue 10).

The index is stamped with the database's identity and its last drain of the
outbox (pkm.core.indexing); whatever does not match is rebuilt, and until then
searches find nothing rather than another database's rows. An index folder
that is a file is moved aside; one that cannot be written says so in one line
while the journal goes on working.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from pkm.core.errors import StorageError
from pkm.core.search.index import STAMP_FILE
from pkm.core.workspace import Workspace
from tests.cli_helpers import run_cli


def _keys(ws: Workspace, query: str) -> set[str]:
    return {h.key for h in ws.search.search(query, limit=100).hits}


def _walruses(ws: Workspace, n: int = 20) -> set[str]:
    return {f"entry:{ws.journal.create(title=f'Walrus {i}', body='walrus').id}" for i in range(n)}


@pytest.fixture
def home(tmp_path: Path, clock) -> Path:
    """A data folder with one entry, indexed and stamped."""
    home = tmp_path / "ws"
    with Workspace(home, clock=clock) as ws:
        ws.search.sync()
        ws.journal.create(title="Zebra", body="the first zebra note")
        assert _keys(ws, "zebra")
    return home


def test_an_older_index_folder_restored_finds_what_was_added_since(home, tmp_path, clock):
    shutil.copytree(home / "index", tmp_path / "index-copy")
    with Workspace(home, clock=clock) as ws:
        added = _walruses(ws)
        assert _keys(ws, "walrus") == added
    shutil.rmtree(home / "index")
    shutil.copytree(tmp_path / "index-copy", home / "index")
    with Workspace(home, clock=clock) as ws:
        assert ws.search.needs_rebuild()
        assert "older than the database" in (ws.search.stale_reason() or "")
        assert _keys(ws, "walrus") == set()  # not a partial answer while it is stale
        ws.search.sync()  # what search and the window's start do: rebuild
        assert _keys(ws, "walrus") == added
        assert not ws.search.needs_rebuild()


def test_an_empty_pkm_db_under_the_index_gives_no_ghost_hits(home, clock):
    for name in ("pkm.db", "pkm.db-wal", "pkm.db-shm"):
        (home / name).unlink(missing_ok=True)
    (home / "pkm.db").write_bytes(b"")  # an empty file is an empty database to SQLite
    with Workspace(home, clock=clock) as ws:
        assert ws.search.stale_reason() == "it was built for another database"
        assert _keys(ws, "zebra") == set()
        ws.search.sync()
        assert _keys(ws, "zebra") == set()
        assert ws.search.index.doc_count() == 0


def test_an_older_pkm_db_restored_gives_no_ghost_hits(home, tmp_path, clock):
    shutil.copy2(home / "pkm.db", tmp_path / "backup.db")  # closed: the WAL is checkpointed
    with Workspace(home, clock=clock) as ws:
        _walruses(ws, 3)
    for name in ("pkm.db-wal", "pkm.db-shm"):
        (home / name).unlink(missing_ok=True)
    shutil.copy2(tmp_path / "backup.db", home / "pkm.db")
    with Workspace(home, clock=clock) as ws:
        assert "newer than the database" in (ws.search.stale_reason() or "")
        assert _keys(ws, "walrus") == set()
        ws.search.sync()
        assert _keys(ws, "walrus") == set() and len(_keys(ws, "zebra")) == 1


def test_an_update_interrupted_before_its_stamp_is_rebuilt(home, clock):
    from pkm.core.search import IndexDoc

    with Workspace(home, clock=clock) as ws:
        ws.search.sync()
        # Whoosh committed, then the process died before the database and the stamp moved on
        ws.search.index.update([IndexDoc("entry:999", ("entry",), "Ghost", "ghost", "2026-01-01")])
    with Workspace(home, clock=clock) as ws:
        assert ws.search.stale_reason() == "an update of it was interrupted"
        assert _keys(ws, "ghost") == set()
        ws.search.sync()
        assert _keys(ws, "ghost") == set() and len(_keys(ws, "zebra")) == 1


def test_a_missing_or_foreign_stamp_means_a_rebuild(home, clock):
    (home / "index" / STAMP_FILE).unlink()
    with Workspace(home, clock=clock) as ws:
        assert ws.search.stale_reason() == "it does not say which database it was built for"
        ws.search.sync()
        assert ws.search.stale_reason() is None and len(_keys(ws, "zebra")) == 1


def test_every_database_has_its_own_identity(tmp_path):
    with Workspace(tmp_path / "a") as a, Workspace(tmp_path / "b") as b:
        ids = [w.store.scalar("SELECT value FROM meta WHERE key = 'db_id'") for w in (a, b)]
    assert all(ids) and ids[0] != ids[1]


def test_saves_keep_the_stamp_in_step(home, clock):
    """The ordinary path never rebuilds: each drain moves the mark on both sides."""
    with Workspace(home, clock=clock) as ws:
        before = ws.search.index.read_stamp()
        e = ws.journal.create(title="Yak", body="yak")
        after = ws.search.index.read_stamp()
        assert before and after and before["index_mark"] != after["index_mark"]
        mark = ws.store.scalar("SELECT value FROM meta WHERE key = 'index_mark'")
        assert after["index_mark"] == mark
    with Workspace(home, clock=clock) as ws:
        assert not ws.search.needs_rebuild()
        assert _keys(ws, "yak") == {f"entry:{e.id}"}


# ---- the CLI says so ---------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch, capsys, home):
    def run(*args, stdin=None):
        return run_cli(monkeypatch, capsys, "--home", str(home), *args, stdin=stdin)

    return run


def test_cli_status_tells_the_truth_and_search_rebuilds(cli, home, tmp_path):
    shutil.copytree(home / "index", tmp_path / "index-copy")
    for i in range(20):
        assert cli("journal", "add", f"walrus number {i}").code == 0
    assert cli("index", "status").out.startswith("Index ready;")
    shutil.rmtree(home / "index")
    shutil.copytree(tmp_path / "index-copy", home / "index")
    status = cli("index", "status")
    assert status.code == 0
    assert status.out.startswith("Index stale: it is older than the database")
    assert "'pkm index rebuild'" in status.out
    found = cli("search", "walrus", "--limit", "100", "--json")
    assert found.code == 0 and len(found.json()) == 20
    assert cli("index", "status").out.startswith("Index ready;")


def test_cli_index_folder_that_is_a_file_heals(cli, home):
    shutil.rmtree(home / "index")
    (home / "index").write_text("not an index")
    found = cli("search", "zebra", "--json")
    assert found.code == 0, found.err
    assert len(found.json()) == 1
    assert "was a file; it was moved to" in found.err
    assert (home / "index.was-a-file").read_text() == "not an index"  # nothing is lost
    assert (home / "index").is_dir()


def test_cli_journal_works_when_the_index_folder_is_a_file(cli, home):
    shutil.rmtree(home / "index")
    (home / "index").write_text("x")
    r = cli("journal", "add", "still saved")
    assert r.code == 0, r.err
    assert cli("journal", "show", r.out.strip(), "--json").json()["body"] == "still saved"


# ---- a folder that cannot be written -------------------------------------------------------


@contextmanager
def _unwritable(monkeypatch: pytest.MonkeyPatch, folder: Path):
    """Writes under ``folder`` fail with EACCES, as on a read-only folder for a normal user
    (the tests may run as root, for whom chmod does not stop writes)."""
    root = os.path.abspath(folder)

    def blocked(path) -> bool:
        if isinstance(path, int):
            return False
        p = os.path.abspath(os.fsdecode(path))
        return p == root or p.startswith(root + os.sep)

    def deny(path):
        raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))

    real_open, real_os_open = builtins.open, os.open

    def fake_open(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+") and blocked(file):
            deny(file)
        return real_open(file, mode, *args, **kwargs)

    def fake_os_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and blocked(path):
            deny(path)
        return real_os_open(path, flags, *args, **kwargs)

    def guard(real):
        def fake(path, *args, **kwargs):
            if blocked(path) or (args and not isinstance(args[0], int) and blocked(args[0])):
                deny(path)
            return real(path, *args, **kwargs)

        return fake

    with monkeypatch.context() as m:
        m.setattr(builtins, "open", fake_open)
        m.setattr(io, "open", fake_open)
        m.setattr(os, "open", fake_os_open)
        for name in ("remove", "unlink", "rename", "replace", "mkdir", "rmdir"):
            m.setattr(os, name, guard(getattr(os, name)))
        yield


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_cli_unwritable_index_is_one_line_and_the_journal_still_works(cli, home, monkeypatch):
    with _unwritable(monkeypatch, home / "index"):
        added = cli("journal", "add", "a note about yaks")
        assert added.code == 0, added.err  # saved; its index update stays queued
        found = cli("search", "yaks")
        assert found.code == 1
        line = _one_line(found.err)
        assert line.startswith(f"pkm: Cannot write the search index in {home / 'index'}")
        assert "permission denied" in line and "notes are not affected" in line
        rebuilt = cli("index", "rebuild")
        assert rebuilt.code == 1 and "permission denied" in _one_line(rebuilt.err)
    shown = cli("journal", "show", added.out.strip(), "--json")
    assert shown.json()["body"] == "a note about yaks"
    found = cli("search", "yaks", "--json")  # writable again: it catches up
    assert found.code == 0 and len(found.json()) == 1


def test_unwritable_index_raises_storage_error_in_the_core(home, clock, monkeypatch):
    with Workspace(home, clock=clock) as ws:
        with _unwritable(monkeypatch, home / "index"):
            e = ws.journal.create(title="Kept", body="kept anyway")  # logged, not raised
            assert ws.search.pending() >= 1
            with pytest.raises(StorageError, match="permission denied"):
                ws.search.sync()
            with pytest.raises(StorageError, match="permission denied"):
                ws.search.rebuild()
        ws.search.sync()
        assert _keys(ws, "kept") == {f"entry:{e.id}"}


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores chmod")
def test_cli_read_only_index_folder_for_real(cli, home):
    index = home / "index"
    shutil.rmtree(index)
    index.mkdir()
    index.chmod(0o500)
    try:
        assert cli("journal", "add", "a note about yaks").code == 0
        found = cli("search", "yaks")
        assert found.code == 1 and "permission denied" in _one_line(found.err)
    finally:
        index.chmod(0o700)
