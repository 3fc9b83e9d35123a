"""The writing surface: Markdown styled as you type, in a reading font, with pictures.

One pane, as in Bear, Typora or Obsidian's live preview: the stored text is
the Markdown exactly as typed (saving, revisions and autosave never see a
style), while live_style formats it (headings large, bold bold, links as
their text with the URL folded until the cursor enters) and live_paint draws
chips, quote bars, task boxes and pictures. The text sits in a column of
about COLUMN_CHARS characters, centred when the pane is wider.

Clicks (the decision, after Obsidian): a plain click on a ``[[link]]`` or a
``#tag`` chip follows it (the entry, a tag search), unless the cursor is
already inside it (then the click edits it); a web link opens with
Ctrl+click, since a plain click is how one edits its text. Ctrl+click
follows a chip too. A click on a task box ticks it: one character of the
text changes, as one undoable step.

Titles for ``[[`` completion come from the core (``journal.titles(prefix)``)
on the reader thread: the box asks with :attr:`wants_titles` and shows the
answer with :meth:`show_titles` if the user is still typing that same link.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from PySide6.QtCore import (
    SIGNAL,
    QEvent,
    QMimeData,
    QPointF,
    QRect,
    QRectF,
    QSize,
    QStringListModel,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QFontDatabase,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextCursor,
)
from PySide6.QtWidgets import QCompleter, QPlainTextEdit, QToolTip, QWidget

from pkm.gui.sense.inline_images import InlineImages, Source, sources_in
from pkm.gui.sense.live_paint import Decorations, Hit
from pkm.gui.sense.live_style import LiveStyler, pack_state

#: The link being typed: "[[" then up to 80 characters, no brackets or pipes.
LINK_PREFIX_RE = re.compile(r"\[\[([^\[\]|\n]{0,80})$")
COLUMN_CHARS = 70  # a comfortable line: 60-75 characters, as books and Bear have it
MARGIN = 14

_POPUP_KEYS = {
    Qt.Key.Key_Enter,
    Qt.Key.Key_Return,
    Qt.Key.Key_Escape,
    Qt.Key.Key_Tab,
    Qt.Key.Key_Backtab,
}
_RESTYLE = (
    QEvent.Type.FontChange,
    QEvent.Type.PaletteChange,
    QEvent.Type.ApplicationPaletteChange,
)
_SAMPLE = "the quick brown fox jumps over a lazy dog "


def reading_font_size(factor: float = 1.0) -> float:
    """The reading font's point size for a text-size factor (1.0 = the system's size)."""
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).pointSizeF() * factor


class MarkdownEdit(QPlainTextEdit):
    wants_titles = Signal(str)  # the prefix typed after "[["
    link_activated = Signal(QUrl)  # pkm://entry/<title>, pkm://tag/<tag>, or a web address
    pictures_offered = Signal(list, QTextCursor)  # [Source], where to insert them
    column_moved = Signal(int)  # the text column's left edge, from the widget's left

    def __init__(self, parent: QWidget | None = None, *, media_home: Path | None = None) -> None:
        super().__init__(parent)
        # A proportional reading font, a little larger than the window's labels.
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
        font.setPointSizeF(reading_font_size(1.15))
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.document().setDocumentMargin(MARGIN)
        self.setBackgroundRole(QPalette.ColorRole.Base)  # the margins beside the column too
        self.setAutoFillBackground(True)
        self.viewport().setMouseTracking(True)
        self.setPlaceholderText(
            "Write here. Markdown works and shows as you type: **bold**, # headings, - lists,\n"
            "> quotes, - [ ] tasks. Add #tags anywhere; link another entry with [[ and its "
            "title. Paste or drop a picture to keep it in the entry."
        )
        self.media_home = media_home
        self.images = InlineImages(media_home or Path("/nonexistent"), None, self)
        self.images.loaded.connect(lambda _ref: self.viewport().update())
        self.styler = LiveStyler(self, self.images.height_of if media_home else None)
        self.decorations = Decorations(self, self.images)
        # Repaint only the lines a keystroke restyled (see _layout_update).
        self._blocks = self.document().blockCount()
        layout = self.document().documentLayout()
        # This relies on how QPlainTextEdit wires its layout (checked with PySide6 6.11.3:
        # one receiver, the text control, which repaints what the layout names). If a Qt
        # release wires it otherwise, keep Qt's own repaint: slower, never stale.
        if layout.receivers(SIGNAL("update(QRectF)")) == 1:
            layout.update.disconnect()
            layout.update.connect(self._layout_update)
        self._column = 0
        self._fit_column()

        self._model = QStringListModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setWidget(self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.activated.connect(self.insert_completion)

    def set_operations(self, ops: object) -> None:
        """Where pictures are decoded off the GUI thread (the window's pool)."""
        self.images.ops = ops  # type: ignore[assignment]

    # ---- the column ---------------------------------------------------------------

    def column_width(self) -> float:
        """The text column's width in pixels: about COLUMN_CHARS characters of the font."""
        per_char = QFontMetricsF(self.font()).horizontalAdvance(_SAMPLE) / len(_SAMPLE)
        return per_char * COLUMN_CHARS + 2 * MARGIN

    def column_left(self) -> int:
        """Where the text starts, from the widget's left edge (focus mode aligns the title)."""
        return self.frameWidth() + self._column + MARGIN

    def _fit_column(self, relayout: bool = True) -> None:
        bar = self.verticalScrollBar()
        room = (
            self.width()
            - 2 * self.frameWidth()
            - (bar.sizeHint().width() if bar.isVisible() else 0)
        )
        side = max(0, int((room - self.column_width()) / 2))
        if side != self._column:
            self._column = side
            self.setViewportMargins(side, 0, side, 0)
            self.column_moved.emit(self.column_left())
            self.styler.generation += 1
            if relayout:  # Qt lays the text out again only when the widget's width changes
                super().resizeEvent(QResizeEvent(self.size(), QSize(-1, -1)))
        width = max(120, int(self.viewport().width() - 2 * MARGIN - 4))
        if width != self.images.max_width:
            self.images.max_width = width
            self._restyle_pictures()

    def _restyle_pictures(self) -> None:
        """Pictures are drawn at the column's width: their lines change height with it."""
        block = self.document().firstBlock()
        while block.isValid():
            if block.text().lstrip().startswith("![") and "media/" in block.text():
                self.styler.restyle(block)
            block = block.next()

    def resizeEvent(self, event: QResizeEvent) -> None:
        if event.size().width() != event.oldSize().width():
            self.styler.generation += 1  # every line may wrap differently: heights unknown
        self._fit_column(relayout=False)  # the margins first, so the text is laid out once
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in _RESTYLE and hasattr(self, "styler"):
            self.setTabStopDistance(QFontMetricsF(self.font()).horizontalAdvance(" ") * 4)
            self.styler.refresh()
            self._fit_column()

    # ---- drawing and clicking -------------------------------------------------------

    def _layout_update(self, _rect: QRectF | None = None) -> None:
        """What the document layout asks to repaint, narrowed to the lines that changed.

        Setting a line's formats (any QSyntaxHighlighter does) makes QPlainTextDocumentLayout
        see a change that reaches into the next line, and it then asks to repaint the whole
        view: every keystroke would redraw every visible line. The styler knows which
        lines it restyled and how tall they were before; when the number of lines and
        their heights are unchanged, only those lines are repainted. Anything else (Enter,
        a paste, a resize, a font change) repaints the whole view, as Qt would.
        """
        styler = self.styler
        touched = styler.take_touched()
        count = self.document().blockCount()
        viewport = self.viewport()
        narrow = bool(touched) and count == self._blocks
        self._blocks = count
        for block, old_height in touched or ():
            if not block.isValid():
                narrow = False
                continue
            height = round(self.blockBoundingRect(block).height())  # laid out by now: cheap
            state = block.userState()
            block.setUserState(pack_state(bool(state & 1), styler.generation, height))
            narrow = narrow and height == old_height
        if not narrow:
            viewport.update()
            return
        # The styler restyles consecutive lines: repaint from the first to the last.
        numbers = [block.blockNumber() for block, _h in touched]
        first = self.document().findBlockByNumber(min(numbers))
        top = self.blockBoundingGeometry(first).translated(self.contentOffset()).top()
        height, block = 0.0, first
        while block.isValid() and block.blockNumber() <= max(numbers):
            height += self.blockBoundingRect(block).height()
            block = block.next()
        rect = QRect(0, int(top) - 2, viewport.width(), int(height) + 4)
        viewport.update(rect.intersected(viewport.rect()))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        try:
            self.decorations.paint(painter)
        finally:
            painter.end()
        super().paintEvent(event)

    def _follows(self, hit: Hit, event: QMouseEvent) -> bool:
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if hit.kind in ("link", "url"):
            return ctrl
        if hit.kind in ("wiki", "tag"):
            inside = hit.start <= self.textCursor().position() <= hit.end
            return ctrl or not inside
        return False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            hit = self.decorations.hit_at(QPointF(event.position()))
            if hit is not None and hit.kind == "checkbox":
                self.toggle_task(hit.start, hit.data)
                event.accept()
                return
            if hit is not None and self._follows(hit, event):
                self.link_activated.emit(self.url_of(hit))
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        hit = self.decorations.hit_at(QPointF(event.position()))
        hand = hit is not None and (hit.kind == "checkbox" or self._follows(hit, event))
        shape = Qt.CursorShape.PointingHandCursor if hand else Qt.CursorShape.IBeamCursor
        if self.viewport().cursor().shape() != shape:
            self.viewport().setCursor(shape)
        if hit is not None and hit.kind in ("link", "url") and not hand:
            QToolTip.showText(event.globalPosition().toPoint(), f"{hit.data}\nCtrl+click to open")

    @staticmethod
    def url_of(hit: Hit) -> QUrl:
        if hit.kind == "wiki":
            return QUrl("pkm://entry/" + quote(hit.data, safe=""))
        if hit.kind == "tag":
            return QUrl("pkm://tag/" + quote(hit.data, safe="/"))
        return QUrl(hit.data)

    def toggle_task(self, start: int, state: str) -> None:
        """Tick or untick the task whose box starts at ``start``: one undoable edit."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(start + 1)
        cursor.setPosition(start + 2, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(" " if state == "x" else "x")

    # ---- pictures: paste and drop ------------------------------------------------------

    def _pictures(self, source: QMimeData) -> list[Source]:
        return sources_in(source) if self.media_home is not None else []

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return bool(self._pictures(source)) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        pictures = self._pictures(source)
        if pictures:
            self.pictures_offered.emit(pictures, QTextCursor(self.textCursor()))
            return
        super().insertFromMimeData(source)

    # ---- completion ---------------------------------------------------------------

    def link_prefix(self) -> str | None:
        """The title typed so far after an unclosed ``[[`` before the cursor, or None."""
        cursor = self.textCursor()
        block = cursor.block().text()[: cursor.positionInBlock()]
        m = LINK_PREFIX_RE.search(block)
        return m.group(1) if m else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self.completer.popup()
        if popup.isVisible() and event.key() in _POPUP_KEYS:
            event.ignore()  # the completer's popup handles these
            return
        super().keyPressEvent(event)
        if not event.text() and event.key() not in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            return
        prefix = self.link_prefix()
        if prefix is None:
            popup.hide()
        else:
            self.wants_titles.emit(prefix)

    def show_titles(self, prefix: str, titles: list[str]) -> None:
        """Show the completion popup, unless the user has moved on meanwhile."""
        popup = self.completer.popup()
        if self.link_prefix() != prefix or not titles:
            popup.hide()
            return
        self._model.setStringList(titles)
        rect = self.cursorRect()
        rect.setWidth(
            min(480, popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width() + 24)
        )
        self.completer.complete(rect)
        popup.setCurrentIndex(self._model.index(0, 0))

    def insert_completion(self, title: str) -> None:
        """Replace the typed prefix with the title and close the link."""
        prefix = self.link_prefix()
        if prefix is None:
            return
        cursor = self.textCursor()
        cursor.movePosition(
            QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(prefix)
        )
        cursor.insertText(title)
        after = cursor.block().text()[cursor.positionInBlock() :]
        if after.startswith("]]"):
            cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.MoveAnchor, 2)
        else:
            cursor.insertText("]]")
        self.setTextCursor(cursor)
        self.completer.popup().hide()
