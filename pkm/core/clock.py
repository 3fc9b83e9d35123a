"""Time, injectable: streaks, "today" and revision throttling depend on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local_today(clock: Clock) -> dt.date:
    """The user's calendar day: a 23:30 entry belongs to that evening, not to UTC's tomorrow."""
    return clock().astimezone().date()


def iso(ts: dt.datetime) -> str:
    return ts.astimezone(dt.UTC).isoformat(timespec="seconds")


def parse_iso(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def timestamp(text: str | None) -> float:
    """An ISO time as seconds since the epoch; 0.0 for none or a bad one (a search
    document's "newest" order must never fail on one odd row)."""
    if not text:
        return 0.0
    try:
        return dt.datetime.fromisoformat(text).timestamp()
    except ValueError:
        return 0.0


def parse_day(text: str) -> dt.date:
    """YYYY-MM-DD, also 'today' / 'yesterday'. Raises BadInput with a clear message."""
    from pkm.core.errors import BadInput

    t = text.strip().lower()
    try:
        return dt.date.fromisoformat(t)
    except ValueError:
        raise BadInput(
            f"'{text}' is not a date. Write it as YYYY-MM-DD, for example 2026-03-31."
        ) from None
