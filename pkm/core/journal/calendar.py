"""Calendar views of the journal: days with entries, streaks, on this day."""

from __future__ import annotations

import datetime as dt
import itertools

from pkm.core.db import Store
from pkm.core.journal.model import Streaks


def days_with_entries(store: Store, start: dt.date, end: dt.date) -> dict[str, int]:
    """Day -> number of entries, for painting a month (or a year) of the calendar."""
    rows = store.query(
        """SELECT day, COUNT(*) AS n FROM entries
           WHERE deleted_at IS NULL AND day BETWEEN ? AND ?
           GROUP BY day ORDER BY day""",
        (start.isoformat(), end.isoformat()),
    )
    return {r["day"]: r["n"] for r in rows}


def _written_days(store: Store, until: dt.date) -> list[dt.date]:
    # A day counts when the user wrote something: opening today's entry
    # (created from the template, never edited) does not keep a streak alive.
    rows = store.query(
        """SELECT DISTINCT day FROM entries
           WHERE deleted_at IS NULL AND day <= ? AND length(trim(body)) > 0
             AND (kind != 'daily' OR edited = 1)
           ORDER BY day""",
        (until.isoformat(),),
    )
    return [dt.date.fromisoformat(r["day"]) for r in rows]


def streaks(store: Store, today: dt.date) -> Streaks:
    """Current streak counts back from today, or from yesterday if today is still blank."""
    days = _written_days(store, today)
    if not days:
        return Streaks(0, 0, None)
    longest = run = 1
    for prev, cur in itertools.pairwise(days):
        run = run + 1 if (cur - prev).days == 1 else 1
        longest = max(longest, run)
    current = 0
    if (today - days[-1]).days <= 1:
        current = 1
        for prev, cur in zip(reversed(days[:-1]), reversed(days[1:]), strict=False):
            if (cur - prev).days != 1:
                break
            current += 1
    return Streaks(current, longest, days[-1].isoformat())


def on_this_day_ids(store: Store, day: dt.date) -> list[int]:
    """Entries written on this month and day in earlier years, newest year first."""
    rows = store.query(
        """SELECT id FROM entries
           WHERE deleted_at IS NULL AND substr(day, 6) = ? AND day < ?
           ORDER BY day DESC, id""",
        (f"{day:%m-%d}", f"{day.year:04d}-01-01"),
    )
    return [r["id"] for r in rows]
