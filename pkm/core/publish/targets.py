"""Configured targets: name, kind, public URL, user name, options. Never the secret.

Adding a target under an existing name updates it in place (same id), so its
publish log survives a changed password or URL and a re-publish still
updates the same posts. The command line does that only when asked
(`pkm targets add NAME … --replace`, see `refuse_existing`): a name typed
again by mistake must not overwrite a target and its secret; the window's
target dialog edits a target it shows, so it asks nothing. The `cache` column keeps what discovery found (the
API root, an instance's length limit), so previews work offline.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping
from typing import Any

from pkm.core.clock import Clock, iso
from pkm.core.db import Store
from pkm.core.errors import BadInput, NotFound
from pkm.core.publish.base import KINDS, TargetConfig

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
SECRET_LOOKING = ("password", "token", "secret", "key", "webhook")


def _config(row: sqlite3.Row) -> TargetConfig:
    return TargetConfig(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        url=row["url"],
        user=row["username"],
        options=json.loads(row["options"] or "{}"),
        cache=json.loads(row["cache"] or "{}"),
        created=row["created"],
    )


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME_RE.match(name):
        raise BadInput(
            f"'{name}' cannot be a target name. Use up to 40 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (for example: blog, team-slack)."
        )
    return name


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise BadInput(f"'{kind}' is not a kind of target. Use one of: {', '.join(KINDS)}.")
    return kind


def parse_options(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """KEY=VALUE strings -> dict; a secret-looking key is refused (secrets go to the keyring)."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            raise BadInput(
                f"'{pair}' is not an option. Write it as KEY=VALUE, e.g. to=me@example.com."
            )
        if any(word in key for word in SECRET_LOOKING):
            raise BadInput(
                f"'{key}' looks like a secret; options are stored in plain text. "
                "Give secrets with --secret-stdin so they go to the keyring."
            )
        out[key] = value.strip()
    return out


class TargetStore:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def list(self) -> list[TargetConfig]:
        rows = self._store.query("SELECT * FROM publish_targets ORDER BY name COLLATE NOCASE")
        return [_config(r) for r in rows]

    def find(self, name: str) -> TargetConfig | None:
        row = self._store.one("SELECT * FROM publish_targets WHERE name = ?", (name.strip(),))
        return _config(row) if row else None

    def refuse_existing(self, name: str) -> None:
        """BadInput if a target has this name (the CLI's check without --replace)."""
        found = self.find(check_name(name))
        if found is not None:
            raise BadInput(
                f"A target called {found.name} exists; add --replace to replace it "
                "(with --secret-stdin, its secret too)."
            )

    def get(self, name: str) -> TargetConfig:
        found = self.find(name)
        if found is None:
            names = ", ".join(t.name for t in self.list()) or "none yet"
            raise NotFound(
                f"There is no publishing target named '{name}' (configured: {names}). "
                "Add one with 'pkm targets add NAME --kind KIND --url URL'."
            )
        return found

    def save(
        self, name: str, kind: str, url: str, user: str, options: Mapping[str, str]
    ) -> TargetConfig:
        """Add a target, or update the one with this name (its kind must stay the same)."""
        name, kind = check_name(name), check_kind(kind)
        now = iso(self._clock())
        with self._store.transaction() as conn:
            old = conn.execute(
                "SELECT id, kind, url FROM publish_targets WHERE name = ?", (name,)
            ).fetchone()
            if old is not None and old["kind"] != kind:
                raise BadInput(
                    f"The target '{name}' is a {old['kind']} target. Remove it first with "
                    f"'pkm targets remove {name}', or choose another name."
                )
            options_json = json.dumps(dict(options), sort_keys=True)
            if old is None:
                conn.execute(
                    "INSERT INTO publish_targets(name, kind, url, username, options, cache, "
                    "created, updated) VALUES (?, ?, ?, ?, ?, '{}', ?, ?)",
                    (name, kind, url, user, options_json, now, now),
                )
            else:
                # A new address invalidates what was discovered at the old one.
                conn.execute(
                    "UPDATE publish_targets SET url = ?, username = ?, options = ?, updated = ?, "
                    "cache = CASE WHEN url = ? THEN cache ELSE '{}' END WHERE id = ?",
                    (url, user, options_json, now, url, old["id"]),
                )
        return self.get(name)

    def remove(self, name: str) -> tuple[TargetConfig, int]:
        """Delete the target and its publish log; returns how many log rows went with it."""
        target = self.get(name)
        with self._store.transaction() as conn:
            n = conn.execute(
                "SELECT COUNT(*) FROM publications WHERE target_id = ?", (target.id,)
            ).fetchone()[0]
            conn.execute("DELETE FROM publish_targets WHERE id = ?", (target.id,))
        return target, int(n)

    def remember(self, target_id: int, values: Mapping[str, Any]) -> None:
        """Merge discovered values (never secrets) into the target's cache.

        Called while publishing, from a network thread: through store.write, so the
        write itself happens on the window's writer."""

        def write(conn: sqlite3.Connection) -> None:
            row = conn.execute(
                "SELECT cache FROM publish_targets WHERE id = ?", (target_id,)
            ).fetchone()
            if row is None:
                return
            cache = json.loads(row["cache"] or "{}")
            cache.update(values)
            conn.execute(
                "UPDATE publish_targets SET cache = ? WHERE id = ?",
                (json.dumps(cache, sort_keys=True), target_id),
            )

        self._store.write(write)
