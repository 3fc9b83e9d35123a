"""The daily reminder to write: when it is due, from the settings and the clock.

Off by default. The user picks a time and the days (Settings › Reminder, or on the
welcome). The window checks every half minute whether :func:`due` and, if so, records
the day with :func:`mark_fired` *before* delivering, so it fires once a day however
the checks fall: a laptop that sleeps past 20:30 gets the reminder when it wakes (the
same evening), never twice, and never for a day already gone.

Why a stored "last fired" date instead of a timer set for the time: timers do not run
while the machine sleeps, and pkm may be restarted in between; the date in the
settings survives both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pkm.core.errors import BadInput
from pkm.core.settings import Settings

ENABLED = "reminder.enabled"
TIME = "reminder.time"
DAYS = "reminder.days"
LAST = "reminder.last_fired"

DEFAULT_TIME = "20:30"
EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)  # Monday = 0, as datetime.weekday()
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class ReminderSettings:
    enabled: bool
    time: dt.time
    days: tuple[int, ...]
    last_fired: dt.date | None

    def describe(self) -> str:
        """'Every day at 20:30', 'Mon–Fri at 07:45', 'Off'."""
        if not self.enabled:
            return "Off"
        if set(self.days) == set(EVERY_DAY):
            when = "Every day"
        elif set(self.days) == {0, 1, 2, 3, 4}:
            when = "Weekdays"
        elif not self.days:
            return "On, but no day is chosen"
        else:
            when = ", ".join(DAY_NAMES[d] for d in sorted(self.days))
        return f"{when} at {self.time:%H:%M}"


def parse_time(text: str) -> dt.time:
    """'20:30' or '7:05'; a clear message otherwise."""
    try:
        hours, minutes = text.strip().split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError:
        raise BadInput(
            f"'{text}' is not a time of day: write it as hours:minutes, e.g. 20:30."
        ) from None


def read(settings: Settings) -> ReminderSettings:
    """The reminder as stored; anything damaged reads as the default (never an error)."""
    try:
        time = parse_time(str(settings.get(TIME, DEFAULT_TIME)))
    except BadInput:
        time = parse_time(DEFAULT_TIME)
    days_raw = settings.get(DAYS, list(EVERY_DAY))
    days = tuple(
        sorted({d for d in days_raw if isinstance(d, int) and 0 <= d <= 6})
        if isinstance(days_raw, list)
        else EVERY_DAY
    )
    last = settings.get(LAST)
    try:
        last_day = dt.date.fromisoformat(last) if isinstance(last, str) else None
    except ValueError:
        last_day = None
    return ReminderSettings(bool(settings.get(ENABLED, False)), time, days, last_day)


def save(settings: Settings, *, enabled: bool, time: dt.time, days: tuple[int, ...]) -> None:
    settings.set(ENABLED, enabled)
    settings.set(TIME, f"{time:%H:%M}")
    settings.set(DAYS, sorted(set(days)))


def due(r: ReminderSettings, now: dt.datetime) -> bool:
    """True when today's reminder should be shown now (``now`` in the user's time zone).

    Due from the chosen time until midnight on a chosen day, unless it already fired
    today. A reminder turned on at 21:00 for 20:30 fires at once: the user asked for
    today's evening nudge and it is still today.
    """
    if not r.enabled or now.weekday() not in r.days:
        return False
    if r.last_fired is not None and r.last_fired >= now.date():
        return False
    return now.time() >= r.time


def mark_fired(settings: Settings, day: dt.date) -> None:
    settings.set(LAST, day.isoformat())
