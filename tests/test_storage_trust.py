"""The database never lies: snapshots per thread, ids never reused, damage refused, CAS saves.

Each test here failed before the change it guards (issue 10, "the database and
the index heal or refuse, never lie" and "nothing the user wrote is lost").
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pkm.core.db import DB_NAME, Store
from pkm.core.errors import DatabaseDamaged, DiskFull
from pkm.core.migrations import MIGRATIONS
from pkm.core.workspace import Workspace


def test_a_reader_never_sees_text_that_is_rolled_back(ws):
    entry = ws.journal.create(title="Board memo", body="What was said.")
    inside, read_done = threading.Event(), threading.Event()

    def writer() -> None:
        try:
            with ws.store.transaction() as conn:
                conn.execute(
                    "UPDATE entries SET body = 'never committed' WHERE id = ?", (entry.id,)
                )
                inside.set()
                read_done.wait(5)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass

    t = threading.Thread(target=writer)
    t.start()
    assert inside.wait(5)
    seen = ws.journal.get(entry.id).body  # this thread, while the write is open
    read_done.set()
    t.join()
    assert seen == "What was said."
    assert ws.journal.get(entry.id).body == "What was said."


def test_entry_ids_are_never_reused_and_a_new_note_never_inherits_a_post(ws, tmp_path):
    folder = tmp_path / "site"
    ws.publishing.add_target("site", "folder", url=f"file://{folder}")
    memo = ws.journal.create(title="Board memo", body="Confidential numbers.")
    first = ws.publishing.publish(memo.id, "site")
    ws.journal.delete(memo.id)
    ws.journal.empty_trash()
    recipe = ws.journal.create(title="Weekend recipe", body="Pancakes.")
    assert recipe.id != memo.id
    second = ws.publishing.publish(recipe.id, "site")
    assert second.action == "created"
    assert "Confidential numbers." in Path(first.url.removeprefix("file://")).read_text()
    assert "Pancakes." in Path(second.url.removeprefix("file://")).read_text()


def _v4_database(path: Path) -> None:
    """A database as pkm 0.1 (schema 4) left it, with an id already reused."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    for version, _name, apply, _fk in MIGRATIONS[:4]:
        apply(conn)
        conn.execute(f"PRAGMA user_version={version}")
    add = (
        "INSERT INTO entries(id, kind, day, title, title_key, body, created, updated) "
        "VALUES (?, 'note', '2026-01-01', ?, ?, ?, ?, ?)"
    )
    conn.execute(add, (1, "Strategy", "strategy", "#plan one", "2026-01-01T09:00:00+00:00", "x"))
    conn.execute("INSERT INTO entry_tags(entry_id, tag) VALUES (1, 'plan')")
    conn.execute(
        "INSERT INTO publish_targets(name, kind, created, updated) VALUES ('blog', 'folder', '', '')"
    )
    # Entry 2 was published, trashed and purged; its id then went to a new note.
    conn.execute(
        "INSERT INTO publications(entry_id, target_id, state, idempotency_key, created, updated) "
        "VALUES (2, 1, 'published', 'k', '2026-02-01T09:00:00+00:00', '')"
    )
    conn.execute(add, (2, "Recipe", "recipe", "Pancakes.", "2026-03-01T09:00:00+00:00", "x"))
    conn.execute(
        "INSERT INTO publications(entry_id, target_id, state, idempotency_key, created, updated) "
        "VALUES (7, 1, 'published', 'k2', '2026-02-01T09:00:00+00:00', '')"
    )
    conn.close()


def test_upgrading_keeps_every_row_detaches_inherited_posts_and_seeds_ids(tmp_path):
    path = tmp_path / DB_NAME
    _v4_database(path)
    store = Store(path)
    try:
        assert store.scalar("SELECT COUNT(*) FROM entries") == 2
        assert store.scalar("SELECT tag FROM entry_tags WHERE entry_id = 1") == "plan"
        # The recipe no longer owns the board memo's post...
        assert store.scalar("SELECT COUNT(*) FROM publications WHERE entry_id = 2") == 0
        # ...and no new entry can ever take id 7, which the log still names.
        with store.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO entries(kind, day, title, title_key, created, updated) "
                "VALUES ('note', '2026-04-01', 'n', 'n', 'x', 'x')"
            )
        assert cur.lastrowid == 8
        assert store.scalar("SELECT version FROM entries WHERE id = 1") == 1
        assert store.integrity_ok()
    finally:
        store.close()


