"""The folder watch wakes the sync for notes only, never for temp or hidden files."""

from __future__ import annotations

import threading
from pathlib import Path

from pkm.core.vault.watch import FolderWatch, is_note_event


def test_which_paths_are_notes(tmp_path: Path) -> None:
    root = tmp_path
    assert is_note_event(root, str(root / "Plan.md"))
    assert is_note_event(root, str(root / "Projects" / "Plan.md"))
    for other in (
        ".stfolder/x.md", ".stversions/Plan~20261202.md", ".obsidian/workspace.json",
        ".syncthing.Plan.md.tmp", "~syncthing~Plan.md.tmp", ".Plan.md.abc123",
        "Plan.md.swp", "media/" + "a" * 64 + ".png", "Plan.md~",
    ):  # fmt: skip
        assert not is_note_event(root, str(root / other)), other
    assert not is_note_event(root, "/elsewhere/Plan.md")


def test_a_note_written_wakes_it_and_a_temp_file_does_not(tmp_path: Path) -> None:
    woke = threading.Event()
    watch = FolderWatch(tmp_path, woke.set)
    try:
        (tmp_path / ".syncthing.Plan.md.tmp").write_text("x")
        assert not woke.wait(0.5)
        (tmp_path / "Plan.md").write_text("x")
        assert woke.wait(10)
    finally:
        watch.stop()
