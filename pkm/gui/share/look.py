"""Small drawn pieces of the Share stage: a kind's badge, text with a tone.

Colours come from the palette (theme.py), so light and dark both work; a
badge is a rounded square with one or two letters, recognisable at a glance
in the Publish menu and the targets list without shipping brand logos.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from pkm.gui import theme
from pkm.gui.share.kinds import info

Role = QPalette.ColorRole
LINE_ROLE = Qt.ItemDataRole.UserRole + 1  # a kind's one-line explanation

#: Hue per kind, so Slack and the blog differ at a glance (muted; lightness follows the palette).
HUES = {
    "wordpress": 205,
    "micropub": 160,
    "metaweblog": 190,
    "slack": 330,
    "teams": 245,
    "mattermost": 220,
    "viva-engage": 265,
    "mastodon": 280,
    "matrix": 140,  # Element's green
    "email": 30,
    "folder": 45,
}


def badge_color(kind: str, palette: QPalette) -> QColor:
    hue = HUES.get(kind, 0)
    dark = theme.is_dark(palette)
    return QColor.fromHsl(hue, 110 if hue else 0, 150 if dark else 95)


def badge_icon(kind: str, palette: QPalette, size: int = 20) -> QIcon:
    """The kind's letters on a rounded square of its colour."""
    pm = QPixmap(size * 2, size * 2)
    pm.setDevicePixelRatio(2.0)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(badge_color(kind, palette))
    p.drawRoundedRect(QRectF(0, 0, size, size), size * 0.25, size * 0.25)
    text = info(kind).badge or kind[:1].upper()
    f = QFont()
    f.setBold(True)
    f.setPixelSize(int(size * (0.55 if len(text) == 1 else 0.42)))
    p.setFont(f)
    p.setPen(QColor("#111111") if theme.is_dark(palette) else QColor("#ffffff"))
    p.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, text)
    p.end()
    return QIcon(pm)


def tone_color(tone: str, palette: QPalette) -> QColor:
    """ "ok" green, "error" red, "" the subtle grey: mixed into the palette, never loud."""
    base = palette.color(Role.WindowText)
    if tone == "ok":
        return theme.mix(QColor(20, 140, 60), base, 0.15)
    if tone == "error":
        return theme.mix(QColor(200, 40, 40), base, 0.1)
    return theme.subtle(palette)


class KindDelegate(QStyledItemDelegate):
    """A kind in the Add target list: its badge, its name in bold, its one line below."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(option.rect.width(), option.fontMetrics.height() * 2 + 14)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        name, line, opt.text = opt.text, str(index.data(LINE_ROLE) or ""), ""
        opt.icon = QIcon()
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        pal = opt.palette
        text = pal.color(Role.HighlightedText if selected else Role.Text)
        r = opt.rect.adjusted(8, 6, -8, -6)
        fm = opt.fontMetrics
        painter.save()
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(icon, QIcon):
            icon.paint(painter, QRect(r.left(), r.top() + (r.height() - 26) // 2, 26, 26))
        left = r.left() + 36
        width = r.right() - left
        bold = QFont(opt.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        painter.drawText(
            QRect(left, r.top(), width, fm.height()), int(Qt.AlignmentFlag.AlignLeft), name
        )
        painter.setFont(opt.font)
        painter.setPen(text if selected else theme.subtle(pal))
        elided = fm.elidedText(line, Qt.TextElideMode.ElideRight, width)
        painter.drawText(
            QRect(left, r.top() + fm.height() + 2, width, fm.height()),
            int(Qt.AlignmentFlag.AlignLeft),
            elided,
        )
        painter.restore()
