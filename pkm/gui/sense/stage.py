"""Sense: the journal stage (calendar | editor | connections).

The stage only wires its three columns together and decides what to
refresh after a change; each column asks Operations for its own data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QByteArray, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QSplitter

from pkm.core.changes import Change
from pkm.core.errors import NotFound
from pkm.core.journal import Entry
from pkm.gui.layout import Collapser, Pane
from pkm.gui.operations import DaySummary, EntryContext
from pkm.gui.sense.context_panel import ContextPanel
from pkm.gui.sense.day_panel import DayPanel
from pkm.gui.sense.editor import PREVIEW_KEY, EditorPane
from pkm.gui.sense.focus import FocusMode
from pkm.gui.sense.importer import ImportButton
from pkm.gui.sense.saved_searches import SavedSearchesPanel
from pkm.gui.stage import GuiContext, Stage

REFRESH_DELAY_MS = 300
RELATED_DELAY_MS = 1500  # after typing pauses
RELATED_SHOWN = 5


class SenseStage(Stage):
    key = "sense"
    title = "Sense"
    subtitle = "Your journal: write, link, reflect"
    tooltip = "Your journal: today's entry, notes, tags and links (Ctrl+2)"

    #: The first entry is on screen: the window is usable (startup benchmark).
    first_entry_shown = Signal()

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.ops = ctx.ops
        self._first_shown = False
        self._restore_entry: int | None = None
        self._refresh_wanted: set[str] = set()

        self.day_panel = DayPanel(self.ops)
        self.import_button = ImportButton(ctx)
        self.day_panel.buttons.addWidget(self.import_button)
        self.saved_searches = SavedSearchesPanel(
            self.ops, lambda: getattr(getattr(ctx.window, "search", None), "text", str)()
        )
        self.saved_searches.search_requested.connect(ctx.window.search_for)
        self.day_panel.layout().addWidget(self.saved_searches)
        self.editor = EditorPane(ctx)
        self.context = ContextPanel()
        ctx.hooks.context_panel.run(self.context)
        self.split = QSplitter()
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.day_panel)
        self.split.addWidget(self.editor)
        self.split.addWidget(self.context)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([290, 820, 270])
        # Narrow windows: the context column goes first, then the side preview (pkm.gui.layout).
        self.editor.split.setStretchFactor(0, 3)
        self.editor.split.setStretchFactor(1, 2)
        self.collapser = Collapser(self.split, self.editor, 460, [
            Pane(self.context, 240),
            Pane(self.editor.preview, 280, inside_main=True,
                 toggle=self.editor.toolbar.preview_action),
            Pane(self.day_panel, 240, can_hide=False),
        ])  # fmt: skip
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.split)

        self.day_panel.entry_activated.connect(self.open_entry)
        self.day_panel.today_requested.connect(self.open_today)
        self.day_panel.new_note_requested.connect(self.new_note)
        self.day_panel.summary_loaded.connect(self._show_on_this_day)
        self.context.entry_activated.connect(self.open_entry)
        self.context.item_activated.connect(ctx.window.open_item.emit)
        # Related notes follow the text as it is written (a pause in typing), not each key.
        self._related_timer = QTimer(self, singleShot=True, interval=RELATED_DELAY_MS)
        self._related_timer.timeout.connect(self.refresh_related)
        self.editor.text.textChanged.connect(self._related_timer.start)
        self.ops.index_state.connect(lambda state: self._related_timer.start())
        self.context.search_requested.connect(ctx.window.search_for)
        self.editor.entry_shown.connect(self._entry_shown)
        self.editor.entry_closed.connect(lambda: self.context.show_context(None))
        self.editor.open_entry_requested.connect(self.open_entry)
        self.editor.search_requested.connect(ctx.window.search_for)
        ctx.window.open_entry.connect(self.open_entry_to_write)
        self.ops.changed.connect(self._on_changed)
        self.focus = FocusMode(ctx.window, self)
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self._refresh)

    # ---- actions --------------------------------------------------------------------

    def open_entry(self, entry_id: int) -> None:
        self.ctx.window.show_stage(self.key)
        self.editor.open_entry(entry_id)

    def open_entry_to_write(self, entry_id: int) -> None:
        """From search or another stage: open it with the keyboard in the text."""
        self.editor.focus_when_shown()
        self.open_entry(entry_id)

    def open_today(self) -> None:
        self.ctx.window.show_stage(self.key)
        self.editor.open_today()

    def new_note(self, day: dt.date | None = None) -> None:
        self.ctx.window.show_stage(self.key)
        self.editor.close_entry()
        self.ops.create_note(day or self.day_panel.day, on_done=self._created, owner=self)

    def _created(self, entry: Entry) -> None:
        self.editor.show_entry(entry)
        self.editor.title_edit.setFocus()
        self.editor.title_edit.selectAll()

    # ---- start --------------------------------------------------------------------------

    def start(self) -> None:
        """Open the entry that was open last time, or today's."""
        self.day_panel.refresh()
        if self._restore_entry is not None:
            self.editor.open_entry(self._restore_entry, on_error=self._restore_failed)
        else:
            self.editor.open_today()

    def _restore_failed(self, exc: BaseException) -> None:
        if isinstance(exc, NotFound):
            self.editor.open_today()
        else:
            self.ctx.status.show_exception(exc)

    # ---- keeping the columns in step --------------------------------------------------

    def _entry_shown(self, entry: Entry) -> None:
        self.day_panel.select_day(dt.date.fromisoformat(entry.day))
        self.day_panel.select_entry(entry.id)
        self.ops.entry_context(entry.id, self._show_context, owner=self)
        self.refresh_related()
        if not self._first_shown:
            self._first_shown = True
            self.first_entry_shown.emit()

    def refresh_related(self) -> None:
        """The notes and articles most like the open entry's text as it is on screen."""
        entry = self.editor.entry
        if entry is None:
            self.context.show_related([])
            return
        key = f"entry:{entry.id}"
        text = f"{self.editor.title_edit.text()}\n{self.editor.text.toPlainText()}"
        search = self.ctx.ws.search

        def fn() -> tuple[int, list]:
            return entry.id, search.related(key, limit=RELATED_SHOWN, text=text)

        self.ops.read("related", fn, self._show_related, owner=self)

    def _show_related(self, result: tuple[int, list]) -> None:
        entry_id, related = result
        if entry_id == self.editor.entry_id:
            self.context.show_related(related)

    def _show_context(self, ctx: EntryContext) -> None:
        if ctx.entry_id == self.editor.entry_id:
            self.context.show_context(ctx)

    def _show_on_this_day(self, summary: DaySummary) -> None:
        if summary.day == self.day_panel.day:
            self.context.show_on_this_day(summary.on_this_day)

    def _on_changed(self, change: Change, origin: object) -> None:
        """Refresh what the change can affect, once, a moment later."""
        touched = (change.entries - change.text_only) | change.removed_entries
        if not touched:
            return  # only the text of an entry changed: nothing shown here depends on it
        shown = set(self.day_panel.entries.ids())
        if change.created is not None or change.removed_entries or touched & shown:
            self._refresh_wanted |= {"marks", "day"}
        self._refresh_wanted |= {"streak", "context"}
        self._refresh_timer.start()

    def _refresh(self) -> None:
        wanted, self._refresh_wanted = self._refresh_wanted, set()
        if "marks" in wanted:
            self.day_panel.refresh_marks()
        if "day" in wanted:
            self.day_panel.refresh_day()
        if "streak" in wanted:
            self.day_panel.refresh_streak()
        if "context" in wanted and self.editor.entry_id is not None:
            self.ops.entry_context(self.editor.entry_id, self._show_context, owner=self)

    # ---- Stage hooks ----------------------------------------------------------------------

    def activated(self) -> None:
        if self.editor.entry is not None:
            self.editor.text.setFocus()

    def flush(self) -> None:
        self.editor.flush()

    def settings_closed(self) -> None:
        self.day_panel.refresh_prompt()

    def closing(self) -> None:
        self.editor.close_entry()

    def unsaved(self) -> BaseException | None:
        return self.editor.unsaved_error

    def save_state(self) -> dict[str, Any]:
        return {
            "split": _state(self.split),
            "editor_split": _state(self.editor.split),
            "preview": self.collapser.wanted(self.editor.preview),
            "entry": self.editor.entry_id,
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        _restore(self.split, state.get("split"))
        _restore(self.editor.split, state.get("editor_split"))
        if state.get("preview") is True and self.ops.setting(PREVIEW_KEY) is None:
            # Saved before the styled editor, when the preview was always on: keep it for
            # this user (a new user starts without it).
            self.editor.toolbar.preview_action.setChecked(True)
        entry = state.get("entry")
        self._restore_entry = entry if isinstance(entry, int) else None


def _state(split: QSplitter) -> str:
    return bytes(split.saveState().toBase64().data()).decode("ascii")


def _restore(split: QSplitter, state: object) -> None:
    """Splitter sizes as saved (Qt scales them if the window is now smaller)."""
    if isinstance(state, str):
        split.restoreState(QByteArray.fromBase64(state.encode("ascii")))


def create_stage(ctx: GuiContext) -> Stage:
    return SenseStage(ctx)
