"""Saved searches: a question the user keeps asking ("tag:board after:2026-01-01").

Kept in SQLite (user data, like entries: backed up and never set aside as a
damaged settings file would be). The query is checked when it is saved, so
a saved search never fails later for a typo; its count is the search's exact
total, asked of the index when shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from pkm.core.clock import Clock, iso
from pkm.core.db import Store
from pkm.core.errors import BadInput, NotFound, QueryError

MAX_NAME = 60


@dataclass(frozen=True)
class SavedSearch:
    name: str
    query: str
    created: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "query": self.query, "created": self.created}


def _check(name: str, query: str) -> tuple[str, str]:
    from pkm.core.search import query as q

    name, query = " ".join(name.split()), query.strip()
    if not name:
        raise BadInput("A saved search needs a name, e.g. 'Board'.")
    if len(name) > MAX_NAME:
        raise BadInput(f"The name is {len(name)} characters long; keep it under {MAX_NAME}.")
    if not query:
        raise BadInput("The search is empty: give the words or filters to search for.")
    try:
        if q.parse(query) is None:
            raise QueryError("")
    except QueryError as exc:
        raise BadInput(
            f"'{query}' cannot be saved as a search: "
            + (str(exc) or "it has no word of two letters or more, nor a filter, to look for.")
        ) from None
    return name, query


class SavedSearches:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def list(self) -> list[SavedSearch]:
        rows = self._store.query(
            "SELECT name, query, created FROM saved_searches ORDER BY name COLLATE NOCASE"
        )
        return [SavedSearch(r["name"], r["query"], r["created"]) for r in rows]

    def get(self, name: str) -> SavedSearch:
        r = self._store.one(
            "SELECT name, query, created FROM saved_searches WHERE name = ?", (name.strip(),)
        )
        if r is None:
            raise NotFound(
                f"There is no saved search named '{name}'. List them with 'pkm searches list'."
            )
        return SavedSearch(r["name"], r["query"], r["created"])

    def add(self, name: str, query: str, *, replace: bool = False) -> SavedSearch:
        """Save a search; an existing name needs ``replace`` (never overwritten silently)."""
        name, query = _check(name, query)
        now = iso(self._clock())
        with self._store.transaction() as conn:
            exists = conn.execute(
                "SELECT name FROM saved_searches WHERE name = ?", (name,)
            ).fetchone()
            if exists and not replace:
                raise BadInput(
                    f"There is already a saved search named '{exists[0]}'. Choose another "
                    "name, or replace it (--replace)."
                )
            conn.execute(
                "INSERT INTO saved_searches(name, query, created) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET query = excluded.query, name = excluded.name",
                (name, query, now),
            )
        return self.get(name)

    def remove(self, name: str) -> SavedSearch:
        found = self.get(name)
        with self._store.transaction() as conn:
            conn.execute("DELETE FROM saved_searches WHERE name = ?", (found.name,))
        return found
