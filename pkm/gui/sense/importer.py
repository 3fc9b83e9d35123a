"""Sense's "Import…" button: Day One, Evernote or a Markdown folder, with progress and Cancel.

The action lives beside "Today" and "New note", where a journal's pages are
made, and in the menu bar as File › Import (gui/menus.py calls import_<source>).
The import runs on the writer as a long job (Operations.write with a label):
the status area shows its progress and a Cancel button, saves typed meanwhile
run between its batches, and Cancel stops after the batch being written.
Whatever was committed stays; importing the same export again carries on
where it stopped, because pkm remembers every note it imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QPushButton, QWidget

from pkm.core.changes import Change
from pkm.core.imports import Report, run_import
from pkm.gui.stage import GuiContext
from pkm.gui.tasks import Task, TaskContext

CANCELLED = (
    "Import cancelled. {n} imported before it stopped; they are kept. "
    "Import the same export again to bring in the rest."
)
DETAIL_LINES = 30  # more than a screenful helps no one; the count says the rest

#: (source, menu text, what the file dialog asks for)
SOURCES = (
    ("dayone", "Day One export (.zip)…", "Day One JSON export (*.zip)"),
    ("enex", "Evernote export (.enex)…", "Evernote export (*.enex)"),
    ("markdown", "Markdown folder or Obsidian vault…", ""),
)


class ImportButton(QPushButton):
    """A button with the three kinds of import in its menu."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__("Import…", parent)
        self.ctx = ctx
        self.task: Task | None = None
        self.last_report: Report | None = None
        self.details_box: QMessageBox | None = None
        self.setToolTip(
            "Bring in your notes from Day One, Evernote or an Obsidian vault. "
            "Importing the same export again adds nothing."
        )
        menu = QMenu(self)
        self.source_actions = {}
        for source, text, _filter in SOURCES:
            act = menu.addAction(text)
            act.triggered.connect(lambda _checked=False, s=source: self.choose_and_import(s))
            self.source_actions[source] = act
        self.setMenu(menu)
        ctx.tasks.finished.connect(self._finished)

    def choose_path(self, source: str) -> str:
        """Ask for the export (a file, or for Markdown a folder); '' when cancelled."""
        if source == "markdown":
            return QFileDialog.getExistingDirectory(self, "Import a Markdown folder or vault")
        title = dict((s, t) for s, t, _f in SOURCES)[source].rstrip("…")
        pattern = dict((s, f) for s, _t, f in SOURCES)[source]
        path, _ = QFileDialog.getOpenFileName(self, f"Import a {title}", "", pattern)
        return path

    # File › Import (gui/menus.py) calls these.
    def import_dayone(self) -> Task | None:
        return self.choose_and_import("dayone")

    def import_enex(self) -> Task | None:
        return self.choose_and_import("enex")

    def import_markdown(self) -> Task | None:
        return self.choose_and_import("markdown")

    def choose_and_import(self, source: str) -> Task | None:
        path = self.choose_path(source)
        return self.start(source, Path(path)) if path else None

    def start(self, source: str, path: Path) -> Task | None:
        """Run the import on the writer; one at a time."""
        if self.task is not None:
            self.ctx.status.show_message("An import is already running; wait for it or cancel it.")
            return None
        ws = self.ctx.ws

        def fn(job: TaskContext) -> tuple[Any, Change]:
            def progress(done: int, total: int | None, text: str) -> None:
                job.progress(done, total, f"Importing {path.name}: {text}")

            report = run_import(
                ws, source, path, progress=progress, cancelled=lambda: job.cancelled
            )
            return report, report.change

        self.setEnabled(False)
        self.task = self.ctx.ops.write(
            fn, on_done=self._done, on_error=self._failed, owner=self, quick=False,
            label=f"Importing {path.name}",
        )  # fmt: skip
        return self.task

    def _finished(self, task: Task) -> None:
        """A job cancelled before it started delivers no report: say so once the task
        manager has delivered whatever it will (on_done runs right after this signal)."""
        if task is self.task and task.cancel_event.is_set():
            QTimer.singleShot(0, self, lambda: self._cancelled_without_report(task))

    def _cancelled_without_report(self, task: Task) -> None:
        if task is self.task:
            self.task = None
            self.setEnabled(True)
            self.ctx.status.show_message(CANCELLED.format(n="No entries were"))

    def _done(self, report: Report) -> None:
        self.task = None
        self.last_report = report
        self.setEnabled(True)
        if report.cancelled:
            n = len(report.imported)
            self.ctx.status.show_message(
                CANCELLED.format(n=f"{n} {'entry was' if n == 1 else 'entries were'}")
            )
            return
        text = report.summary()
        left_out = sum(len(i.notes) for i in report.imported)
        if report.skipped or left_out:
            self.ctx.status.show_undo(
                text + " Details says what was not imported, and why.",
                self.show_details, label="Details",
            )  # fmt: skip
        else:
            self.ctx.status.show_message(text)
        if report.imported:
            self.ctx.window.open_entry.emit(report.imported[-1].entry_id)

    def show_details(self) -> QMessageBox | None:
        """The report in a window of its own (not modal: the journal stays usable)."""
        report = self.last_report
        if report is None:
            return None
        lines = [f"• {s.label}: {s.reason}." for s in report.skipped]
        lines += [f"• {i.label}: {note}" for i in report.imported for note in i.notes]
        shown = lines[:DETAIL_LINES]
        if len(lines) > DETAIL_LINES:
            shown.append(f"… and {len(lines) - DETAIL_LINES} more.")
        box = QMessageBox(
            QMessageBox.Icon.Information, "Import report", report.summary(), parent=self
        )
        box.setInformativeText("\n".join(shown))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()
        self.details_box = box
        return box

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self.setEnabled(True)
        self.ctx.status.show_exception(exc)
