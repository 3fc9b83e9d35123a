"""The search box (Ctrl+K) and its results panel.

Typing waits DEBOUNCE_MS for a pause, then asks Operations.search, which runs
on the reader thread; only the newest query's results come back (older ones
are dropped by the task key), so the list never flickers back to a stale
query. Up/Down move through the results, Enter opens one, Esc closes.
"""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from pkm.core.errors import PkmError
from pkm.gui import theme
from pkm.gui.operations import Operations
from pkm.gui.search.delegate import HitDelegate
from pkm.gui.search.model import HIT_ROLE, HitsModel

log = logging.getLogger("pkm.gui")

DEBOUNCE_MS = 150
LIMIT = 30


class SearchPopup(QFrame):
    """The results panel, drawn over the window just under the search box."""

    activated = Signal(object)  # the hit

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("searchPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(1, 6, 1, 1)
        lay.setSpacing(4)
        self.header = QLabel()
        self.header.setContentsMargins(12, 0, 12, 0)
        self.header.setWordWrap(True)
        lay.addWidget(self.header)
        self.model = HitsModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setItemDelegate(HitDelegate(self.list))
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.list.setUniformItemSizes(True)
        self.list.clicked.connect(lambda index: self.activated.emit(index.data(HIT_ROLE)))
        lay.addWidget(self.list, 1)
        self.hide()

    def set_header(self, text: str) -> None:
        pal = QPalette()  # only the text colour; the rest follows the window
        pal.setColor(self.header.foregroundRole(), theme.subtle(QGuiApplication.palette()))
        self.header.setPalette(pal)
        self.header.setText(text)

    def show_hits(self, hits: list, header: str) -> None:
        self.model.set_hits(hits)
        self.set_header(header)
        self.list.setVisible(bool(hits))
        if hits:
            self.list.setCurrentIndex(self.model.index(0, 0))
            self.list.scrollToTop()

    def move_selection(self, delta: int) -> None:
        n = self.model.rowCount()
        if not n:
            return
        row = self.list.currentIndex().row()
        row = max(0, min(n - 1, (row if row >= 0 else -1) + delta))
        self.list.setCurrentIndex(self.model.index(row, 0))

    def current_hit(self) -> object | None:
        index = self.list.currentIndex()
        return index.data(HIT_ROLE) if index.isValid() else None

    def place(self, anchor: QWidget) -> None:
        """Under the anchor, at least 600 px wide, at most 70% of the window high."""
        host = self.parentWidget()
        width = min(max(anchor.width(), 640), host.width() - 24)
        pos = anchor.mapTo(host, QPoint(0, anchor.height() + 4))
        x = max(12, min(pos.x() + (anchor.width() - width) // 2, host.width() - width - 12))
        rows = max(1, self.model.rowCount())
        row_h = self.list.sizeHintForRow(0) if self.model.rowCount() else 0
        height = min(int(host.height() * 0.7), self.header.sizeHint().height() + 16 + rows * row_h)
        self.setGeometry(x, pos.y(), width, max(height, 48))
        self.raise_()


class SearchBox(QLineEdit):
    open_hit = Signal(object)  # the hit (has .key "entry:12" / "item:4")

    def __init__(
        self, ops: Operations, popup_parent: QWidget, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setObjectName("searchBox")
        self.setPlaceholderText("Search notes and reading   (Ctrl+K)")
        self.setClearButtonEnabled(True)
        self.addAction(
            theme.icon("search", self.palette(), 16), QLineEdit.ActionPosition.LeadingPosition
        )
        self.popup = SearchPopup(popup_parent)
        self.popup.activated.connect(self._open)
        self.pending: str | None = None  # the query whose results are awaited
        self.results = None  # the last SearchResults shown
        self._came_from: QWidget | None = None
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS, timeout=self._search)
        self.textChanged.connect(self._typed)
        QApplication.instance().focusChanged.connect(self._focus_changed)
        popup_parent.installEventFilter(self)

    # ---- typing -------------------------------------------------------------------

    def _typed(self, text: str) -> None:
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()
            self.pending = None
            self.popup.hide()

    def _search(self) -> None:
        query = self.text().strip()
        if not query:
            return
        self.pending = query
        self.ops.search(
            query,
            lambda results: self._show(query, results),
            on_error=lambda exc: self._failed(query, exc),
            limit=LIMIT,
        )

    def _show(self, query: str, results) -> None:
        if query != self.text().strip():
            return
        self.pending = None
        self.results = results
        hits = list(results.hits)
        total = getattr(results, "total", len(hits))
        # one letter lists recent titles (query.single_letter): say so
        note = getattr(results, "note", "")
        if hits and note:
            header = f"{note} ({len(hits)} of {total}). Type more to search. ↑↓ to choose, Enter to open."
        elif hits:
            shown = f"{len(hits)} of {total}" if total > len(hits) else str(total)
            header = f"{shown} {'match' if total == 1 else 'matches'}. ↑↓ to choose, Enter to open, Esc to close."
        elif note:
            header = f"No titles with a word starting with “{query.strip()}”. Type more to search."
        else:
            header = f"No matches for “{query}”. Try fewer words, or a word's beginning with *."
        if self.ops.index_status == "rebuilding":
            header += "  The search index is being rebuilt: results may be incomplete."
        self.popup.show_hits(hits, header)
        self._show_popup()

    def _failed(self, query: str, exc: BaseException) -> None:
        if query != self.text().strip():
            return
        self.pending = None
        if isinstance(exc, PkmError):
            text = str(exc)
        else:
            log.error("search failed", exc_info=exc)
            text = "Search is not available right now. Your notes are safe; try again in a moment."
        self.popup.show_hits([], text)
        self._show_popup()

    def _show_popup(self) -> None:
        if self.hasFocus() or self.popup.isVisible():
            self.popup.place(self)
            self.popup.show()

    # ---- keys and focus -----------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # type: ignore[override]
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.popup.isVisible():
            self.popup.move_selection(1 if key == Qt.Key.Key_Down else -1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._timer.isActive() or self.pending:
                self._timer.stop()
                self._open_first_when_ready()
            else:
                self._open(self.popup.current_hit())
        elif key == Qt.Key.Key_Escape:
            self.dismiss()
        else:
            super().keyPressEvent(event)

    def _open_first_when_ready(self) -> None:
        """Enter pressed before the results arrived: open the top hit when they do."""
        query = self.text().strip()

        def show_and_open(results) -> None:
            self._show(query, results)
            self._open(self.popup.current_hit())

        self.pending = query
        self.ops.search(
            query, show_and_open, on_error=lambda exc: self._failed(query, exc), limit=LIMIT
        )

    def _open(self, hit: object | None) -> None:
        if hit is None:
            return
        self.popup.hide()
        self.open_hit.emit(hit)

    def dismiss(self) -> None:
        """Esc: close the results; a second Esc (or none open) clears the box."""
        if self.popup.isVisible():
            self.popup.hide()
        else:
            self.clear()
            self.give_focus_back()

    def give_focus_back(self) -> None:
        """Back to where the user was before Ctrl+K (the editor, usually)."""
        back = self._came_from
        if back is not None and shiboken6.isValid(back) and back.isVisible():
            back.setFocus(Qt.FocusReason.OtherFocusReason)

    def search_for(self, text: str) -> None:
        """Fill the box (e.g. a tag clicked elsewhere) and search at once."""
        self.setFocus()
        self.setText(text)
        self._timer.stop()
        self._search()

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if new is self and old is not None and old.window() is self.window():
            self._came_from = old
        if new is not None and new is not self and not self.popup.isAncestorOf(new):
            self.popup.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.popup.isVisible():
            self.popup.place(self)
        return False
