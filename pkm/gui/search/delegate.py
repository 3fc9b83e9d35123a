"""Draws one search hit: the title with matches in bold, kind and day, the snippet.

The snippet HTML (escaped text + <b> marks, filtered again by safe_marks) is
laid out with a QTextDocument: no widget per row, no network, no scripts.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from pkm.gui import theme
from pkm.gui.search.model import HIT_ROLE, kind_label, safe_marks

PAD_X, PAD_Y = 12, 7
SNIPPET_LINES = 2


class HitDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        fm = option.fontMetrics
        return QSize(
            option.rect.width(),
            fm.height() * (1 + SNIPPET_LINES) + fm.leading() * 2 + 2 * PAD_Y + 4,
        )

    def _doc(
        self, html: str, font: QFont, color: QColor, mark: QColor, width: float
    ) -> QTextDocument:
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(font)
        doc.setDefaultStyleSheet(
            f"body{{color:{color.name()};}} b{{color:{color.name()};background-color:{mark.name()};}}"
        )
        doc.setHtml(f"<body>{html}</body>")
        doc.setTextWidth(width)
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if hit is None:
            return
        pal = opt.palette
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        fg = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        sub = fg if selected else theme.subtle(pal)
        mark = (
            theme.mix(pal.color(QPalette.ColorRole.Highlight), fg, 0.3)
            if selected
            else theme.accent_soft(pal, 0.3)
        )
        r = QRectF(opt.rect).adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y)
        fm = opt.fontMetrics

        meta = f"{kind_label(getattr(hit, 'kinds', ()))} · {getattr(hit, 'day', '') or ''}".strip(
            " ·"
        )
        meta_w = fm.horizontalAdvance(meta) + 8
        painter.save()
        painter.setPen(sub)
        painter.drawText(
            QRectF(r.right() - meta_w, r.top(), meta_w, fm.height()),
            int(Qt.AlignmentFlag.AlignRight),
            meta,
        )

        title_font = QFont(opt.font)
        title_font.setBold(True)
        title_html = safe_marks(getattr(hit, "title_html", "") or getattr(hit, "title", ""))
        title_doc = self._doc(title_html, title_font, fg, mark, r.width() - meta_w - 8)
        self._draw(
            painter,
            title_doc,
            QRectF(r.left(), r.top(), r.width() - meta_w - 8, fm.height() + 2),
            fg,
        )

        snippet = safe_marks(getattr(hit, "snippet", "") or "")
        body_font = QFont(opt.font)
        body_font.setPointSizeF(opt.font.pointSizeF() * 0.95)
        doc = self._doc(snippet, body_font, sub if not selected else fg, mark, r.width())
        top = r.top() + fm.height() + 4
        self._draw(painter, doc, QRectF(r.left(), top, r.width(), r.bottom() - top), sub)
        painter.restore()

    @staticmethod
    def _draw(painter: QPainter, doc: QTextDocument, rect: QRectF, color: QColor) -> None:
        painter.save()
        painter.translate(rect.topLeft())
        clip = QRectF(QPointF(0, 0), rect.size())
        painter.setClipRect(clip)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.clip = clip
        ctx.palette.setColor(QPalette.ColorRole.Text, color)
        doc.documentLayout().draw(painter, ctx)
        painter.restore()
