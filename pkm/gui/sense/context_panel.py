"""The right column of Sense: what connects to the open entry.

Tags (click to search them), the entries that link here ("Linked from") and
what was written on this date in earlier years ("On this day").
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from pkm.core.journal import Entry
from pkm.gui.operations import EntryContext
from pkm.gui.widgets import EntryList, Hint, entry_subtitle, heading


class ContextPanel(QWidget):
    entry_activated = Signal(int)
    search_requested = Signal(str)
    #: The entry whose context is shown (None: no entry); sections added by other
    #: stages (Share's Responses, through hooks.context_panel) follow it.
    context_shown = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 10, 10, 6)
        lay.setSpacing(4)
        lay.addWidget(heading("Tags"))
        self.tags = Hint()
        self.tags.linkActivated.connect(lambda link: self.search_requested.emit(link))
        lay.addWidget(self.tags)
        lay.addWidget(heading("Linked from"))
        self.backlinks = EntryList(
            "No other entry links here yet. Type [[ and this entry's title in another entry "
            "to connect them."
        )
        self.backlinks.entry_activated.connect(self.entry_activated)
        lay.addWidget(self.backlinks, 1)
        self.shared_heading = heading("Shared as")
        lay.addWidget(self.shared_heading)
        self.shared = EntryList(
            "Nothing shared from this entry yet. Select a passage and press Ctrl+Shift+P "
            "(Share this…) to make a post of it."
        )
        self.shared.setObjectName("sharedAs")
        self.shared.entry_activated.connect(self.entry_activated)
        lay.addWidget(self.shared)
        self._sections = lay.count()  # where add_section() puts what other stages add
        lay.addWidget(heading("On this day"))
        self.on_this_day = EntryList("Nothing from earlier years on this date yet.")
        self.on_this_day.entry_activated.connect(self.entry_activated)
        lay.addWidget(self.on_this_day, 1)
        self.show_context(None)

    def add_section(self, widget: QWidget) -> None:
        """A section of another stage's (Share's Responses), below "Shared as"."""
        self.layout().insertWidget(self._sections, widget)
        self._sections += 1

    def show_context(self, ctx: EntryContext | None) -> None:
        self.context_shown.emit(ctx.entry_id if ctx is not None else None)
        if ctx is None:
            self.tags.setText("Open an entry to see its tags and links.")
            self.backlinks.set_entries([])
            return
        if ctx.tags:
            self.tags.setText(" ".join(f"<a href='tag:{t}'>#{t}</a>" for t in ctx.tags))
        else:
            self.tags.setText("No tags yet. Add #tags anywhere in the text.")
        self.backlinks.set_entries(ctx.backlinks, lambda e: entry_subtitle(e, with_day=True))
        if ctx.source is not None:
            self.shared_heading.setText("Drawn from")
            self.shared.set_entries([ctx.source], lambda e: entry_subtitle(e, with_day=True))
        else:
            self.shared_heading.setText("Shared as")
            self.shared.set_entries(list(ctx.posts), lambda e: entry_subtitle(e, with_day=True))

    def show_on_this_day(self, entries: list[Entry]) -> None:
        self.on_this_day.set_entries(entries, lambda e: entry_subtitle(e, with_day=True))
