"""Nothing typed in the window is lost: to another process, a full disk, or long work.

Each test failed before the change it guards (issue 10, "nothing the user wrote
is lost"); the second process is a real `pkm` command line.
"""

from __future__ import annotations

import subprocess
import sys
import threading

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from pkm.core.changes import Change


def _cli(home, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pkm", "--home", str(home), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def _type_at_end(o, text: str) -> None:
    o.editor.text.setFocus()
    o.qtbot.keyClick(o.editor.text, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    for i, line in enumerate(text.split("\n")):
        if i:
            o.qtbot.keyClick(o.editor.text, Qt.Key.Key_Return)
        o.qtbot.keyClicks(o.editor.text, line)


def test_a_cli_edit_while_typing_is_merged_not_overwritten(main_window, tmp_path):
    o = main_window
    entry_id = o.editor.entry_id
    _type_at_end(o, "\nFirst thought.")
    o.qtbot.waitUntil(lambda: "First thought." in o.saved_body(entry_id), timeout=5000)
    o.wait_idle()
    stored = o.saved_body(entry_id)
    # Another process appends a quote while the user keeps typing.
    _cli(
        tmp_path / "ws",
        "journal",
        "edit",
        str(entry_id),
        "-",
        stdin=stored + "\n\n> From the CLI\n",
    )
    _type_at_end(o, " Second thought.")
    o.editor.flush()

    def both() -> bool:
        body = o.saved_body(entry_id)
        return "From the CLI" in body and "Second thought." in body

    o.qtbot.waitUntil(both, timeout=8000)
    o.qtbot.waitUntil(lambda: "From the CLI" in o.editor.text.toPlainText(), timeout=5000)
    assert "Second thought." in o.editor.text.toPlainText()
    assert "First thought." in o.saved_body(entry_id)


def test_a_cli_edit_of_the_open_entry_is_shown_and_kept(main_window, tmp_path):
    o = main_window
    entry_id = o.editor.entry_id
    o.wait_idle()
    _cli(tmp_path / "ws", "journal", "edit", str(entry_id), "Written from the terminal.")
    o.qtbot.waitUntil(
        lambda: o.editor.text.toPlainText() == "Written from the terminal.", timeout=5000
    )
    _type_at_end(o, " And in the window.")
    o.editor.flush()
    o.qtbot.waitUntil(
        lambda: o.saved_body(entry_id) == "Written from the terminal. And in the window.",
        timeout=5000,
    )


def _writer_run(o, fn):
    done = threading.Event()
    box: list = []
    o.window.tasks.write(lambda: box.append(fn()) or done.set(), quick=True)
    assert done.wait(5)
    return box[0] if box else None


def test_a_full_disk_keeps_the_text_retries_and_asks_before_quitting(main_window):
    o = main_window
    entry_id = o.editor.entry_id
    o.wait_idle()
    store = o.ws.store
    pages = _writer_run(o, lambda: store.scalar("PRAGMA page_count"))
    _writer_run(o, lambda: store.conn.execute(f"PRAGMA max_page_count={pages}"))
    o.editor._retry_timer.setInterval(200)
    typed = "A reflection I must not lose. " * 400
    o.editor.text.insertPlainText(typed)
    o.editor.flush()
    o.qtbot.waitUntil(lambda: "Not saved: disk full" in o.editor.save_state.text(), timeout=5000)
    assert "disk" in o.window.status.message.text().lower()
    assert "safe" not in o.window.status.message.text().lower()
    assert typed in o.editor.text.toPlainText()
    # Closing asks; a click on "Keep pkm open" keeps it open.
    asked: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        keep = next(b for b in box.buttons() if b.text() == "Keep pkm open")
        assert box.defaultButton() is keep  # Enter never discards
        o.qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)

    QTimer.singleShot(200, answer)
    o.window.close()
    assert asked and "full" in asked[0].lower()
    assert o.window.isVisible()
    # Space comes back: the retry saves it with nobody clicking.
    _writer_run(o, lambda: store.conn.execute("PRAGMA max_page_count=1073741823"))
    o.qtbot.waitUntil(lambda: typed in o.saved_body(entry_id), timeout=5000)
    o.qtbot.waitUntil(lambda: o.editor.save_state.text() == "Saved", timeout=5000)


def test_a_save_never_joins_a_long_jobs_open_transaction(main_window):
    """A save queued during long work commits on its own (a kill -9 keeps it)."""
    o = main_window
    store = o.ws.store
    seen: list[bool] = []
    started = threading.Event()
    release = threading.Event()

    def long_job(ctx):
        with store.transaction() as conn:
            conn.execute("INSERT INTO templates(name, body) VALUES ('long', 'x')")
            started.set()
            release.wait(5)
            ctx.progress(1, 2)  # inside the transaction: no save may run here
        ctx.progress(2, 2)  # committed: saves run now
        return None, Change()

    o.window.ctx.ops.write(long_job, quick=False, label="Long work")
    assert started.wait(5)
    o.window.tasks.write(lambda: seen.append(store.in_transaction), quick=True)
    release.set()
    o.qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [False]


def test_an_index_sync_of_many_changes_lets_a_save_through(main_window):
    o = main_window
    store = o.ws.store
    o.wait_idle()
    with store.transaction() as conn:  # 3,000 queued documents, as after a big refresh
        conn.executemany(
            "INSERT INTO index_queue(key, seq) VALUES (?, ?)",
            [(f"entry:{1000 + i}", i + 1) for i in range(3000)],
        )
    order: list[str] = []
    o.window.tasks.write(
        lambda: (
            o.ws.search.sync(
                rebuild_if_needed=False, between_batches=o.window.tasks.let_quick_jobs_run
            )
            and order.append("sync")
        ),
        quick=False,
    )
    o.window.tasks.write(lambda: order.append("save"), quick=True)
    o.qtbot.waitUntil(lambda: len(order) == 2, timeout=10_000)
    assert order == ["save", "sync"]


def test_publish_log_writes_come_from_the_writer_thread(main_window, tmp_path):
    o = main_window
    idents: list[int] = []
    store = o.ws.store
    original = store.transaction

    def recording():
        idents.append(threading.get_ident())
        return original()

    store.transaction = recording  # type: ignore[method-assign]
    try:
        o.ws.publishing.add_target("site", "folder", url=f"file://{tmp_path / 'site'}")
        entry_id = o.editor.entry_id
        done: list = []
        o.window.tasks.background(
            lambda: o.ws.publishing.publish(entry_id, "site"), on_done=done.append
        )
        o.qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    finally:
        store.transaction = original  # type: ignore[method-assign]
    writer = o.window.tasks.writer.ident
    main = threading.get_ident()
    assert idents and {i for i in idents if i != main} == {writer}


def test_an_index_busy_in_another_process_is_retried_not_failed(main_window, monkeypatch):
    """The CLI holding Whoosh's write lock for a moment is not a broken index."""
    from pkm.core.errors import IndexBusy

    o = main_window
    o.wait_idle()
    search = o.ws.search
    real = search.sync_if_idle
    calls: list[int] = []

    def busy_once(**kw):
        calls.append(1)
        if len(calls) == 1:
            raise IndexBusy("being written by another pkm")
        return real(**kw)

    monkeypatch.setattr("pkm.gui.operations.INDEX_RETRY_MS", 50)
    monkeypatch.setattr(search, "sync_if_idle", busy_once)
    o.editor.text.insertPlainText(" #retrytag")
    o.editor.flush()
    o.qtbot.waitUntil(lambda: "#retrytag" in o.saved_body(o.editor.entry_id))
    o.qtbot.waitUntil(lambda: search.pending() == 0, timeout=5000)
    assert o.window.ops.index_status != "failed"
    assert search.search("tag:retrytag").total == 1


def test_words_typed_into_an_entry_trashed_elsewhere_are_kept(main_window, tmp_path):
    o = main_window
    entry_id = o.editor.entry_id
    o.wait_idle()
    o.editor._retry_timer.setInterval(100)
    o.editor.autosaver._idle.setInterval(60_000)  # nothing saved before the delete lands
    o.editor.autosaver._max.setInterval(60_000)
    _type_at_end(o, " Words nobody saved yet.")
    _cli(tmp_path / "ws", "journal", "delete", str(entry_id))
    o.qtbot.waitUntil(
        lambda: o.editor.entry is not None and o.editor.entry_id != entry_id, timeout=8000
    )
    kept = o.ws.journal.get(o.editor.entry_id)
    assert "Words nobody saved yet." in kept.body and kept.title.endswith("(kept)")
    assert "kept in a new note" in o.window.status.message.text()
