"""The daily entry (one per day, made from the daily template) and the stored templates."""

from __future__ import annotations

import datetime as dt

from pkm.core.changes import Change
from pkm.core.clock import Clock
from pkm.core.db import Store
from pkm.core.errors import BadInput, NotFound
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


#: The user's prompts are kept in the templates table under this name, one per line
#: (no migration needed; a missing row means the built-in prompts).
PROMPTS_ROW = "prompts"
MAX_PROMPT = 300


def prompt_list(store: Store) -> tuple[str, ...]:
    """The user's prompts if they set any, else the built-in ones."""
    r = store.one("SELECT body FROM templates WHERE name = ?", (PROMPTS_ROW,))
    if r is not None:
        lines = tuple(line.strip() for line in r["body"].splitlines() if line.strip())
        if lines:
            return lines
    return prompts.DEFAULT_PROMPTS


def set_prompts(store: Store, lines: list[str]) -> tuple[str, ...]:
    """Keep the user's prompts (blank lines dropped); at least one is needed."""
    kept = tuple(line.strip() for line in lines if line.strip())
    if not kept:
        raise BadInput("Write at least one prompt, one per line, or press Reset to use pkm's own.")
    long = next((p for p in kept if len(p) > MAX_PROMPT), None)
    if long is not None:
        raise BadInput(
            f"A prompt is a question of a line or two; this one has {len(long)} characters "
            f"(at most {MAX_PROMPT}): “{long[:40]}…”."
        )
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO templates(name, body) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET body = excluded.body",
            (PROMPTS_ROW, "\n".join(kept)),
        )
    return kept


def reset(store: Store, name: str) -> None:
    """Back to pkm's own template (or prompts, for ``PROMPTS_ROW``)."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM templates WHERE name = ?", (name,))


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
    body = prompts.fill_template(template(store, "daily"), day, prompt_list(store))
    return entries.insert(store, clock, "daily", prompts.daily_title(day), body, day, ())
