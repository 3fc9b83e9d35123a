"""The publish log: every publication, newest first, with its link.

One line per entry and target (publishing again updates the line, as it
updates the post). Clicking "Open" opens the post through the opener hook;
double-clicking the title opens the entry in Sense. A drop-down narrows
the list to one target.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pkm.gui import theme
from pkm.gui.share.look import badge_icon, tone_color
from pkm.gui.share.ops import LogRow
from pkm.gui.share.words import when
from pkm.gui.widgets import Hint, heading

WHEN, ENTRY, TARGET, RESULT, RESPONSES, LINK = range(6)
HEADERS = ("When", "Entry", "Target", "Result", "Responses", "Link")
ROW = Qt.ItemDataRole.UserRole
ALL = "All targets"


def result_text(row: LogRow) -> tuple[str, str]:
    """("Updated", "ok") / ("Failed: …", "error"): what happened, in a word or a sentence."""
    p = row.pub
    if p.state == "published":
        word = (
            "Draft saved"
            if p.status == "draft"
            else ("Updated" if row.action == "updated" else "Published")
        )
        if p.error:
            return f"{word}; the last update failed: {p.error}", "error"
        return word, "ok"
    if p.state == "pending":
        return "Sent, no answer yet: check the target before posting again", "error"
    return f"Failed: {p.error}" if p.error else "Failed", "error"


EMPTY = "Nothing published yet. Open an entry in Sense and press Publish on its toolbar."
TREE_CSS = "QTreeView::item { padding: 5px 2px; }"


class _LogTree(QTreeWidget):
    """A tree that says what will appear in it while it is empty."""

    empty_text = EMPTY

    def paintEvent(self, event) -> None:  # type: ignore[override]
        super().paintEvent(event)
        if self.topLevelItemCount() == 0:
            p = QPainter(self.viewport())
            p.setPen(theme.subtle(self.palette()))
            r = self.viewport().rect().adjusted(12, 12, -12, -12)
            flags = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
            p.drawText(r, int(flags | Qt.TextFlag.TextWordWrap), self.empty_text)
            p.end()


class PublishLogView(QWidget):
    open_link = Signal(str)
    open_entry = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[LogRow] = []
        self.now = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(heading("Publish log"))
        top.addStretch(1)
        self.filter = QComboBox(objectName="logFilter")
        self.filter.addItem(ALL)
        self.filter.currentTextChanged.connect(lambda _t: self._fill())
        top.addWidget(self.filter)
        lay.addLayout(top)
        self.tree = _LogTree(objectName="publishLog")
        self.tree.setStyleSheet(TREE_CSS)
        self.tree.setColumnCount(len(HEADERS))
        self.tree.setHeaderLabels(list(HEADERS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(ENTRY, QHeaderView.ResizeMode.Stretch)
        # Entry and Result share what is left, so at 1024 px wide the log fits its pane with
        # no sideways scrolling (a long result is elided; its tooltip has all of it).
        header.setSectionResizeMode(RESULT, QHeaderView.ResizeMode.Stretch)
        for col, width in ((WHEN, 120), (TARGET, 140), (RESPONSES, 100), (LINK, 60)):
            self.tree.setColumnWidth(col, width)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        lay.addWidget(self.tree, 1)
        self.hint = Hint(
            "Click Open to see a post where it was published; double-click an entry to open it "
            "in Sense. Publishing an entry again updates its line here, as it updates the post."
        )
        lay.addWidget(self.hint)

    def set_rows(self, rows: list[LogRow], now) -> None:
        self.rows, self.now = rows, now
        targets = sorted({r.pub.target for r in rows}, key=str.lower)
        current = self.filter.currentText()
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.addItems([ALL, *targets])
        self.filter.setCurrentText(current if current in targets else ALL)
        self.filter.blockSignals(False)
        self._fill()

    def _fill(self) -> None:
        self.tree.clear()
        chosen = self.filter.currentText()
        link_brush = QBrush(self.palette().link())
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for row in self.rows:
            p = row.pub
            if chosen not in ("", ALL) and p.target != chosen:
                continue
            text, tone = result_text(row)
            item = QTreeWidgetItem(
                [
                    when(p.published_at or p.updated, self.now),
                    row.title or "(an entry now in the trash)",
                    f"{p.target} · {row.kind_label}",
                    text,
                    row.responses,
                    "Open ↗" if p.url else "",
                ]
            )
            item.setToolTip(RESPONSES, row.responses_tip)
            item.setData(ENTRY, ROW, row)
            item.setIcon(TARGET, badge_icon(p.kind, self.palette(), 16))
            item.setToolTip(WHEN, p.published_at or p.updated)
            item.setToolTip(ENTRY, "Double-click to open this entry in Sense")
            item.setToolTip(RESULT, text)
            item.setForeground(RESULT, QBrush(tone_color(tone, self.palette())))
            item.setFont(ENTRY, bold)
            if p.url:
                item.setForeground(LINK, link_brush)
                item.setToolTip(LINK, p.url)
            self.tree.addTopLevelItem(item)
        filtered = chosen not in ("", ALL)
        self.tree.empty_text = f"Nothing published to {chosen} yet." if filtered else EMPTY
        self.tree.viewport().update()

    def item_for(self, title: str, target: str = "") -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            row: LogRow = item.data(ENTRY, ROW)
            if row.title == title and (not target or row.pub.target == target):
                return item
        return None

    def _clicked(self, item: QTreeWidgetItem, column: int) -> None:
        row: LogRow = item.data(ENTRY, ROW)
        if column == LINK and row.pub.url:
            self.open_link.emit(row.pub.url)

    def _double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        row: LogRow = item.data(ENTRY, ROW)
        if column != LINK and row.title:
            self.open_entry.emit(row.pub.entry_id)
