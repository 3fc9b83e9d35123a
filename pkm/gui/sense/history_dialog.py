"""Revision history: earlier versions of an entry, shown and restored.

Restoring keeps the current text as a revision first (the core does that),
so a restore can itself be undone from this same dialog.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
)

from pkm.core.journal import Entry, Revision
from pkm.gui.sense.preview import Preview
from pkm.gui.stage import GuiContext
from pkm.gui.widgets import Hint

#: Why each version was kept, in the words of what happened (the reason is stored by
#: pkm.core.journal with the revision). A revision of reason "close" is the text as it
#: was when the editor moved on (another entry, a new note, quitting): "as you left it",
#: never "when closed" when nothing was closed.
REASONS = {
    "edit": "saved while editing",
    "autosave": "autosaved",
    "close": "as you left it",
    "restore": "before restore",
    "import": "before import",
    "vault": "from the vault",
    "merge": "before merging a change made elsewhere",
    "conflict": "the other side of a conflict",
    "clip": "before a clip was added",
    "link renamed": "before a link was renamed",
    "command line": "before an edit from the command line",
}


def describe(rev: Revision) -> str:
    try:
        when = dt.datetime.fromisoformat(rev.saved_at).astimezone()
        stamp = f"{when:%a} {when.day} {when:%b %Y, %H:%M}"
    except ValueError:
        stamp = rev.saved_at
    return f"{stamp}  ({REASONS.get(rev.reason, rev.reason)})"


class HistoryDialog(QDialog):
    def __init__(self, ctx: GuiContext, entry: Entry, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entry = entry
        self.revisions: list[Revision] = []
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"History of “{entry.title}”")
        self.resize(860, 560)
        lay = QVBoxLayout(self)
        lay.addWidget(
            Hint(
                "pkm keeps earlier versions while you write. Pick one to read it; "
                "“Restore this version” brings it back and keeps today's text as a version too."
            )
        )
        split = QSplitter()
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._show)
        self.preview = Preview(media_home=ctx.ws.home)
        self.preview.setPlaceholderText("Loading the versions…")
        split.addWidget(self.list)
        split.addWidget(self.preview)
        split.setSizes([300, 560])
        lay.addWidget(split, 1)
        row = QHBoxLayout()
        self.restore_button = QPushButton("Restore this version")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        row.addWidget(buttons)
        lay.addLayout(row)
        ctx.ops.revisions(entry.id, self._loaded, owner=self)

    def _loaded(self, revisions: list[Revision]) -> None:
        self.revisions = revisions
        self.list.clear()
        for rev in revisions:
            item = QListWidgetItem(describe(rev))
            item.setData(Qt.ItemDataRole.UserRole, rev.id)
            self.list.addItem(item)
        if revisions:
            self.list.setCurrentRow(0)
        else:
            self.preview.setPlaceholderText(
                "No earlier versions yet. pkm keeps one every few minutes while you write, "
                "and one each time you close the entry."
            )

    def _show(self, row: int) -> None:
        self.restore_button.setEnabled(0 <= row < len(self.revisions))
        if 0 <= row < len(self.revisions):
            rev = self.revisions[row]
            self.ctx.ops.render(f"# {rev.title}\n\n{rev.body}", self.preview.show_html, owner=self)

    def restore_selected(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.revisions):
            return
        rev = self.revisions[row]
        status = self.ctx.status
        self.ctx.ops.restore_revision(
            rev,
            on_done=lambda _id: status.show_message(f"Restored the version from {describe(rev)}."),
        )
        self.accept()
