"""Noticing files changed in the vault folder: file-system events (watchdog), debounced
by whoever listens, with a periodic rescan as the fallback (events are lost on some
network drives and by some sync engines that swap whole folders).

The callback runs on watchdog's own thread and must only hand over (the window posts it
to the GUI thread, which restarts a timer). Events for files that are no notes (hidden
files, sync engines' and editors' temporary files, images) are dropped here, so a
sync engine writing its own ``.syncthing.*.tmp`` files wakes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from pkm.core.vault.format import ignored

_KINDS = (FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent)


def is_note_event(root: Path, path: str) -> bool:
    """A change to a note of the vault (not inside a hidden folder, not a temp file)."""
    try:
        rel = Path(os.fspath(path)).relative_to(root)
    except ValueError:
        return False
    parts = rel.parts
    if not parts or any(p.startswith(".") for p in parts[:-1]):
        return False
    return not ignored(parts[-1])


class _Handler(FileSystemEventHandler):
    def __init__(self, root: Path, on_change: Callable[[], None]) -> None:
        self.root = root
        self.on_change = on_change

    def on_any_event(self, event: FileSystemEvent) -> None:
        if not isinstance(event, _KINDS):
            return  # opened, closed, directory events: nothing to sync
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        if any(p and is_note_event(self.root, os.fsdecode(p)) for p in paths):
            self.on_change()


class FolderWatch:
    """Calls ``on_change()`` (from another thread) when a note file of ``folder`` changes."""

    def __init__(self, folder: Path, on_change: Callable[[], None]) -> None:
        self.folder = Path(folder)
        self._observer = Observer()
        self._observer.daemon = True
        self._observer.schedule(_Handler(self.folder, on_change), str(self.folder), recursive=True)
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)
