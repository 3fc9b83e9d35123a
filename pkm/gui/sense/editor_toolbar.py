"""The editor's toolbar: preview, history, export, copy as rich text, trash.

Words, not icons: an executive opening this for the first time should read
what each button does. The Share stage adds its Publish button here later
(``EditorToolbar.add_share_widget``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QSizePolicy, QToolBar, QToolButton, QWidget

from pkm.core.markdown import to_plain
from pkm.gui import clipboard
from pkm.gui.export import FORMATS

if TYPE_CHECKING:
    from pkm.core.journal import Entry
    from pkm.gui.stage import GuiContext


class Editor(Protocol):
    """What the toolbar uses of the editor it sits on (a QWidget: its parent).

    A protocol rather than EditorPane, which builds this toolbar: no import cycle.
    """

    ctx: GuiContext
    entry: Entry | None

    def flush(self) -> None: ...

    def set_preview_visible(self, visible: bool) -> None: ...

    def addAction(self, action: QAction) -> None: ...


FORMAT_NAMES = {"md": "Markdown", "html": "web page (HTML)", "pdf": "PDF", "eml": "email draft"}


def safe_filename(title: str) -> str:
    name = re.sub(r"[^\w\- ]+", "", title).strip().replace(" ", "-")
    return name[:60] or "entry"


class EditorToolbar(QToolBar):
    def __init__(self, editor: Editor) -> None:
        super().__init__(editor)  # type: ignore[arg-type]
        self.editor = editor
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setMovable(False)
        self.setFloatable(False)

        self._share_end: QAction | None = None  # the separator after the share widgets
        self.preview_action = self.addAction("Preview")
        self.preview_action.setCheckable(True)
        self.preview_action.setToolTip(
            "Show the text as it will be exported or published, beside what you type"
        )
        self.preview_action.toggled.connect(editor.set_preview_visible)

        self.history_action = self.addAction("History…", self.show_history)
        self.history_action.setToolTip("Earlier versions of this entry; bring one back")

        self.export_menu = QMenu("Export", self)
        for fmt in FORMATS:
            act = self.export_menu.addAction(f"As {FORMAT_NAMES[fmt]}…")
            act.triggered.connect(lambda _=False, f=fmt: self.ask_export(f))
        export_button = QToolButton(self)
        export_button.setText("Export")
        export_button.setMenu(self.export_menu)
        export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        export_button.setToolTip("Save this entry as a Markdown, web page or PDF file")
        self.addWidget(export_button)

        self.copy_action = QAction("Copy as rich text", self)
        self.copy_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.copy_action.setToolTip(
            "Copy the formatted entry, ready to paste into an email or a LinkedIn post (Ctrl+Shift+C)"
        )
        self.copy_action.triggered.connect(self.copy_rich_text)
        editor.addAction(self.copy_action)
        self.addAction(self.copy_action)

        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._spacer_action = self.addWidget(spacer)
        self.trash_action = self.addAction("Move to trash", self.move_to_trash)
        self.trash_action.setToolTip("Move this entry to the trash (you can undo)")

    def add_share_widget(self, widget: QWidget) -> None:
        """Where the Share stage puts Share this… and Publish: first, so a narrow window
        folds Preview, History and Export into the toolbar's » before them (the reason to
        write is to share), and far from Move to trash."""
        if self._share_end is None:
            self._share_end = self.insertSeparator(self.preview_action)
        self.insertWidget(self._share_end, widget)

    # ---- actions ------------------------------------------------------------------

    def show_history(self) -> None:
        from pkm.gui.sense.history_dialog import HistoryDialog

        entry = self.editor.entry
        if entry is None:
            return
        self.editor.flush()
        HistoryDialog(self.editor.ctx, entry, self.editor).open()

    def ask_export(self, fmt: str) -> None:
        entry = self.editor.entry
        if entry is None:
            return
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        start = str(Path(docs or Path.home()) / f"{safe_filename(entry.title)}.{fmt}")
        path, _ = QFileDialog.getSaveFileName(
            self, f"Export as {FORMAT_NAMES[fmt]}", start, FORMATS[fmt]
        )
        if path:
            self.export_to(fmt, Path(path))

    def export_to(self, fmt: str, path: Path) -> None:
        """Save first, then write the saved entry to ``path`` on a worker thread."""
        ed = self.editor
        if ed.entry is None:
            return
        ed.flush()
        status = ed.ctx.status

        def write(entry) -> None:
            ed.ops.export_entry(
                entry,
                fmt,
                path,
                on_done=lambda p: status.show_message(f"Exported to {p}."),
                on_error=status.show_exception,
            )

        ed.ops.load_entry(ed.entry.id, write, owner=ed)

    def copy_rich_text(self) -> None:
        """text/html for email and LinkedIn, text/plain for everything else."""
        ed = self.editor
        if ed.entry is None:
            return
        title, body = ed.title_edit.text().strip(), ed.text.toPlainText()

        def rendered(html: str) -> None:
            heading = f"<h1>{_escape(title)}</h1>\n" if title else ""
            plain = (title + "\n\n" if title else "") + to_plain(body)
            clipboard.copy_rich_text(heading + html, plain)
            ed.ctx.status.show_message(
                "Copied. Paste it into an email or a post; the formatting comes along."
            )

        ed.ops.render(body, rendered, owner=self)

    def move_to_trash(self) -> None:
        ed = self.editor
        entry = ed.entry
        if entry is None:
            return
        ops, status = ed.ops, ed.ctx.status

        def undo() -> None:
            ops.restore_entry(entry.id, on_done=lambda _id: ed.open_entry_requested.emit(entry.id))

        ed.close_entry()
        ops.delete_entry(
            entry.id,
            on_done=lambda _id: status.show_undo(f"Moved “{entry.title}” to the trash.", undo),
        )


def _escape(text: str) -> str:
    import html

    return html.escape(text)
