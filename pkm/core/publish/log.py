"""The publish log: per entry and target, where it went and what was sent.

States: 'pending' is written before a create is sent, with the idempotency
key, and stays when the answer never came (so the next attempt looks the
post up or reuses the key instead of posting twice); 'published' has the
remote id and URL; 'failed' means a create was refused outright and nothing
exists remotely. Every attempt also leaves an event row (the history shown
by `pkm publications list`). Error texts stored here are already scrubbed of
secrets by the caller.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from typing import Any

from pkm.core.clock import Clock, iso
from pkm.core.db import Store
from pkm.core.publish.base import Remote


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Publication:
    id: int
    entry_id: int
    target: str
    kind: str
    state: str
    status: str
    remote_id: str
    url: str
    idempotency_key: str
    content_hash: str
    error: str
    created: str
    updated: str
    published_at: str | None

    @property
    def remote(self) -> Remote:
        return Remote(self.remote_id, self.url, self.status)

    def as_dict(self) -> dict[str, Any]:
        return {
            "entry_id": self.entry_id,
            "target": self.target,
            "kind": self.kind,
            "state": self.state,
            "status": self.status,
            "remote_id": self.remote_id,
            "url": self.url,
            "content_hash": self.content_hash,
            "error": self.error,
            "published_at": self.published_at,
            "updated": self.updated,
        }


@dataclass(frozen=True)
class TargetState:
    """Where one post stands on one target, as the post window and `pkm posts list` say it."""

    target: str
    kind: str
    state: str  # published, draft (saved as a draft there), pending, failed
    when: str | None  # last successful send
    url: str
    edited_since: bool  # the post changed after it was last sent

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "kind": self.kind,
            "state": self.state,
            "when": self.when,
            "url": self.url,
            "edited_since": self.edited_since,
        }


def target_states(pubs: list[Publication], entry_updated: str) -> list[TargetState]:
    """Each publication of one entry as a state; 'edited since' compares the entry's last
    save with the last send (both ISO times in UTC, so they compare as text)."""
    out = []
    for p in pubs:
        state = p.state
        if state == "published" and p.status == "draft":
            state = "draft"
        sent = p.published_at
        out.append(
            TargetState(p.target, p.kind, state, sent, p.url, bool(sent and entry_updated > sent))
        )
    return out


_SELECT = """SELECT p.*, t.name AS target, t.kind AS kind FROM publications p
             JOIN publish_targets t ON t.id = p.target_id"""


def _pub(row: sqlite3.Row) -> Publication:
    return Publication(
        id=row["id"],
        entry_id=row["entry_id"],
        target=row["target"],
        kind=row["kind"],
        state=row["state"],
        status=row["status"],
        remote_id=row["remote_id"],
        url=row["url"],
        idempotency_key=row["idempotency_key"],
        content_hash=row["content_hash"],
        error=row["error"],
        created=row["created"],
        updated=row["updated"],
        published_at=row["published_at"],
    )


class PublishLog:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # ---- reading -------------------------------------------------------------------

    def get(self, entry_id: int, target_id: int) -> Publication | None:
        row = self._store.one(
            f"{_SELECT} WHERE p.entry_id = ? AND p.target_id = ?", (entry_id, target_id)
        )
        return _pub(row) if row else None

    def list(self, entry_id: int | None = None) -> list[Publication]:
        if entry_id is None:
            rows = self._store.query(f"{_SELECT} ORDER BY p.updated DESC, p.id DESC")
        else:
            rows = self._store.query(
                f"{_SELECT} WHERE p.entry_id = ? ORDER BY p.updated DESC, p.id DESC", (entry_id,)
            )
        return [_pub(r) for r in rows]

    def events(self, publication_id: int) -> list[dict[str, Any]]:
        rows = self._store.query(
            "SELECT at, action, content_hash, detail FROM publish_events "
            "WHERE publication_id = ? ORDER BY at, id",
            (publication_id,),
        )
        return [dict(r) for r in rows]

    def public_url(self, entry_id: int, kinds: tuple[str, ...]) -> str:
        """The newest public URL of this entry on a target of one of `kinds` (for a link back)."""
        marks = ",".join("?" * len(kinds))
        row = self._store.one(
            f"""{_SELECT} WHERE p.entry_id = ? AND p.state = 'published' AND p.url != ''
                AND t.kind IN ({marks}) AND p.status NOT IN ('draft', 'private', 'pending')
                ORDER BY p.published_at DESC LIMIT 1""",
            (entry_id, *kinds),
        )
        return row["url"] if row else ""

    # ---- writing -------------------------------------------------------------------

    def begin(self, entry_id: int, target_id: int, key: str, sent_hash: str) -> int:
        """Record an attempt to create *before* sending it; returns the publication id."""
        now = iso(self._clock())

        def write(conn: sqlite3.Connection) -> int:
            conn.execute(
                """INSERT INTO publications(entry_id, target_id, state, idempotency_key,
                       content_hash, created, updated)
                   VALUES (?, ?, 'pending', ?, ?, ?, ?)
                   ON CONFLICT(entry_id, target_id) DO UPDATE SET
                       state = 'pending', idempotency_key = excluded.idempotency_key,
                       content_hash = excluded.content_hash, error = '',
                       updated = excluded.updated""",
                (entry_id, target_id, key, sent_hash, now, now),
            )
            pub_id = conn.execute(
                "SELECT id FROM publications WHERE entry_id = ? AND target_id = ?",
                (entry_id, target_id),
            ).fetchone()[0]
            self._event(conn, pub_id, now, "attempt", sent_hash, "")
            return int(pub_id)

        return self._store.write(write)

    def succeeded(self, pub_id: int, remote: Remote, sent_hash: str, action: str) -> None:
        now = iso(self._clock())

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                """UPDATE publications SET state = 'published', remote_id = ?, url = ?,
                       status = ?, content_hash = ?, error = '', updated = ?, published_at = ?
                   WHERE id = ?""",
                (remote.remote_id, remote.url, remote.status, sent_hash, now, now, pub_id),
            )
            self._event(conn, pub_id, now, action, sent_hash, remote.url)

        self._store.write(write)

    def failed(self, pub_id: int, message: str, *, uncertain: bool, creating: bool) -> None:
        """A create that was refused becomes 'failed'; an unanswered one stays 'pending'.

        A failed update leaves the row 'published': the old post is still there.
        """
        now = iso(self._clock())

        def write(conn: sqlite3.Connection) -> None:
            if creating and not uncertain:
                conn.execute(
                    "UPDATE publications SET state = CASE WHEN remote_id = '' THEN 'failed' "
                    "ELSE 'published' END, error = ?, updated = ? WHERE id = ?",
                    (message, now, pub_id),
                )
            else:
                conn.execute(
                    "UPDATE publications SET error = ?, updated = ? WHERE id = ?",
                    (message, now, pub_id),
                )
            self._event(conn, pub_id, now, "uncertain" if uncertain else "failed", "", message)

        self._store.write(write)

    def forget_remote(self, pub_id: int) -> None:
        """The user chose to publish anew (the old post was deleted, or a second copy)."""
        now = iso(self._clock())

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE publications SET remote_id = '', url = '', status = '', "
                "state = 'failed', updated = ? WHERE id = ?",
                (now, pub_id),
            )
            self._event(conn, pub_id, now, "forgotten", "", "publishing anew")

        self._store.write(write)

    def _event(
        self, conn: sqlite3.Connection, pub_id: int, at: str, action: str, h: str, detail: str
    ) -> None:
        conn.execute(
            "INSERT INTO publish_events(publication_id, at, action, content_hash, detail) "
            "VALUES (?, ?, ?, ?, ?)",
            (pub_id, at, action, h, detail[:500]),
        )
