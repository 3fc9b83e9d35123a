"""The Markdown text box: pleasant to type in, with ``[[`` completion of titles.

Titles come from the core (``journal.titles(prefix)``) on the reader thread:
the box asks with :attr:`wants_titles` and shows the answer with
:meth:`show_titles` if the user is still typing that same link.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QFontDatabase, QKeyEvent, QTextCursor
from PySide6.QtWidgets import QCompleter, QPlainTextEdit, QWidget

#: The link being typed: "[[" then up to 80 characters, no brackets or pipes.
LINK_PREFIX_RE = re.compile(r"\[\[([^\[\]|\n]{0,80})$")

_POPUP_KEYS = {
    Qt.Key.Key_Enter,
    Qt.Key.Key_Return,
    Qt.Key.Key_Escape,
    Qt.Key.Key_Tab,
    Qt.Key.Key_Backtab,
}


class MarkdownEdit(QPlainTextEdit):
    wants_titles = Signal(str)  # the prefix typed after "[["

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Monospace, so Markdown marks line up, at the size of the rest of the window.
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(self.font().pointSizeF() * 1.05)
        self.setFont(font)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 4)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.document().setDocumentMargin(14)
        self.setPlaceholderText(
            "Write here. Markdown works: **bold**, # headings, - lists, > quotes.\n"
            "Add #tags anywhere, and link another entry with [[ and its title."
        )
        self._model = QStringListModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setWidget(self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.activated.connect(self.insert_completion)

    # ---- completion ---------------------------------------------------------------

    def link_prefix(self) -> str | None:
        """The title typed so far after an unclosed ``[[`` before the cursor, or None."""
        cursor = self.textCursor()
        block = cursor.block().text()[: cursor.positionInBlock()]
        m = LINK_PREFIX_RE.search(block)
        return m.group(1) if m else None

    def keyPressEvent(self, event: QKeyEvent) -> None:  # type: ignore[override]
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
