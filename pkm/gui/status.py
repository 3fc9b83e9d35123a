"""The status area: plain-words messages, errors, Undo, and long work with Cancel.

Errors a user can act on (PkmError) are shown as the core wrote them: one
sentence saying what was wrong and what to do. Anything else is a bug: it is
logged with its traceback and shown briefly, without a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from pkm.core.errors import PkmError
from pkm.gui.tasks import Task, TaskManager
from pkm.gui.widgets import plain_tip

log = logging.getLogger("pkm.gui")

MESSAGE_MS = 6_000
ERROR_MS = 15_000
UNDO_MS = 12_000


def describe_error(exc: BaseException) -> str:
    """The sentence the user sees for an exception."""
    if isinstance(exc, PkmError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"The computer refused a file operation{where}: {exc.strerror}."
    return (
        f"Something went wrong ({type(exc).__name__}: {exc}). "
        "Details are in the log file in the data folder."
    )


class StatusArea(QWidget):
    """Lives in the window's status bar."""

    undo_clicked = Signal()

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._undo: Callable[[], None] | None = None
        self._current: Task | None = None
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 0, 6, 0)
        lay.setSpacing(8)
        self.message = QLabel()
        # Messages carry feed titles, file names and server errors: shown as written,
        # never guessed to be rich text (a title "<img src=file:…>" must not draw).
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setObjectName("statusMessage")
        self.undo_button = QPushButton("Undo")
        self.undo_button.setVisible(False)
        self.undo_button.clicked.connect(self._on_undo)
        self.task_label = QLabel()
        self.task_label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop this work; nothing already saved is lost.")
        self.cancel_button.clicked.connect(self._on_cancel)
        lay.addWidget(self.message, 1)
        lay.addWidget(self.undo_button)
        lay.addWidget(self.task_label)
        lay.addWidget(self.progress)
        lay.addWidget(self.cancel_button)
        self._show_task_widgets(False)
        self._clear_timer = QTimer(self, singleShot=True, timeout=self.clear)
        tasks.started.connect(self._task_started)
        tasks.progressed.connect(self._task_progressed)
        tasks.finished.connect(self._task_finished)
        tasks.failed.connect(self.show_exception)

    # ---- messages -------------------------------------------------------------

    def show_message(self, text: str, timeout_ms: int = MESSAGE_MS) -> None:
        self._set(text, error=False)
        self._clear_timer.start(timeout_ms)

    def show_error(self, text: str, timeout_ms: int = ERROR_MS) -> None:
        self._set(text, error=True)
        self._clear_timer.start(timeout_ms)

    def show_exception(self, exc: BaseException) -> None:
        if not isinstance(exc, PkmError):
            log.error("unexpected error", exc_info=exc)
        self.show_error(describe_error(exc))

    def show_undo(self, text: str, undo: Callable[[], None], label: str = "Undo") -> None:
        """A message with one button: Undo (after a trash), or e.g. Open (after a clip)."""
        self._set(text, error=False)
        self._undo = undo
        self.undo_button.setText(label)
        self.undo_button.setVisible(True)
        self._clear_timer.start(UNDO_MS)

    def clear(self) -> None:
        self.message.clear()
        self.message.setToolTip("")
        self._undo = None
        self.undo_button.setVisible(False)

    def _set(self, text: str, *, error: bool) -> None:
        self._undo = None
        self.undo_button.setVisible(False)
        self.message.setText(("⚠ " if error else "") + text)
        self.message.setToolTip(plain_tip(text))
        self.message.setProperty("error", error)

    def _on_undo(self) -> None:
        undo, self._undo = self._undo, None
        self.clear()
        if undo is not None:
            undo()

    # ---- long work ----------------------------------------------------------------

    def _show_task_widgets(self, visible: bool) -> None:
        for w in (self.task_label, self.progress, self.cancel_button):
            w.setVisible(visible)

    def _task_started(self, task: Task) -> None:
        self._current = task
        self.task_label.setText(task.label + "…")
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.cancel_button.setEnabled(True)
        self._show_task_widgets(True)

    def _task_progressed(self, task: Task, done: int, total: int | None, text: str) -> None:
        if task is not self._current:
            return
        if total:
            self.progress.setRange(0, int(total))
            self.progress.setValue(min(int(done), int(total)))
            self.progress.setFormat("%p%")
        if text:
            self.task_label.setText(text)

    def _task_finished(self, task: Task) -> None:
        remaining = self._tasks.long_tasks()
        if remaining:
            self._task_started(remaining[-1])
            return
        self._current = None
        self._show_task_widgets(False)
        if task.cancel_event.is_set():
            self.show_message(f"Stopped: {task.label.lower()}.")

    def _on_cancel(self) -> None:
        if self._current is not None:
            self._tasks.cancel(self._current)
            self.cancel_button.setEnabled(False)
            self.task_label.setText("Stopping…")
