"""What the styled editor draws that a character format cannot: chips, bars, boxes, pictures.

Called from MarkdownEdit.paintEvent *before* Qt draws the text, for the
blocks on screen only (a screenful of lines, whatever the entry's length):
rounded chips behind ``#tags`` and ``[[links]]``, a bar beside quotes, a
round bullet for ``-`` items, a box for ``- [ ]`` / ``- [x]``, a rule for
``---`` and the pictures of image lines. The marks they stand for were made
transparent by live_style, so the text keeps its exact Markdown.

It returns the clickable areas it drew (:class:`Hit`), so a click is judged
against what the user sees, not against the nearest character.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QTextBlock, QTextLayout
from PySide6.QtWidgets import QPlainTextEdit

from pkm.gui import theme
from pkm.gui.sense.inline_images import InlineImages
from pkm.gui.sense.live_style import fence_open_before, line_style
from pkm.gui.sense.md_spans import CACHED_CHARS

CLICKABLE = ("checkbox", "wiki", "tag", "link", "url")


@dataclass(frozen=True)
class Hit:
    """A clickable thing on screen: where, what, and the text range it stands for."""

    rect: QRectF
    kind: str  # "checkbox", "wiki", "tag", "link", "url"
    data: str
    start: int  # document positions
    end: int


def _x(layout: QTextLayout, pos: int) -> tuple[float, float, float]:
    """(x, line top, line height) of a position in a block's layout."""
    line = layout.lineForTextPosition(pos)
    if not line.isValid():
        return 0.0, 0.0, 0.0
    return line.cursorToX(pos)[0], line.y(), line.height()


def span_rects(layout: QTextLayout, start: int, end: int, origin: QPointF) -> list[QRectF]:
    """One rectangle per line a range covers (a chip that wraps is two chips)."""
    out = []
    pos = start
    while pos < end:
        line = layout.lineForTextPosition(pos)
        if not line.isValid():
            break
        stop = min(end, line.textStart() + line.textLength())
        if stop <= pos:
            break
        x1, x2 = line.cursorToX(pos)[0], line.cursorToX(stop)[0]
        out.append(QRectF(origin.x() + x1, origin.y() + line.y(), x2 - x1, line.height()))
        pos = stop
    return out


@dataclass(frozen=True, slots=True)
class Shape:
    """Something drawn for a span, placed relative to its block's top-left corner."""

    kind: str  # "tag", "wiki", "link", "url", "bullet", "checkbox"
    rect: QRectF
    data: str = ""
    start: int = 0  # in the block
    end: int = 0


def shapes_of(layout: QTextLayout, spans: tuple | list) -> tuple[Shape, ...]:
    """Where each decoration of a laid-out block goes (no painting: cached by the caller)."""
    out: list[Shape] = []
    origin = QPointF(0, 0)
    for span in spans:
        kind = span.kind
        if kind in ("tag", "wiki", "link", "url"):
            pad = (-2, 1, 2, -1) if kind in ("tag", "wiki") else (0, 0, 0, 0)
            for r in span_rects(layout, span.start, span.end, origin):
                out.append(Shape(kind, r.adjusted(*pad), span.data, span.start, span.end))
        elif kind in ("bullet", "checkbox"):
            x1, top, h = _x(layout, span.start)
            x2 = _x(layout, span.end)[0]
            cx, cy = (x1 + x2) / 2, top + h * (0.55 if kind == "bullet" else 0.54)
            side = h * 0.24 if kind == "bullet" else max(10.0, h * 0.6)
            rect = QRectF(cx - side / 2, cy - side / 2, side, side)
            out.append(Shape(kind, rect, span.data, span.start, span.end))
    return tuple(out)


