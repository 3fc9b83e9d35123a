"""The middle pane of Seek: the articles of the chosen view, a page at a time.

The model asks for the next page only when the list scrolls near its end
(Qt's canFetchMore/fetchMore), so a feed with 10,000 articles opens as fast
as one with ten. Reading and starring update the row at once; the write
follows on the writer thread.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from pkm.core.feeds.model import Item
from pkm.gui import theme
from pkm.gui.seek.ops import Page
from pkm.gui.seek.views import View, age

ITEM = Qt.ItemDataRole.UserRole
Index = QModelIndex | QPersistentModelIndex
Loader = Callable[[View, bool, int], None]  # view, unread only, offset: asks for a page


class ItemsModel(QAbstractListModel):
    """Rows are core Items; pages arrive through :meth:`add_page`."""

    page_added = Signal(object)  # Page

    def __init__(self, loader: Loader, parent: Any = None) -> None:
        super().__init__(parent)
        self._loader = loader
        self.items: list[Item] = []
        self.view: View | None = None
        self.unread_only = True
        self.loading = False
        self.done = True

    def reset(self, view: View, unread_only: bool) -> None:
        self.beginResetModel()
        self.items = []
        self.view, self.unread_only = view, unread_only
        self.done, self.loading = False, True
        self.endResetModel()
        self._loader(view, unread_only, 0)

    def add_page(self, page: Page) -> None:
        if page.view != self.view or page.unread_only != self.unread_only:
            return  # an answer for a view no longer shown
        if page.offset != len(self.items):
            return
        self.loading = False
        self.done = page.done
        known = {i.id for i in self.items}
        new = [i for i in page.items if i.id not in known]
        if new:
            self.beginInsertRows(QModelIndex(), len(self.items), len(self.items) + len(new) - 1)
            self.items.extend(new)
            self.endInsertRows()
        self.page_added.emit(page)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self.done and not self.loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if self.canFetchMore(parent) and self.view is not None:
            self.loading = True
            self._loader(self.view, self.unread_only, len(self.items))

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.title or "(untitled)"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.title}\n{item.feed_title}"
        if role == ITEM:
            return item
        return None

    def row_of(self, item_id: int) -> int:
        return next((n for n, i in enumerate(self.items) if i.id == item_id), -1)

    def update(self, item_id: int, **flags: bool) -> Item | None:
        """Change read/starred of one row in place (an optimistic update)."""
        row = self.row_of(item_id)
        if row < 0:
            return None
        self.items[row] = dataclasses.replace(self.items[row], **flags)
        index = self.index(row, 0)
        self.dataChanged.emit(index, index)
        return self.items[row]

    def mark_all(self, ids: set[int] | None = None) -> None:
        for n, item in enumerate(self.items):
            if not item.read and (ids is None or item.id in ids):
                self.items[n] = dataclasses.replace(item, read=True)
        if self.items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.items) - 1, 0))


class ItemDelegate(QStyledItemDelegate):
    """Two lines: an unread dot, the title (bold while unread) and a star; then feed · age."""

    def __init__(self, now: Callable[[], dt.datetime], parent: Any = None) -> None:
        super().__init__(parent)
        self._now = now

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(option.rect.width(), option.fontMetrics.height() * 2 + 18)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        item: Item | None = index.data(ITEM)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        if opt.widget is not None:
            opt.widget.style().drawControl(
                QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget
            )
        if item is None:
            return
        pal = opt.palette
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        fg = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        sub = fg if selected else theme.subtle(pal)
        accent = fg if selected else pal.color(QPalette.ColorRole.Highlight)
        fm = opt.fontMetrics
        r = opt.rect.adjusted(22, 7, -10, -7)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not item.read:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(accent)
            painter.drawEllipse(QPointF(opt.rect.left() + 11, r.top() + fm.height() / 2), 4, 4)
        star_w = fm.horizontalAdvance("★") + 6
        if item.starred:
            painter.setPen(accent)
            painter.drawText(
                QRect(r.right() - star_w, r.top(), star_w, fm.height()),
                int(Qt.AlignmentFlag.AlignRight), "★",
            )  # fmt: skip
        title_font = QFont(opt.font)
        title_font.setBold(not item.read)
        painter.setFont(title_font)
        painter.setPen(fg if not item.read or selected else theme.mix(fg, sub, 0.4))
        tfm = painter.fontMetrics()
        width = r.width() - star_w
        painter.drawText(
            QRect(r.left(), r.top(), width, fm.height()), int(Qt.AlignmentFlag.AlignLeft),
            tfm.elidedText(item.title or "(untitled)", Qt.TextElideMode.ElideRight, width),
        )  # fmt: skip
        painter.setFont(opt.font)
        painter.setPen(sub)
        when = age(item.published or item.sort_at, self._now())
        when_w = fm.horizontalAdvance(when) + 4
        bottom = QRect(r.left(), r.top() + fm.height() + 4, r.width(), fm.height())
        painter.drawText(bottom, int(Qt.AlignmentFlag.AlignRight), when)
        painter.drawText(
            bottom.adjusted(0, 0, -when_w - 8, 0), int(Qt.AlignmentFlag.AlignLeft),
            fm.elidedText(item.feed_title, Qt.TextElideMode.ElideRight, r.width() - when_w - 8),
        )  # fmt: skip
        painter.restore()


class ItemList(QWidget):
    """The heading (view and count), the "Unread only" switch and the list."""

    unread_only_toggled = Signal(bool)

    def __init__(
        self, loader: Loader, now: Callable[[], dt.datetime], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 6, 0, 0)
        lay.setSpacing(4)
        top = QHBoxLayout()
        top.setContentsMargins(12, 0, 10, 0)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)  # a feed's or folder's name
        self.heading.setObjectName("seekListHeading")
        f = self.heading.font()
        f.setBold(True)
        self.heading.setFont(f)
        self.unread_only = QCheckBox("Unread only")
        self.unread_only.setChecked(True)
        self.unread_only.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.unread_only.setToolTip("Show only the articles you have not read yet")
        self.unread_only.toggled.connect(self.unread_only_toggled)
        top.addWidget(self.heading, 1)
        top.addWidget(self.unread_only)
        lay.addLayout(top)
        self.model = ItemsModel(loader, self)
        self.view = _List(self)
        self.view.setModel(self.model)
        self.view.setItemDelegate(ItemDelegate(now, self.view))
        lay.addWidget(self.view, 1)

    def selected_row(self) -> int:
        """The chosen row, or -1. Selection, not Qt's "current" index: a list that gets the
        keyboard makes its first row current by itself, and that must not open (and mark
        read) an article nobody chose."""
        rows = self.view.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def current_item(self) -> Item | None:
        row = self.selected_row()
        return self.model.items[row] if 0 <= row < len(self.model.items) else None

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)


class _List(QListView):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.empty_text = ""
        self.setUniformItemSizes(True)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)

    def keyboardSearch(self, search: str) -> None:
        """Letters are Seek's keys (j, k, s...), not "jump to a title starting with"."""

    def paintEvent(self, event) -> None:  # type: ignore[override]
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0 and self.empty_text:
            p = QPainter(self.viewport())
            p.setPen(theme.subtle(self.palette()))
            r = self.viewport().rect().adjusted(14, 14, -14, -14)
            flags = (
                Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
            )
            p.drawText(r, int(flags), self.empty_text)
            p.end()
