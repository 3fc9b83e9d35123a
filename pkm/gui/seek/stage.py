"""Seek: feeds and folders | the articles | the reader, with NetNewsWire's keys.

The stage builds the three panes and keeps them in step: the tree chooses a
view, the list pages through its articles, the reader shows the one chosen.
Reading (reading.py) and commands on feeds (actions.py) are mixins, so each
module stays about one thing. Feeds and articles load when Seek is first
shown, so a window that opens on the journal starts as fast as before.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from pkm.core.changes import Change
from pkm.core.feeds.model import Item, RefreshReport
from pkm.gui.layout import Collapser, Pane
from pkm.gui.seek import hooks
from pkm.gui.seek.actions import FeedActions, refresh_summary
from pkm.gui.seek.items import ItemList
from pkm.gui.seek.ops import Page, SeekOps, TreeData
from pkm.gui.seek.reader import ReaderPane
from pkm.gui.seek.reading import ReadingActions
from pkm.gui.seek.tree import FeedTree
from pkm.gui.seek.views import UNREAD, View
from pkm.gui.stage import GuiContext, Stage
from pkm.gui.tasks import Task
from pkm.gui.widgets import Hint

log = logging.getLogger("pkm.gui")

REFRESH_SETTING = "feeds.refresh_minutes"  # 0: only when asked
DEFAULT_REFRESH_MIN = 30
FIRST_REFRESH_MS = 8_000  # after start: the window first, the network later
TREE_DELAY_MS = 250
EMPTY_TEXT = "No feeds yet. Add a feed by its address, or import an OPML file from your old reader."
KEYS = "j / k next · s star · m unread · c clip · o open"


class SeekStage(ReadingActions, FeedActions, Stage):
    key = "seek"
    title = "Seek"
    subtitle = "Read your trusted sources"
    tooltip = "Read your trusted sources: feeds, folders and articles (Ctrl+1)"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.ops = ctx.ops
        self.seek = SeekOps(ctx.ops)
        # Hand-overs to the system; tests replace them (see hooks.py).
        self.open_external = lambda url: ctx.window.open_link(url)  # says so if it cannot
        self.choose_open_path = hooks.choose_open_path
        self.choose_save_path = hooks.choose_save_path
        self.confirm = hooks.confirm
        self.ask_text = hooks.ask_text
        self.view: View | None = None
        self.loaded = False
        self.refresh_task: Task | None = None
        self.refresh_note = ""  # said again with the refresh's summary (an import's refusals)
        self.refresh_quiet = False  # a scheduled refresh speaks only of news and problems
        self.minute_ms = 60_000  # the unit of the refresh setting (a test shortens it)
        self._restore: dict[str, Any] = {}
        self._want_item: int | None = None
        self._shown_id: int | None = None
        self._want_view: View | None = None
        self._next_when_loaded = False
        self._fetching: set[str] = set()
        self._build()
        self._keys()
        self.ops.changed.connect(self._on_changed)
        self._tree_timer = QTimer(self, singleShot=True, interval=TREE_DELAY_MS)
        self._tree_timer.timeout.connect(self.tree_reload)
        self._auto = QTimer(self)
        self._auto.timeout.connect(self._auto_refresh)
        self.set_refresh_minutes(self.refresh_minutes(), save=False)
        if self.refresh_minutes() > 0:
            QTimer.singleShot(FIRST_REFRESH_MS, self, self._auto_refresh)

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.toolbar = bar = QToolBar()
        bar.setObjectName("seekToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)

        def action(text: str, tip: str, fn: Any) -> QAction:
            act = bar.addAction(text)
            act.setIconText(text)  # keep the "…" that says a dialog follows
            act.setToolTip(tip)
            act.triggered.connect(lambda _checked=False: fn())
            return act

        self.add_action = action("Add feed…", "Follow a feed or a website", self.add_feed)
        self.refresh_action = action(
            "Refresh", "Check every feed for new articles now (F5 or Shift+R)", self.refresh_all
        )
        self.mark_all_action = action(
            "Mark all as read", "Mark every article in this view as read", self.mark_view_read
        )
        bar.addSeparator()
        self.import_action = action(
            "Import OPML…", "Follow the feeds of a list exported by another reader",
            self.import_opml,
        )  # fmt: skip
        self.export_action = action(
            "Export OPML…", "Save your feeds as a list another reader can import",
            self.export_opml,
        )  # fmt: skip
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Fixed)
        bar.addWidget(spacer)
        self.keys_hint = Hint(KEYS)
        self.keys_hint.setWordWrap(False)
        self.keys_hint.setContentsMargins(0, 0, 12, 0)
        bar.addWidget(self.keys_hint)
        lay.addWidget(bar)

        self.pages = QStackedWidget()
        lay.addWidget(self.pages, 1)
        self.empty = self._empty_page()
        self.pages.addWidget(self.empty)
        self.tree = FeedTree()
        self.items = ItemList(self._load_page, self.seek.now)
        self.reader = ReaderPane()
        self.split = QSplitter()
        self.split.setChildrenCollapsible(False)
        for w in (self.tree, self.items, self.reader):
            self.split.addWidget(w)
        self.split.setStretchFactor(2, 1)
        self.split.setSizes([250, 390, 740])
        # Narrow windows: the feed list and the article list shrink before the reader does.
        self.collapser = Collapser(self.split, self.reader, 420, [
            Pane(self.items, 280, can_hide=False), Pane(self.tree, 150, can_hide=False),
        ])  # fmt: skip
        self.pages.addWidget(self.split)
        self.pages.setCurrentWidget(self.split)

        self.tree.view_selected.connect(self._view_selected)
        self.tree.context_requested.connect(self.show_view_menu)
        self.items.model.page_added.connect(self._page_added)
        self.items.unread_only_toggled.connect(lambda _on: self._reload_list())
        self.items.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.reader.link_clicked.connect(self.open_url)
        self.reader.open_clicked.connect(self.open_in_browser)
        self.reader.star_clicked.connect(self.toggle_star)
        self.reader.clip_clicked.connect(self.clip)
        self.reader.load_images_clicked.connect(self.load_pictures)

    def _empty_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(48, 48, 48, 48)
        lay.addStretch(1)
        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        f = self.empty_label.font()
        f.setPointSizeF(f.pointSizeF() * 1.25)
        self.empty_label.setFont(f)
        lay.addWidget(self.empty_label)
        row = QHBoxLayout()
        row.addStretch(1)
        self.empty_add = QPushButton("Add feed…")
        self.empty_add.clicked.connect(lambda: self.add_feed())
        self.empty_import = QPushButton("Import OPML…")
        self.empty_import.clicked.connect(lambda: self.import_opml())
        row.addWidget(self.empty_add)
        row.addWidget(self.empty_import)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(2)
        return page

    def _keys(self) -> None:
        def add(keys: str, fn: Any) -> None:
            sc = QShortcut(QKeySequence(keys), self, fn)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        add("J", self.next_item)
        add("K", self.previous_item)
        add("S", self.toggle_star)
        add("M", self.toggle_read)
        add("C", self.clip)
        add("O", self.open_in_browser)
        add("Space", self.space)
        add("Shift+R", self.refresh_all)
        add("F5", self.refresh_all)

    # ---- the tree -----------------------------------------------------------------------

    def tree_reload(self) -> None:
        self.seek.tree(self._tree_loaded, owner=self)

    def tree_reload_then(self, view: View) -> None:
        self._want_view = view
        self.tree_reload()

    def _tree_loaded(self, data: TreeData) -> None:
        first = not self.loaded
        self.loaded = True
        self.tree.set_data(data)
        self.pages.setCurrentWidget(self.split if data.feeds else self.empty)
        for act in (self.refresh_action, self.mark_all_action, self.export_action):
            act.setEnabled(bool(data.feeds))
        self.keys_hint.setVisible(bool(data.feeds))
        want, self._want_view = self._want_view, None
        if first:
            focus = QApplication.focusWidget()
            if self.isVisible() and (focus is None or not self.isAncestorOf(focus)):
                self.items.view.setFocus()  # the window opened on Seek: keys work at once
            want = want or View.parse(self._restore.get("view"))
            item = self._restore.get("item")
            if self._want_item is None and isinstance(item, int):
                self._want_item = item
        if want is None or want.key not in self.tree.rows:
            gone = self.view is None or self.view.key not in self.tree.rows
            want = UNREAD if gone else None  # e.g. the feed shown was just unsubscribed
        if want is not None:
            # Not through the tree's signal: Qt may already have moved its current row
            # there by itself when rows went away, and then it would not signal.
            self.tree.select(want, emit=False)
            self._view_selected(want)
        self._update_heading()

    def select_view(self, view: View) -> bool:
        return self.tree.select(view)

    def _view_selected(self, view: View) -> None:
        self.view = view
        self.items.unread_only.setVisible(view.filterable)  # meaningless elsewhere
        if self._want_item is None:
            self._shown_id = None
            self.reader.clear()
        self._reload_list()

    def _reload_list(self) -> None:
        if self.view is None:
            return
        self._update_heading()
        self.items.view.empty_text = self._empty_list_text()
        self.items.model.reset(self.view, self.items.unread_only.isChecked())

    def _update_heading(self) -> None:
        if self.view is None:
            return
        title = self.tree.title(self.view)
        n = self.tree.count(self.view)
        if not n:
            self.items.heading.setText(title)
        elif self.view.kind == "unread":
            self.items.heading.setText(f"{title} · {n}")
        else:
            self.items.heading.setText(f"{title} · {n} unread")

    def _empty_list_text(self) -> str:
        view = self.view
        if view is None:
            return ""
        if view.kind == "starred":
            return "Nothing starred yet. Press s on an article to keep it here, forever."
        if view.kind == "unread":
            return "All read. New articles appear here after a refresh (F5)."
        if self.items.unread_only.isChecked():
            return "Everything here is read. Untick “Unread only” to see older articles."
        if view.kind == "today":
            return "Nothing published today yet."
        return "No articles here yet. Refresh (F5) to check for new ones."

    # ---- the list -----------------------------------------------------------------------

    def _load_page(self, view: View, unread_only: bool, offset: int) -> None:
        self.seek.page(view, unread_only, offset, self.items.model.add_page, owner=self)

    def _page_added(self, page: Page) -> None:
        model = self.items.model
        if self._want_item is not None:
            want, self._want_item = self._want_item, None
            row = model.row_of(want)
            if row >= 0:
                self.items.select_row(row)
            elif self.reader.item is None or self.reader.item.id != want:
                self.show_item_id(want)
        if self._next_when_loaded:
            self._next_when_loaded = False
            self.next_item()

    def _selection_changed(self, *_args: object) -> None:
        item = self.items.current_item()
        if item is None:
            return
        if not item.read:
            self.set_read(item, True)
        self.show_item_id(item.id)

    def current_item(self) -> Item | None:
        """The article in the reader (with the list's newest flags), else the list's."""
        shown = self.reader.item
        if shown is not None:
            row = self.items.model.row_of(shown.id)
            return self.items.model.items[row] if row >= 0 else shown
        return self.items.current_item()

    def next_item(self) -> None:
        model = self.items.model
        row = self.items.selected_row()
        if row + 1 < model.rowCount():
            self.items.select_row(row + 1)
        elif model.canFetchMore():
            self._next_when_loaded = True
            model.fetchMore()
        elif model.rowCount():
            self.ctx.status.show_message("That was the last article here.")

    def previous_item(self) -> None:
        row = self.items.selected_row()
        if row > 0:
            self.items.select_row(row - 1)

    def space(self) -> None:
        if not self.reader.scroll_page():
            self.next_item()

    # ---- refresh -------------------------------------------------------------------------

    def _refresh_done(self, report: RefreshReport) -> None:
        self.refresh_task = None
        note, self.refresh_note = self.refresh_note, ""
        quiet = self.refresh_quiet
        if report.cancelled:
            return
        text, bad = refresh_summary(report)
        if quiet and not report.new and not bad:
            return  # "Checked 0 feeds" every half hour is noise; Refresh (F5) still says it
        text = f"{note} {text}" if note else text
        (self.ctx.status.show_error if bad else self.ctx.status.show_message)(text)
        if report.new and self.view is not None:
            current = self.reader.item
            self._want_item = current.id if current is not None else None
            self._reload_list()

    def refresh_minutes(self) -> int:
        try:
            return max(0, int(self.ops.setting(REFRESH_SETTING, DEFAULT_REFRESH_MIN)))
        except (TypeError, ValueError):
            return DEFAULT_REFRESH_MIN

    def set_refresh_minutes(self, minutes: int, *, save: bool = True) -> None:
        if save:
            self.ops.set_setting(REFRESH_SETTING, int(minutes))
        self._auto.stop()
        if minutes > 0:
            self._auto.start(int(minutes) * self.minute_ms)

    def _auto_refresh(self) -> None:
        """Due feeds only (each feed has its own polling interval); never twice at once."""
        if self.refresh_minutes() <= 0 or self.refresh_task is not None:
            return

        def go(feeds: list) -> None:
            if feeds and self.refresh_task is None:
                self.refresh_all(due_only=True, quiet=True)

        self.seek.feed_list(go, owner=self)

    # ---- keeping in step ------------------------------------------------------------------

    def _on_changed(self, change: Change, _origin: object) -> None:
        if self.loaded and (change.feeds or change.items):
            self._tree_timer.start()

    # ---- Stage hooks ----------------------------------------------------------------------

    def activated(self) -> None:
        if not self.loaded:
            self.tree_reload()
        self.items.view.setFocus()

    def showEvent(self, event: Any) -> None:  # type: ignore[override]
        """Loaded when first seen (the window may open on Seek without switching to it)."""
        super().showEvent(event)
        if not self.loaded:
            self.tree_reload()

    def save_state(self) -> dict[str, Any]:
        shown = self.reader.item
        return {
            "split": bytes(self.split.saveState().toBase64().data()).decode("ascii"),
            "view": self.view.key if self.view else self._restore.get("view"),
            "item": shown.id if shown is not None else None,
            "unread_only": self.items.unread_only.isChecked(),
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        self._restore = dict(state)
        split = state.get("split")
        if isinstance(split, str):
            self.split.restoreState(QByteArray.fromBase64(split.encode("ascii")))
        if isinstance(state.get("unread_only"), bool):
            self.items.unread_only.blockSignals(True)
            self.items.unread_only.setChecked(state["unread_only"])
            self.items.unread_only.blockSignals(False)
