"""What a core call changed, so views refresh exactly that and nothing more."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Change:
    entries: set[int] = field(default_factory=set)
    items: set[int] = field(default_factory=set)
    feeds: set[int] = field(default_factory=set)
    removed_entries: set[int] = field(default_factory=set)
    created: int | None = None  # the id of the one thing a call created, if any
    #: Entries (also in ``entries``) whose text alone changed: same title, tags, links
    #: and day, so lists, calendars, streaks and side panels need no redraw.
    text_only: set[int] = field(default_factory=set)

    def merge(self, other: Change) -> Change:
        more = (self.entries - self.text_only) | (other.entries - other.text_only)
        self.text_only = (self.text_only | other.text_only) - more
        self.entries |= other.entries
        self.items |= other.items
        self.feeds |= other.feeds
        self.removed_entries |= other.removed_entries
        self.created = self.created if self.created is not None else other.created
        return self

    def __bool__(self) -> bool:
        return bool(self.entries or self.items or self.feeds or self.removed_entries)
