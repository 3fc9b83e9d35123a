"""What the Seek stage can show in its item list, and how times read to a person.

A view is one line of the tree: a smart view ("All unread", "Today",
"Starred"), a folder or a feed. Its key ("feed:3") is what the window saves
to reopen on the same view, so keys must stay stable across versions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SMART = ("unread", "today", "starred")
SMART_TITLES = {"unread": "All unread", "today": "Today", "starred": "Starred"}
SMART_TIPS = {
    "unread": "Every article you have not read yet, newest first",
    "today": "Articles published or received today",
    "starred": "Articles you starred (s): kept forever, never cleaned up",
}


@dataclass(frozen=True)
class View:
    kind: str  # "unread" | "today" | "starred" | "folder" | "feed"
    id: int | None = None

    @property
    def key(self) -> str:
        return self.kind if self.id is None else f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, key: object) -> View | None:
        """The view a saved key names, or None for anything unexpected."""
        if not isinstance(key, str):
            return None
        if key in SMART:
            return cls(key)
        kind, _, num = key.partition(":")
        if kind in ("folder", "feed") and num.isdigit():
            return cls(kind, int(num))
        return None

    @property
    def filterable(self) -> bool:
        """Whether "Unread only" means something here (All unread is always unread;
        Starred shows every starred article, read or not, or it would look empty)."""
        return self.kind in ("today", "folder", "feed")


UNREAD = View("unread")


def parse_stamp(stamp: str | None) -> dt.datetime | None:
    if not stamp:
        return None
    try:
        t = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def age(stamp: str | None, now: dt.datetime) -> str:
    """How long ago, the way a person says it at a glance: "now", "5 min", "2 h", "3 d", "12 Nov"."""
    t = parse_stamp(stamp)
    if t is None:
        return ""
    secs = (now - t).total_seconds()
    if secs < 60:
        return "now"
    if secs < 3600:
        return f"{int(secs // 60)} min"
    if secs < 86400:
        return f"{int(secs // 3600)} h"
    if secs < 7 * 86400:
        return f"{int(secs // 86400)} d"
    local = t.astimezone()
    text = f"{local.day} {local:%b}"
    return text if local.year == now.astimezone().year else f"{text} {local.year}"


def long_date(stamp: str | None) -> str:
    """For the reader: "Friday 20 November 2026, 09:00" in the user's time zone."""
    t = parse_stamp(stamp)
    if t is None:
        return ""
    local = t.astimezone()
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M}"


def day_start(day: dt.date) -> str:
    """The first moment of ``day`` in the user's time zone, as the core stores times (UTC)."""
    local = dt.datetime(day.year, day.month, day.day).astimezone()
    return local.astimezone(dt.UTC).isoformat(timespec="seconds")
