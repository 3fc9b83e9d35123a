"""The daily reminder's rule: once a day, from the chosen time, on the chosen days."""

from __future__ import annotations

import datetime as dt

import pytest

from pkm.core import reminder
from pkm.core.errors import BadInput
from pkm.core.settings import Settings


def _at(day: str, hm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}:00")


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(tmp_path / "settings.json")


def test_off_by_default(settings):
    r = reminder.read(settings)
    assert not r.enabled and r.describe() == "Off"
    assert not reminder.due(r, _at("2026-11-23", "23:59"))


def test_fires_once_a_day_even_after_sleeping_past_the_time(settings):
    reminder.save(settings, enabled=True, time=dt.time(20, 30), days=reminder.EVERY_DAY)
    r = reminder.read(settings)
    assert r.describe() == "Every day at 20:30"
    assert not reminder.due(r, _at("2026-11-23", "20:29"))
    # The laptop slept from 19:00 to 22:10: the reminder comes when it wakes.
    assert reminder.due(r, _at("2026-11-23", "22:10"))
    reminder.mark_fired(settings, dt.date(2026, 11, 23))
    r = reminder.read(settings)
    assert not reminder.due(r, _at("2026-11-23", "23:00"))  # not twice
    assert not reminder.due(r, _at("2026-11-24", "08:00"))  # not before tomorrow's time
    assert reminder.due(r, _at("2026-11-24", "20:30"))


def test_only_on_the_chosen_days(settings):
    reminder.save(settings, enabled=True, time=dt.time(7, 45), days=(0, 1, 2, 3, 4))
    r = reminder.read(settings)
    assert r.describe() == "Weekdays at 07:45"
    assert reminder.due(r, _at("2026-11-23", "08:00"))  # a Monday
    assert not reminder.due(r, _at("2026-11-22", "08:00"))  # a Sunday


def test_damaged_settings_read_as_the_default(settings):
    settings.set(reminder.ENABLED, True)
    settings.set(reminder.TIME, "half past eight")
    settings.set(reminder.DAYS, "weekends")
    settings.set(reminder.LAST, "yesterday")
    r = reminder.read(settings)
    assert r.time == dt.time(20, 30) and r.days == reminder.EVERY_DAY and r.last_fired is None


def test_a_bad_time_says_how_to_write_one():
    with pytest.raises(BadInput, match=r"hours:minutes, e\.g\. 20:30"):
        reminder.parse_time("8pm")
