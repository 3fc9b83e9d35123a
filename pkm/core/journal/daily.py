"""The daily entry (one per day, made from the daily template) and the stored templates."""

from __future__ import annotations

import datetime as dt

from pkm.core.changes import Change
from pkm.core.clock import Clock
from pkm.core.db import Store
from pkm.core.errors import NotFound
from pkm.core.journal import entries, prompts
from pkm.core.journal.model import Entry
from pkm.core.journal.rows import daily_entry


def template(store: Store, name: str) -> str:
    """The user's template if they set one, else the built-in default."""
    r = store.one("SELECT body FROM templates WHERE name = ?", (name,))
    if r is not None:
        return r["body"]
    if name in prompts.DEFAULT_TEMPLATES:
        return prompts.DEFAULT_TEMPLATES[name]
    raise NotFound(f"There is no template named '{name}'. Templates: daily, note.")


def set_template(store: Store, name: str, body: str) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO templates(name, body) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET body = excluded.body",
            (name, body),
        )


def daily_for(store: Store, clock: Clock, day: dt.date) -> tuple[Entry, Change]:
    """The day's daily entry, created from the daily template the first time.

    The Change is empty when the entry already existed, so opening a day
    announces nothing.
    """
    existing = daily_entry(store, day)
    if existing:
        return existing, Change()
    body = prompts.fill_template(template(store, "daily"), day)
    return entries.insert(store, clock, "daily", prompts.daily_title(day), body, day, ())
