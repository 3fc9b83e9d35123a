"""Saved searches beside the journal: a name, its count now, one click to run it.

Like Obsidian's bookmarked searches or a mail app's smart folders: the
questions an executive keeps asking ("Board", "tag:board after:2026-01-01")
with how many notes and articles answer them. Counts are the index's exact
totals, asked on the reader thread after writes settle, never on the GUI
thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pkm.core.saved_searches import SavedSearch
from pkm.gui.operations import Operations
from pkm.gui.widgets import Hint, heading, plain_tip

QUERY_ROLE = Qt.ItemDataRole.UserRole + 1
REFRESH_MS = 1500  # counts follow writes, a little after typing settles


class SaveSearchDialog(QDialog):
    """Name a search (the query prefilled from the search box). Save emits ``save_wanted``;
    the dialog stays open until the search is stored, so a mistake is shown in place."""

    save_wanted = Signal()

    def __init__(self, query: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save a search")
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setObjectName("savedSearchName")
        self.name.setPlaceholderText("Board")
        self.query = QLineEdit(query)
        self.query.setObjectName("savedSearchQuery")
        self.query.setPlaceholderText("tag:board after:2026-01-01")
        form.addRow("Name:", self.name)
        form.addRow("Search for:", self.query)
        self.error = Hint("")
        self.error.setObjectName("savedSearchError")
        self.error.setVisible(False)
        form.addRow(self.error)
        form.addRow(Hint('Words, "phrases", tag:x, kind:note, source:"Feed", after:2026-01-01'))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save_wanted)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.name.setFocus()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)


class SavedSearchesPanel(QWidget):
    """Needs the operations layer; emits the query to run in the window's search box."""

    search_requested = Signal(str)

    def __init__(
        self,
        ops: Operations,
        current_query: Callable[[], str] = lambda: "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.current_query = current_query
        self.dialog: SaveSearchDialog | None = None  # the open dialog (tests reach it here)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        head = QHBoxLayout()
        head.addWidget(heading("Saved searches"), 1)
        self.add_button = QToolButton()
        self.add_button.setObjectName("saveSearch")
        self.add_button.setText("+")
        self.add_button.setAutoRaise(True)
        self.add_button.setToolTip("Save a search (the one in the search box, or a new one)")
        self.add_button.clicked.connect(self.ask_save)
        head.addWidget(self.add_button)
        lay.addLayout(head)
        self.list = QListWidget()
        self.list.setObjectName("savedSearches")
        self.list.setFrameShape(QListWidget.Shape.NoFrame)
        self.list.setSpacing(2)
        self.list.itemActivated.connect(self._run)
        self.list.itemClicked.connect(self._run)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        lay.addWidget(self.list)
        self.empty = Hint("Keep a question you ask often: search, then press +.")
        lay.addWidget(self.empty)
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_MS, timeout=self.refresh)
        ops.changed.connect(lambda change, _origin: self._changed(change))
        # Counts asked before the index was ready (a first start, a rebuild) are asked again.
        ops.index_state.connect(lambda state: self.refresh() if state == "ready" else None)
        self.refresh()

    # ---- data ----------------------------------------------------------------------

    def _changed(self, change: object) -> None:
        if getattr(change, "entries", None) or getattr(change, "items", None):
            self._timer.start()

    def refresh(self) -> None:
        ws = self.ops.ws

        def fn() -> list[tuple[SavedSearch, int | None]]:
            out: list[tuple[SavedSearch, int | None]] = []
            for s in ws.saved_searches.list():
                try:
                    out.append((s, ws.search.search(s.query, limit=1).total))
                except Exception:  # the index is being rebuilt: show the name, count later
                    out.append((s, None))
            return out

        self.ops.read("saved-searches", fn, self._loaded, owner=self)

    def _loaded(self, rows: list[tuple[SavedSearch, int | None]]) -> None:
        self.list.clear()
        for s, count in rows:
            item = QListWidgetItem(f"{s.name}  ·  {count:,}" if count is not None else s.name)
            item.setData(Qt.ItemDataRole.UserRole, s.name)
            item.setData(QUERY_ROLE, s.query)
            item.setToolTip(plain_tip(s.query))
            self.list.addItem(item)
        self.empty.setVisible(not rows)
        self.list.setVisible(bool(rows))
        rows_shown = min(len(rows), 6)  # as tall as its rows, up to six, then it scrolls
        row_h = self.list.sizeHintForRow(0) + 2 * self.list.spacing() if rows else 0
        self.list.setFixedHeight(rows_shown * row_h + 2 * self.list.frameWidth() + 4)

    def names(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    # ---- actions ---------------------------------------------------------------------

    def _run(self, item: QListWidgetItem) -> None:
        self.search_requested.emit(item.data(QUERY_ROLE))

    def ask_save(self) -> None:
        dialog = SaveSearchDialog(self.current_query(), self.window())
        self.dialog = dialog

        def save() -> None:
            name, query = dialog.name.text(), dialog.query.text()

            def saved(_s: object) -> None:
                dialog.done(QDialog.DialogCode.Accepted)
                self.refresh()

            self.ops.write(
                lambda: (self.ops.ws.saved_searches.add(name, query), _no_change()),
                on_done=saved,
                on_error=lambda exc: dialog.show_error(str(exc)),
                owner=dialog,
            )

        dialog.save_wanted.connect(save)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.open()

    def _menu(self, pos) -> None:
        item = self.list.itemAt(pos)
        if item is None:
            return
        name = item.data(Qt.ItemDataRole.UserRole)
        menu = QMenu(self)
        menu.addAction("Run", lambda: self._run(item))
        menu.addAction(f"Remove “{name}”", lambda: self.remove(name))
        menu.exec(self.list.mapToGlobal(pos))

    def remove(self, name: str) -> None:
        self.ops.write(
            lambda: (self.ops.ws.saved_searches.remove(name), _no_change()),
            on_done=lambda _r: self.refresh(),
            owner=self,
        )


def _no_change():
    from pkm.core.changes import Change

    return Change()
