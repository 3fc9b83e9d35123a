"""A rebuild in a child process (search/child.py): the new index replaces the old one
only when complete, searches use the old one meanwhile, Cancel and failures leave it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pkm.core import indexing
from pkm.core.errors import IndexBusy, StorageError
from pkm.core.search import IndexDoc, SearchIndex
from pkm.core.search.child import build_in_child


def _notes(ws, n: int) -> None:
    for i in range(n):
        ws.journal.create(kind="note", title=f"Board meeting {i}", body=f"Trust and networks {i}")


def test_a_big_rebuild_runs_in_a_child_and_is_used_at_once(ws, monkeypatch) -> None:
    _notes(ws, 30)
    monkeypatch.setattr(indexing, "CHILD_MIN_DOCS", 10)  # this small journal counts as big
    seen: list[tuple[int, int | None]] = []
    n = ws.search.rebuild(progress=lambda done, total: seen.append((done, total)))
    assert n == ws.search.total_docs() >= 30
    assert not ws.search.needs_rebuild()  # stamped: it belongs to this database
    assert ws.search.search("board trust").total == 30
    assert seen and seen[-1] == (n, n)  # the child's last count reached the window
    assert not (ws.home / "index.new").exists() and not (ws.home / "index.old").exists()
    # later saves reach the swapped-in index as before
    ws.journal.create(kind="note", title="Offsite", body="zanzibar retreat")
    ws.search.sync()
    assert ws.search.search("zanzibar").total == 1


def test_cancel_leaves_the_old_index_in_use(ws) -> None:
    _notes(ws, 5)
    ws.search.rebuild(in_child=False)
    before = ws.search.search("board").total
    calls = []

    def cancel() -> bool:  # after the child has started and said something
        calls.append(1)
        return len(calls) > 3

    assert ws.search.rebuild(in_child=True, cancel=cancel) == 0
    assert not ws.search.needs_rebuild()
    assert ws.search.search("board").total == before == 5
    assert not (ws.home / "index.new").exists()


def test_no_other_writer_drains_into_the_index_being_replaced(ws) -> None:
    """Another pkm (the CLI) gets IndexBusy while a child rebuild runs, so the
    changes it would apply stay queued for after the swap."""
    _notes(ws, 3)
    ws.search.rebuild(in_child=False)
    other = SearchIndex(ws.home / "index")
    doc = IndexDoc("entry:999", ("entry",), "Late", "written meanwhile", "2026-03-01")
    busy = []

    def cancel() -> bool:
        if not busy:
            with pytest.raises(IndexBusy):
                other.update([doc])
            busy.append(True)
        return False

    ws.search.rebuild(in_child=True, cancel=cancel)
    assert busy
    other.close()
    assert other.update([doc])  # once the rebuild is done, writes go on
    other.close()


def test_files_that_are_not_the_index_stay_in_its_folder(ws) -> None:
    _notes(ws, 3)
    ws.search.rebuild(in_child=False)
    (ws.home / "index" / "notes.txt").write_text("mine")
    ws.search.rebuild(in_child=True)
    assert (ws.home / "index" / "notes.txt").read_text() == "mine"
    assert ws.search.search("board").total == 3


def broken_docs(n: int) -> Iterator[IndexDoc]:
    """Documents for the child, then a failure (a damaged row, say)."""
    for i in range(n):
        yield IndexDoc(f"entry:{i}", ("entry",), f"Title {i}", "words", "2026-01-01")
    raise ValueError("row 3 could not be read")


def test_a_failure_in_the_child_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    live = SearchIndex(tmp_path / "index")
    live.rebuild([IndexDoc("entry:1", ("entry",), "Kept", "still here", "2026-01-01")])
    target = tmp_path / "index.new"
    with pytest.raises(StorageError, match="row 3 could not be read") as err:
        build_in_child(target, broken_docs, (3,))
    assert "\n" not in str(err.value) and "Your notes are not affected" in str(err.value)
    assert not target.exists()
    assert live.search("kept").total == 1
    live.close()


def good_docs(n: int) -> Iterator[IndexDoc]:
    for i in range(n):
        yield IndexDoc(f"item:{i}", ("item",), f"Story {i}", "feeds and readers", "2026-02-01")


def test_adopt_swaps_a_complete_index_in(tmp_path: Path) -> None:
    live = SearchIndex(tmp_path / "index")
    live.rebuild([IndexDoc("entry:1", ("entry",), "Old", "old words", "2026-01-01")])
    assert build_in_child(tmp_path / "index.new", good_docs, (4,), total=4) == 4
    live.adopt(tmp_path / "index.new")
    assert live.search("old").total == 0
    assert live.search("readers").total == 4
    live.close()