class Decorations:
    """Paints one editor's decorations and remembers where the clickable ones are.

    The shapes of a block depend only on its text, the fence state, whether the cursor
    unfolded one of its links, the column's width and the font: they are computed once
    per such state and kept (a keystroke recomputes only the line it changed), so a
    paint costs a few QPainter calls per visible line."""

    def __init__(self, edit: QPlainTextEdit, images: InlineImages) -> None:
        self.edit = edit
        self.images = images
        self.hits: list[Hit] = []
        self._shapes: dict[tuple, tuple[Shape, ...]] = {}

    def _shapes_for(self, block: QTextBlock, style, active: tuple) -> tuple[Shape, ...]:
        key = (
            block.text(),
            fence_open_before(block),
            active,
            self.edit.viewport().width(),
            self.edit.font().pointSizeF(),
            self.images.max_width,
        )
        found = self._shapes.get(key)
        if found is None:
            found = shapes_of(block.layout(), style.spans)
            if len(key[0]) <= CACHED_CHARS:  # as md_spans: long lines are not kept
                if len(self._shapes) > 1000:
                    self._shapes.clear()
                self._shapes[key] = found
        return found

    def paint(self, painter: QPainter) -> None:
        edit = self.edit
        pal = edit.palette()
        base = pal.color(QPalette.ColorRole.Base)
        text = pal.color(QPalette.ColorRole.Text)
        highlight = pal.color(QPalette.ColorRole.Highlight)
        dark = theme.is_dark(pal)
        chips = {
            "tag": theme.mix(base, highlight, 0.30 if dark else 0.16),
            "wiki": theme.mix(base, highlight, 0.40 if dark else 0.24),
        }
        bar = theme.mix(base, highlight, 0.65)
        faint = theme.mix(text, base, 0.55)
        styler = getattr(edit, "styler", None)
        active_block = styler.active_block if styler is not None else QTextBlock()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        offset = edit.contentOffset()
        bottom = edit.viewport().height()
        width = edit.viewport().width()
        margin = edit.document().documentMargin()
        hits: list[Hit] = []
        block: QTextBlock = edit.firstVisibleBlock()
        top = edit.blockBoundingGeometry(block).translated(offset).top() if block.isValid() else 0
        while block.isValid():
            if top > bottom:
                break
            geo = edit.blockBoundingRect(block).translated(offset.x(), top)  # as Qt's own paint
            top = geo.bottom()
            if not block.isVisible() or geo.bottom() < 0 or block.length() <= 1:
                block = block.next()
                continue
            style = line_style(block)
            origin = geo.topLeft()
            if style.base == "quote":
                painter.fillRect(QRectF(origin.x() + margin + 1, geo.top(), 3, geo.height()), bar)
            elif style.base == "rule":
                y = geo.center().y()
                painter.setPen(QPen(faint, 1))
                painter.drawLine(QPointF(margin, y), QPointF(width - margin, y))
            elif style.base == "image":
                self._picture(painter, style.image, block.layout(), origin)
            if style.spans:
                active = styler.active_groups if block == active_block else ()
                pos0 = block.position()
                for shape in self._shapes_for(block, style, active):
                    r = shape.rect.translated(origin)
                    kind = shape.kind
                    if kind in chips:
                        painter.setPen(Qt.PenStyle.NoPen)
                        painter.setBrush(chips[kind])
                        painter.drawRoundedRect(r, r.height() / 3, r.height() / 3)
                    elif kind == "bullet":
                        painter.setPen(Qt.PenStyle.NoPen)
                        painter.setBrush(text)
                        painter.drawEllipse(r)
                        continue
                    elif kind == "checkbox":
                        self._checkbox(painter, r, shape.data)
                        r = r.adjusted(-3, -3, 3, 3)
                    hits.append(Hit(r, kind, shape.data, pos0 + shape.start, pos0 + shape.end))
            block = block.next()
        self.hits = hits

    def _checkbox(self, painter: QPainter, r: QRectF, state: str) -> None:
        pal = self.edit.palette()
        side = r.width()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if state == "x":
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(pal.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(r, side / 4, side / 4)
            pen = QPen(pal.color(QPalette.ColorRole.HighlightedText), max(1.5, side / 8))
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.drawPolyline(
                [
                    QPointF(r.left() + side * 0.24, r.top() + side * 0.52),
                    QPointF(r.left() + side * 0.43, r.top() + side * 0.72),
                    QPointF(r.left() + side * 0.78, r.top() + side * 0.3),
                ]
            )
        else:
            text, base = pal.color(QPalette.ColorRole.Text), pal.color(QPalette.ColorRole.Base)
            painter.setPen(QPen(theme.mix(text, base, 0.4), 1.4))
            painter.drawRoundedRect(r, side / 4, side / 4)

    def _picture(self, painter: QPainter, ref: str, layout: QTextLayout, origin: QPointF) -> None:
        size = self.images.size_of(ref)
        line = layout.lineAt(0)
        if size is None or not line.isValid():
            return
        target = QRectF(
            origin.x() + line.x(), origin.y() + line.y() + 2, size.width(), size.height()
        )
        image = self.images.image(ref)
        if image is None:  # still decoding on the pool: a quiet placeholder of the right size
            painter.fillRect(
                target,
                theme.mix(
                    self.edit.palette().color(QPalette.ColorRole.Base), QColor(128, 128, 128), 0.15
                ),
            )
            return
        painter.drawImage(target, image)

    def hit_at(self, point: QPointF) -> Hit | None:
        for hit in self.hits:
            if hit.rect.contains(point):
                return hit
        return None
