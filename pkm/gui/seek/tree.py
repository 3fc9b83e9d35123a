"""The left pane of Seek: smart views, then folders with their feeds, each with its unread count.

Counts are painted as a small badge (bold title when something is unread),
like NetNewsWire's sidebar. A feed whose last fetch failed shows a warning
sign and the error, in the core's plain words, as its tooltip. Reloading
updates rows in place when the list of feeds did not change, so the
selection and the folders the user opened or closed stay as they were.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QModelIndex, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from pkm.core.feeds.model import Feed
from pkm.gui import theme
from pkm.gui.seek.ops import TODAY_CAP, TreeData
from pkm.gui.seek.views import SMART, SMART_TIPS, SMART_TITLES, View, parse_stamp
from pkm.gui.widgets import plain_tip

KEY = Qt.ItemDataRole.UserRole
COUNT = Qt.ItemDataRole.UserRole + 1
ERROR = Qt.ItemDataRole.UserRole + 2


def _glyph(kind: str, palette: QPalette) -> QIcon:
    """Small line drawings in the palette's colours: a dot, a sun, a star, a folder;
    in the selection's text colour on a selected row, so they never vanish into it."""
    icon = QIcon(_draw(kind, palette, selected=False))
    icon.addPixmap(_draw(kind, palette, selected=True), QIcon.Mode.Selected)
    return icon


def _draw(kind: str, palette: QPalette, *, selected: bool, size: int = 16) -> QPixmap:
    pm = QPixmap(size * 2, size * 2)
    pm.setDevicePixelRatio(2.0)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    accent = palette.color(QPalette.ColorRole.Highlight)
    line = theme.subtle(palette)
    if selected:
        accent = line = palette.color(QPalette.ColorRole.HighlightedText)
    s = float(size)
    c = QPointF(s / 2, s / 2)
    if kind == "unread":
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(accent)
        p.drawEllipse(c, s * 0.22, s * 0.22)
    elif kind == "today":
        p.setPen(QPen(line, 1.3))
        p.drawEllipse(c, s * 0.18, s * 0.18)
        for i in range(8):
            a = i * math.pi / 4
            p.drawLine(
                QPointF(c.x() + math.cos(a) * s * 0.3, c.y() + math.sin(a) * s * 0.3),
                QPointF(c.x() + math.cos(a) * s * 0.42, c.y() + math.sin(a) * s * 0.42),
            )
    elif kind == "starred":
        p.setPen(QPen(line, 1.2))
        p.setBrush(theme.mix(palette.color(QPalette.ColorRole.Base), accent, 0.5))
        pts = []
        for i in range(10):
            r = s * (0.42 if i % 2 == 0 else 0.18)
            a = -math.pi / 2 + i * math.pi / 5
            pts.append(QPointF(c.x() + math.cos(a) * r, c.y() + 0.5 + math.sin(a) * r))
        p.drawPolygon(QPolygonF(pts))
    else:  # folder
        p.setPen(QPen(line, 1.3))
        path = QPainterPath(QPointF(s * 0.12, s * 0.28))
        path.lineTo(s * 0.4, s * 0.28)
        path.lineTo(s * 0.5, s * 0.38)
        path.lineTo(s * 0.88, s * 0.38)
        path.lineTo(s * 0.88, s * 0.8)
        path.lineTo(s * 0.12, s * 0.8)
        path.closeSubpath()
        p.drawPath(path)
    p.end()
    return pm


def feed_tooltip(feed: Feed) -> str:
    """The feed's title, address and state, as a tooltip showing them as plain text."""
    lines = [feed.title, feed.url]
    if feed.status == "gone":
        lines.append("The publisher removed this feed; pkm no longer checks it.")
    if feed.last_error:
        lines.append(f"Last problem: {feed.last_error}")
    elif feed.last_success_at:
        t = parse_stamp(feed.last_success_at)
        if t is not None:
            lines.append(f"Checked {t.astimezone():%d %b %Y, %H:%M}")
    return plain_tip("\n".join(lines))