def _corrupt(path: Path) -> None:
    """Overwrite one page in the middle of the file, as a failing disk would."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    middle = (len(data) // page // 2) * page
    data[middle : middle + page] = b"\xa5" * page
    path.write_bytes(bytes(data))


def test_a_damaged_database_is_refused_for_writes_with_the_way_out(tmp_path):
    home = tmp_path / "ws"
    with Workspace(home, auto_index=False) as ws:
        for i in range(300):
            ws.journal.create(title=f"Note {i}", body="Some words to fill pages. " * 40)
    _corrupt(home / DB_NAME)
    with Workspace(home, auto_index=False) as ws:
        assert ws.store.damage
        with pytest.raises(DatabaseDamaged, match=r"damaged.*will not write.*backup"):
            ws.journal.create(title="More", body="would make it worse")
    run = subprocess.run(
        [sys.executable, "-m", "pkm", "--home", str(home), "journal", "add", "More words"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert "damaged" in run.stderr and "unexpected" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_a_full_disk_is_said_plainly_and_never_advises_a_backup(ws):
    note = ws.journal.create(title="Plan", body="short")
    pages = ws.store.scalar("PRAGMA page_count")
    ws.store.conn.execute(f"PRAGMA max_page_count={pages}")  # SQLite's own SQLITE_FULL
    with pytest.raises(DiskFull) as caught:
        ws.journal.save(note.id, body="A long reflection. " * 5000)
    message = str(caught.value)
    assert "full" in message and "backup" not in message.lower()
    assert ws.journal.get(note.id).body == "short"  # nothing half-written


def test_concurrent_cli_writers_all_succeed_exactly_once(tmp_path):
    """4 processes adding at once: every committed write reports success (exit 0)."""
    home = tmp_path / "ws"
    Workspace(home, auto_index=False).close()
    script = (
        "import sys\n"
        "from pkm.cli import main\n"
        "for i in range(int(sys.argv[2])):\n"
        "    try:\n"
        "        main(['--home', sys.argv[1], 'journal', 'add', f'note {sys.argv[3]}-{i}'])\n"
        "    except SystemExit as e:\n"
        "        if e.code:\n"
        "            print('exit', e.code, file=sys.stderr)\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(home), "25", str(p)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in range(4)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert "".join(errors) == ""
    with Workspace(home, auto_index=False) as ws:
        assert ws.journal.count() == 100


def test_a_save_over_a_newer_version_merges_both(ws):
    entry = ws.journal.create(title="Day", body="Morning thoughts.\n")
    # Another process appends a clip while the window still holds the old version.
    ws.journal.save(entry.id, body="Morning thoughts.\n\n> A quote\n")
    result = ws.journal.save_edit(entry.id, base=entry, body="Morning thoughts.\nMy reflection.\n")
    assert result.merged and not result.conflict
    body = ws.journal.get(entry.id).body
    assert "My reflection." in body and "> A quote" in body


def test_a_conflicting_save_keeps_the_users_text_and_the_other_in_history(ws):
    entry = ws.journal.create(title="Day", body="The plan is A.\n")
    ws.journal.save(entry.id, body="The plan is B.\n")
    result = ws.journal.save_edit(entry.id, base=entry, body="The plan is C.\n")
    assert result.conflict
    assert ws.journal.get(entry.id).body == "The plan is C.\n"
    assert any(r.body == "The plan is B.\n" for r in ws.journal.revisions(entry.id))


def test_a_threads_connection_is_closed_when_the_thread_ends(ws):
    """Network threads come and go while the window is open: no connection piles up."""
    before = ws.store.connections()

    def use() -> None:
        ws.journal.count()

    for _ in range(20):
        t = threading.Thread(target=use)
        t.start()
        t.join()
    assert ws.store.connections() == before
