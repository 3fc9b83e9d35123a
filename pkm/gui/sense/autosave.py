"""When to save while the user types.

A crash may only lose the last couple of seconds: save IDLE_MS after typing
stops, and at least every MAX_MS while typing goes on without a pause (a
fast typist never pauses for a full second). Saving itself happens on the
writer thread; this only decides when.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

IDLE_MS = 1_000
MAX_MS = 2_500


class Autosaver(QObject):
    save_now = Signal()

    def __init__(
        self, parent: QObject | None = None, *, idle_ms: int = IDLE_MS, max_ms: int = MAX_MS
    ) -> None:
        super().__init__(parent)
        self.dirty = False
        self._idle = QTimer(self, singleShot=True, interval=idle_ms, timeout=self._fire)
        self._max = QTimer(self, singleShot=True, interval=max_ms, timeout=self._fire)

    def touched(self) -> None:
        """The text changed: restart the idle timer; start the max timer once."""
        self.dirty = True
        self._idle.start()
        if not self._max.isActive():
            self._max.start()

    def flush(self) -> None:
        """Save now if anything is unsaved (switching entries, closing, losing focus)."""
        if self.dirty:
            self._fire()

    def reset(self) -> None:
        """Forget pending changes (a new entry was loaded)."""
        self.dirty = False
        self._idle.stop()
        self._max.stop()

    def _fire(self) -> None:
        self._idle.stop()
        self._max.stop()
        if self.dirty:
            self.dirty = False
            self.save_now.emit()
