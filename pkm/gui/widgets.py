"""Small shared widgets: section headings, hints, and lists of entries.

An empty list is where a first-time user gets stuck, so every list here
draws a sentence saying what would appear and how to make it appear.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from pkm.core.journal import Entry
from pkm.gui import theme

ENTRY_ID = Qt.ItemDataRole.UserRole
SUBTITLE = Qt.ItemDataRole.UserRole + 1

KIND_LABELS = {
    "daily": "Daily entry",
    "note": "Note",
    "clip": "Clip",
    "post": "Post",
    "item": "Article",
}


def heading(text: str, parent: QWidget | None = None) -> QLabel:
    """A small bold section heading, like the ones in Apple Notes' sidebar."""
    label = QLabel(text, parent)
    f = label.font()
    f.setBold(True)
    f.setPointSizeF(f.pointSizeF() * 0.95)
    label.setFont(f)
    label.setContentsMargins(2, 8, 0, 2)
    return label


class Hint(QLabel):
    """Secondary text in the palette's subtle colour (follows light/dark)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self._recolor()

    def _recolor(self) -> None:
        pal = QPalette()  # only this role is set: the rest still follows the window
        pal.setColor(QPalette.ColorRole.WindowText, theme.subtle(QGuiApplication.palette()))
        self.setPalette(pal)

    def _relayout(self) -> None:
        """Links take the link colour of the palette when the text is laid out; QLabel
        skips a setText of the same text, so clear it first."""
        if self.textFormat() != Qt.TextFormat.PlainText and self.text():
            text = self.text()
            self.clear()
            self.setText(text)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._recolor()
        elif event.type() == QEvent.Type.PaletteChange:  # after the new colours resolved
            self._relayout()


class _EntryDelegate(QStyledItemDelegate):
    """Two lines per entry: the title, then kind and tags in the subtle colour."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        fm = option.fontMetrics
        return QSize(option.rect.width(), fm.height() * 2 + 14)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        pal = opt.palette
        text_color = pal.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        sub_color = text_color if selected else theme.subtle(pal)
        r = opt.rect.adjusted(8, 6, -8, -6)
        fm = opt.fontMetrics
        painter.save()
        bold = QFont(opt.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_color)
        top = QRect(r.left(), r.top(), r.width(), fm.height())
        painter.drawText(
            top,
            Qt.AlignmentFlag.AlignLeft,
            fm.elidedText(title, Qt.TextElideMode.ElideRight, r.width()),
        )
        painter.setFont(opt.font)
        painter.setPen(sub_color)
        sub = str(index.data(SUBTITLE) or "")
        bottom = QRect(r.left(), r.top() + fm.height() + 2, r.width(), fm.height())
        painter.drawText(
            bottom,
            Qt.AlignmentFlag.AlignLeft,
            fm.elidedText(sub, Qt.TextElideMode.ElideRight, r.width()),
        )
        painter.restore()


def entry_subtitle(entry: Entry, *, with_day: bool = False) -> str:
    parts = [KIND_LABELS.get(entry.kind, entry.kind)]
    if with_day:
        parts.insert(0, entry.day)
    if entry.tags:
        parts.append(" ".join("#" + t for t in entry.tags[:4]))
    return " · ".join(parts)


class EntryList(QListWidget):
    """A list of entries; activating one (click or Enter) emits its id."""

    entry_activated = Signal(int)

    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_text = empty_text
        self.setItemDelegate(_EntryDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QListWidget.Shape.NoFrame)
        self.setUniformItemSizes(True)
        self.itemClicked.connect(self._emit)
        self.itemActivated.connect(self._emit)

    def _emit(self, item: QListWidgetItem) -> None:
        entry_id = item.data(ENTRY_ID)
        if entry_id is not None:
            self.entry_activated.emit(int(entry_id))

    def set_entries(
        self, entries: Iterable[Entry], subtitle: Callable[[Entry], str] = entry_subtitle
    ) -> None:
        self.clear()
        for e in entries:
            item = QListWidgetItem(e.title or "Untitled")
            item.setData(ENTRY_ID, e.id)
            item.setData(SUBTITLE, subtitle(e))
            item.setToolTip(e.title)
            self.addItem(item)
        self.viewport().update()

    def ids(self) -> list[int]:
        return [int(self.item(i).data(ENTRY_ID)) for i in range(self.count())]

    def select_id(self, entry_id: int | None) -> None:
        self.blockSignals(True)
        try:
            self.clearSelection()
            for i in range(self.count()):
                if self.item(i).data(ENTRY_ID) == entry_id:
                    self.setCurrentRow(i)
                    self.scrollToItem(self.item(i))
                    break
        finally:
            self.blockSignals(False)

    def paintEvent(self, event: QEvent) -> None:  # type: ignore[override]
        super().paintEvent(event)
        if self.count() == 0 and self.empty_text:
            p = QPainter(self.viewport())
            p.setPen(theme.subtle(self.palette()))
            r = self.viewport().rect().adjusted(8, 8, -8, -8)
            p.drawText(
                r,
                int(
                    Qt.AlignmentFlag.AlignTop
                    | Qt.AlignmentFlag.AlignLeft
                    | Qt.TextFlag.TextWordWrap
                ),
                self.empty_text,
            )
            p.end()


def confirm(parent: QWidget, title: str, text: str, yes: str, no: str = "") -> bool:
    """Ask before something that cannot be undone; the buttons say what happens (``yes``;
    ``no``, else Cancel, which is the default: Enter never destroys anything)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # names of feeds and targets are not markup
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    if no:
        box.setDefaultButton(box.addButton(no, QMessageBox.ButtonRole.RejectRole))
    else:
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
    box.exec()
    return box.clickedButton() is ok


def plain_tip(text: str) -> str:
    """A tooltip that shows `text` as it is: feed titles, authors and addresses are plain
    text, but Qt guesses rich text for tooltips (an `<h1>` in a title would become a
    heading, an `<img src="file:...">` a local picture). Escaped and marked as rich, it
    shows the characters themselves, lines kept."""
    if not text:
        return ""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"
