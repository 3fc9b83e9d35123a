"""Responses as search documents (`kind:response`, `source:` the target's name).

Imported by the workspace at start-up, so it imports nothing heavy (the
publishing adapters and httpx stay unloaded). Only responses with words
(comments and replies) are documents: a like is a count, not something to find.
The title names who answered which post, so a hit reads "Bob on Working out loud".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pkm.core.clock import timestamp
from pkm.core.db import Store, in_chunks

_SELECT = """SELECT r.id, r.author, r.text, r.at, r.updated, t.name AS target,
                    COALESCE(e.title, '') AS post_title
             FROM responses r JOIN publications p ON p.id = r.publication_id
             JOIN publish_targets t ON t.id = p.target_id
             LEFT JOIN entries e ON e.id = p.entry_id
             WHERE r.kind IN ('comment', 'reply')"""


class ResponseDocs:
    prefix = "response"

    def __init__(self, store: Store) -> None:
        self._store = store

    def _docs(self, rows: list) -> list:
        from pkm.core.search import IndexDoc

        return [
            IndexDoc(
                key=f"response:{r['id']}",
                kinds=("response",),
                title=f"{r['author'] or 'Someone'} on {r['post_title'] or 'a post'}",
                body=r["text"],
                day=(r["at"] or r["updated"])[:10],
                source=r["target"],
                updated=timestamp(r["updated"]),
            )
            for r in rows
        ]

    def load(self, ids: Sequence[int]) -> dict[int, object]:
        out: dict[int, object] = {}
        for marks, part in in_chunks(ids):
            rows = self._store.query(f"{_SELECT} AND r.id IN {marks}", part)
            for doc, r in zip(self._docs(rows), rows, strict=True):
                out[r["id"]] = doc
        return out

    def iter_all(self) -> Iterator[object]:
        last = 0
        while True:
            rows = self._store.query(f"{_SELECT} AND r.id > ? ORDER BY r.id LIMIT 1000", (last,))
            if not rows:
                return
            last = rows[-1]["id"]
            yield from self._docs(rows)

    def count(self) -> int:
        return int(
            self._store.scalar("SELECT COUNT(*) FROM responses WHERE kind IN ('comment', 'reply')")
        )

    def texts(self, ids: Sequence[int]) -> dict[int, str]:
        return {
            r["id"]: r["text"]
            for marks, part in in_chunks(ids)
            for r in self._store.query(f"SELECT id, text FROM responses WHERE id IN {marks}", part)
        }


def unseen_count(store: Store) -> int:
    """Responses the user has not looked at yet (the count on Share in the sidebar).

    Here, not only in responses.py, so the window can count at start-up without importing
    the publishing adapters and the network stack on the reader while the window starts."""
    return int(store.scalar("SELECT COUNT(*) FROM responses WHERE seen = 0"))