class _Delegate(QStyledItemDelegate):
    """The row as Qt draws it, with the count in a pill on the right and bold when unread."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), option.fontMetrics.height() + 12))

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        if int(index.data(COUNT) or 0) > 0:
            option.font.setBold(True)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        count = int(index.data(COUNT) or 0)
        text = "" if count <= 0 else f"{TODAY_CAP}+" if count >= TODAY_CAP else str(count)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        fm = opt.fontMetrics
        badge_w = fm.horizontalAdvance(text) + 14 if text else 0
        opt.rect = opt.rect.adjusted(0, 0, -(badge_w + 6), 0)
        style = opt.widget.style() if opt.widget else None
        # the row background first, across the full width (selection highlight)
        full = QStyleOptionViewItem(option)
        self.initStyleOption(full, index)
        full.text, full.icon = "", QIcon()
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, full, painter, opt.widget)
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if not text:
            return
        pal = opt.palette
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        r = option.rect
        h = fm.height() + 2
        pill = QRect(r.right() - badge_w - 6, r.center().y() - h // 2 + 1, badge_w, h)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(
            theme.mix(pal.color(QPalette.ColorRole.HighlightedText), pal.color(
                QPalette.ColorRole.Highlight), 0.75)
            if selected
            else theme.accent_soft(pal, 0.28)
        )  # fmt: skip
        painter.drawRoundedRect(pill, h / 2, h / 2)
        f = QFont(opt.font)
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 0.9)
        painter.setFont(f)
        painter.setPen(
            pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        )
        painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()


class FeedTree(QTreeWidget):
    view_selected = Signal(object)  # View
    context_requested = Signal(object, object)  # View, global QPoint

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setRootIsDecorated(True)
        self.setIndentation(14)
        self.setUniformRowHeights(True)
        self.setFrameShape(QTreeWidget.Shape.NoFrame)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setItemDelegate(_Delegate(self))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context)
        self.rows: dict[str, QTreeWidgetItem] = {}
        self.data: TreeData | None = None
        self._shape: tuple = ()
        self._building = False
        self.currentItemChanged.connect(self._current_changed)
        for kind in SMART:
            row = QTreeWidgetItem([SMART_TITLES[kind]])
            row.setData(0, KEY, kind)
            row.setToolTip(0, SMART_TIPS[kind])
            row.setIcon(0, _glyph(kind, self.palette()))
            self.addTopLevelItem(row)
            self.rows[kind] = row
        self.separator = QTreeWidgetItem([""])
        self.separator.setFlags(Qt.ItemFlag.NoItemFlags)
        self.separator.setSizeHint(0, QSize(10, 10))
        self.addTopLevelItem(self.separator)

    # ---- content --------------------------------------------------------------------

    def set_data(self, data: TreeData) -> None:
        """New counts; the rows are rebuilt only if feeds or folders came or went."""
        self.data = data
        shape = (
            tuple((f.id, f.name) for f in data.folders),
            tuple((f.id, f.folder_id, f.title) for f in data.feeds),
        )
        if shape != self._shape:
            self._rebuild(data)
            self._shape = shape
        for kind, count in (("unread", data.unread), ("today", data.today),
                            ("starred", data.starred)):  # fmt: skip
            # Starred shows no badge: a number there would read as "unread".
            self.rows[kind].setData(0, COUNT, count if kind != "starred" else 0)
        self.rows["starred"].setToolTip(0, f"{SMART_TIPS['starred']}. {data.starred} starred.")
        for folder in data.folders:
            row = self.rows.get(f"folder:{folder.id}")
            if row is not None:
                row.setData(0, COUNT, folder.unread)
        warn = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for feed in data.feeds:
            row = self.rows.get(f"feed:{feed.id}")
            if row is None:
                continue
            row.setData(0, COUNT, feed.unread)
            problem = feed.last_error or ("gone" if feed.status == "gone" else "")
            row.setData(0, ERROR, problem)
            row.setIcon(0, warn if problem else QIcon())
            row.setToolTip(0, feed_tooltip(feed))
        self.viewport().update()

    def _rebuild(self, data: TreeData) -> None:
        current = self.current_view()
        collapsed = {
            key
            for key, row in self.rows.items()
            if key.startswith("folder:") and not row.isExpanded()
        }
        self._building = True
        try:
            while self.topLevelItemCount() > len(SMART) + 1:
                self.takeTopLevelItem(len(SMART) + 1)
            self.rows = {k: self.rows[k] for k in SMART}
            folder_icon = _glyph("folder", self.palette())
            folders: dict[int, QTreeWidgetItem] = {}
            for folder in data.folders:
                row = QTreeWidgetItem([folder.name])
                row.setData(0, KEY, f"folder:{folder.id}")
                row.setIcon(0, folder_icon)
                row.setToolTip(0, plain_tip(f"Folder {folder.name}: every article of its feeds"))
                self.addTopLevelItem(row)
                folders[folder.id] = row
                self.rows[f"folder:{folder.id}"] = row
            for feed in data.feeds:
                row = QTreeWidgetItem([feed.title])
                row.setData(0, KEY, f"feed:{feed.id}")
                parent = folders.get(feed.folder_id) if feed.folder_id is not None else None
                if parent is not None:
                    parent.addChild(row)
                else:
                    self.addTopLevelItem(row)
                self.rows[f"feed:{feed.id}"] = row
            for key, row in folders.items():
                row.setExpanded(f"folder:{key}" not in collapsed)
        finally:
            self._building = False
        if current is not None and current.key in self.rows:
            self.select(current, emit=False)

    def bump(self, feed_id: int | None, *, unread: int = 0, today: bool = False) -> None:
        """Adjust the counts at once when the user reads or stars (the reload confirms)."""
        keys = ["unread"] + (["today"] if today else [])
        if feed_id is not None and self.data is not None:
            keys.append(f"feed:{feed_id}")
            feed = next((f for f in self.data.feeds if f.id == feed_id), None)
            if feed is not None and feed.folder_id is not None:
                keys.append(f"folder:{feed.folder_id}")
        for key in keys:
            row = self.rows.get(key)
            if row is not None and unread:
                row.setData(0, COUNT, max(0, int(row.data(0, COUNT) or 0) + unread))
        self.viewport().update()

    # ---- selection --------------------------------------------------------------------

    def current_view(self) -> View | None:
        row = self.currentItem()
        return View.parse(row.data(0, KEY)) if row is not None else None

    def select(self, view: View, *, emit: bool = True) -> bool:
        row = self.rows.get(view.key)
        if row is None:
            return False
        if not emit:
            self.blockSignals(True)
        try:
            self.setCurrentItem(row)
        finally:
            self.blockSignals(False)
        return True

    def count(self, view: View) -> int:
        row = self.rows.get(view.key)
        return int(row.data(0, COUNT) or 0) if row is not None else 0

    def title(self, view: View) -> str:
        row = self.rows.get(view.key)
        return row.text(0) if row is not None else ""

    def feed(self, feed_id: int) -> Feed | None:
        if self.data is None:
            return None
        return next((f for f in self.data.feeds if f.id == feed_id), None)

    def _current_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if self._building or current is None:
            return
        view = View.parse(current.data(0, KEY))
        if view is not None:
            self.view_selected.emit(view)

    def changeEvent(self, event: QEvent) -> None:
        """Light/dark switched: redraw the little icons in the new colours."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            for key, row in self.rows.items():
                kind = key if key in SMART else "folder" if key.startswith("folder:") else ""
                if kind:
                    row.setIcon(0, _glyph(kind, self.palette()))

    def _context(self, pos) -> None:
        row = self.itemAt(pos)
        view = View.parse(row.data(0, KEY)) if row is not None else None
        if view is not None:
            self.context_requested.emit(view, self.viewport().mapToGlobal(pos))
