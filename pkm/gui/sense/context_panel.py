"""The right column of Sense: what connects to the open entry.

Tags (click to search them), the entries that link here ("Linked from") and
what was written on this date in earlier years ("On this day").
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidgetItem, QVBoxLayout, QWidget

from pkm.core.journal import Entry
from pkm.gui.operations import EntryContext
from pkm.gui.widgets import (
    KIND_LABELS,
    SUBTITLE,
    EntryList,
    Hint,
    entry_subtitle,
    heading,
    plain_tip,
)

KEY = Qt.ItemDataRole.UserRole + 5  # a related document's index key ("entry:3", "item:9")


class ContextPanel(QWidget):
    entry_activated = Signal(int)
    item_activated = Signal(int)  # an article (Seek)
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
        lay.addWidget(heading("Related"))
        self.related = EntryList(
            "Nothing related yet. As you write, the notes and articles that share its "
            "telling words appear here."
        )
        self.related.setObjectName("related")
        self.related.itemClicked.connect(self._related_clicked)
        self.related.itemActivated.connect(self._related_clicked)
        lay.addWidget(self.related, 1)
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
        self.shared.setMaximumHeight(96)  # a few posts; the hint fits in three lines
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

    def show_related(self, related: list) -> None:
        """``related``: pkm.core.search.related.Related, best first, with the words shared."""
        self.related.clear()
        for r in related:
            item = QListWidgetItem(r.title or "Untitled")
            prefix = r.key.partition(":")[0]
            label = KIND_LABELS.get(r.kinds[-1] if r.kinds else prefix, "")
            item.setData(SUBTITLE, f"{label} · shares: {', '.join(r.shares)}")
            item.setData(KEY, r.key)
            item.setToolTip(plain_tip(f"{r.title}\nShares: {', '.join(r.shares)}"))
            self.related.addItem(item)
        self.related.viewport().update()

    def related_keys(self) -> list[str]:
        return [self.related.item(i).data(KEY) for i in range(self.related.count())]

    def _related_clicked(self, item: QListWidgetItem) -> None:
        prefix, _, num = str(item.data(KEY)).partition(":")
        if num.isdigit():
            (self.entry_activated if prefix == "entry" else self.item_activated).emit(int(num))

    def show_on_this_day(self, entries: list[Entry]) -> None:
        self.on_this_day.set_entries(entries, lambda e: entry_subtitle(e, with_day=True))
