"""Colours and small drawn icons, all derived from the current palette.

Qt 6 follows the system's light or dark scheme; nothing here hard-codes a
colour, so every custom touch (calendar marks, preview CSS, icons) follows
it too. Widgets call these again on ``QEvent.PaletteChange``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap

Role = QPalette.ColorRole


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved ``t`` of the way towards ``b`` (0..1)."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(Role.Window).lightness() < 128


def subtle(palette: QPalette) -> QColor:
    """Secondary text (dates, kinds, hints): between text and background."""
    return mix(palette.color(Role.WindowText), palette.color(Role.Window), 0.45)


def accent_soft(palette: QPalette, strength: float = 0.22) -> QColor:
    """The highlight colour faded into the base: marks that do not shout."""
    return mix(palette.color(Role.Base), palette.color(Role.Highlight), strength)


def css_color(c: QColor) -> str:
    return c.name(QColor.NameFormat.HexRgb)


def preview_css(palette: QPalette) -> str:
    """The Markdown preview's style sheet (Qt's rich text subset of CSS)."""
    text = palette.color(Role.Text)
    quote = subtle(palette)
    code_bg = mix(palette.color(Role.Base), text, 0.07)
    link = palette.color(Role.Link)
    return (
        f"body{{color:{css_color(text)};}}"
        f"a{{color:{css_color(link)};text-decoration:none;}}"
        f"blockquote{{color:{css_color(quote)};margin-left:12px;}}"
        f"code,pre{{background-color:{css_color(code_bg)};}}"
        f"th,td{{padding:3px 8px;border-color:{css_color(quote)};}}"
        "h1{font-size:x-large;} h2{font-size:large;} h3{font-size:medium;}"
        "p{margin-top:4px;margin-bottom:8px;}"
    )


# ---- icons ---------------------------------------------------------------------

Draw = Callable[[QPainter, float], None]


def _pixmap(draw: Draw, color: QColor, size: int) -> QPixmap:
    pm = QPixmap(size * 2, size * 2)
    pm.setDevicePixelRatio(2.0)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(color, max(1.6, size / 13))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    draw(p, float(size))
    p.end()
    return pm


def _seek(p: QPainter, s: float) -> None:
    """A feed: a dot and two waves (what RSS readers use)."""
    x0, y0 = s * 0.22, s * 0.78
    p.save()
    p.setBrush(p.pen().color())
    p.drawEllipse(QPointF(x0 + s * 0.04, y0 - s * 0.04), s * 0.07, s * 0.07)
    p.restore()
    for r in (0.3, 0.52):
        rect = QRectF(x0 - s * r, y0 - s * r, 2 * s * r, 2 * s * r)
        p.drawArc(rect, 0, 90 * 16)


def _sense(p: QPainter, s: float) -> None:
    """A notebook page with lines and a pencil."""
    p.drawRoundedRect(QRectF(s * 0.2, s * 0.14, s * 0.5, s * 0.72), s * 0.06, s * 0.06)
    for y in (0.36, 0.5, 0.64):
        p.drawLine(QPointF(s * 0.3, s * y), QPointF(s * 0.52, s * y))
    path = QPainterPath(QPointF(s * 0.84, s * 0.26))
    path.lineTo(s * 0.62, s * 0.72)
    path.lineTo(s * 0.6, s * 0.84)
    path.lineTo(s * 0.7, s * 0.77)
    path.lineTo(s * 0.92, s * 0.31)
    path.closeSubpath()
    p.drawPath(path)


def _share(p: QPainter, s: float) -> None:
    """An arrow leaving an open box."""
    path = QPainterPath(QPointF(s * 0.3, s * 0.45))
    path.lineTo(s * 0.2, s * 0.45)
    path.lineTo(s * 0.2, s * 0.85)
    path.lineTo(s * 0.8, s * 0.85)
    path.lineTo(s * 0.8, s * 0.45)
    path.lineTo(s * 0.7, s * 0.45)
    p.drawPath(path)
    p.drawLine(QPointF(s * 0.5, s * 0.66), QPointF(s * 0.5, s * 0.14))
    p.drawLine(QPointF(s * 0.5, s * 0.14), QPointF(s * 0.35, s * 0.3))
    p.drawLine(QPointF(s * 0.5, s * 0.14), QPointF(s * 0.65, s * 0.3))


def _search(p: QPainter, s: float) -> None:
    p.drawEllipse(QPointF(s * 0.43, s * 0.43), s * 0.24, s * 0.24)
    p.drawLine(QPointF(s * 0.61, s * 0.61), QPointF(s * 0.82, s * 0.82))


def _settings(p: QPainter, s: float) -> None:
    c = QPointF(s * 0.5, s * 0.5)
    p.drawEllipse(c, s * 0.12, s * 0.12)
    p.drawEllipse(c, s * 0.26, s * 0.26)
    for i in range(8):
        a = i * math.pi / 4
        p.drawLine(
            QPointF(c.x() + math.cos(a) * s * 0.27, c.y() + math.sin(a) * s * 0.27),
            QPointF(c.x() + math.cos(a) * s * 0.38, c.y() + math.sin(a) * s * 0.38),
        )


ICONS: dict[str, Draw] = {
    "seek": _seek,
    "sense": _sense,
    "share": _share,
    "search": _search,
    "settings": _settings,
}


def icon(name: str, palette: QPalette, size: int = 32) -> QIcon:
    """A line icon in the palette's text colour; the highlight colour when checked."""
    draw = ICONS[name]
    ic = QIcon()
    normal = subtle(palette) if name in ("search",) else palette.color(Role.ButtonText)
    ic.addPixmap(_pixmap(draw, normal, size), QIcon.Mode.Normal, QIcon.State.Off)
    ic.addPixmap(
        _pixmap(draw, palette.color(Role.Highlight), size), QIcon.Mode.Normal, QIcon.State.On
    )
    ic.addPixmap(
        _pixmap(draw, palette.color(Role.PlaceholderText), size),
        QIcon.Mode.Disabled,
        QIcon.State.Off,
    )
    return ic
