"""Feed items as search documents (`kind:item`, `source:` the feed's title).

Imported by the workspace at start-up, so it imports nothing heavy: the
search engine itself is imported only when documents are built. Duplicates
of an article are not indexed: one search hit per article.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pkm.core.clock import timestamp
from pkm.core.db import Store, in_chunks

_COLUMNS = "id, title, text, feed_title, published, sort_at, updated_at, first_seen"


class ItemDocs:
    prefix = "item"

    def __init__(self, store: Store) -> None:
        self._store = store

    def _docs(self, rows: list) -> list:
        from pkm.core.search import IndexDoc

        tags = self._tags([r["id"] for r in rows])
        return [
            IndexDoc(
                key=f"item:{r['id']}",
                kinds=("item",),
                title=r["title"],
                body=r["text"],
                day=(r["published"] or r["sort_at"])[:10],
                tags=tags.get(r["id"], ()),
                source=r["feed_title"],
                updated=timestamp(r["updated_at"] or r["first_seen"]),
            )
            for r in rows
        ]

    def _tags(self, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        out: dict[int, list[str]] = {}
        for marks, part in in_chunks(ids):
            for r in self._store.query(
                f"SELECT item_id, tag FROM item_tags WHERE item_id IN {marks} ORDER BY tag", part
            ):
                out.setdefault(r["item_id"], []).append(r["tag"])
        return {k: tuple(v) for k, v in out.items()}

    def load(self, ids: Sequence[int]) -> dict[int, object]:
        out: dict[int, object] = {}
        for marks, part in in_chunks(ids):
            rows = self._store.query(
                f"SELECT {_COLUMNS} FROM items WHERE id IN {marks} AND dup_of IS NULL", part
            )
            for doc, r in zip(self._docs(rows), rows, strict=True):
                out[r["id"]] = doc
        return out

    def iter_all(self) -> Iterator[object]:
        last = 0
        while True:
            rows = self._store.query(
                f"SELECT {_COLUMNS} FROM items WHERE dup_of IS NULL AND id > ? "
                "ORDER BY id LIMIT 1000",
                (last,),
            )
            if not rows:
                return
            last = rows[-1]["id"]
            yield from self._docs(rows)

    def count(self) -> int:
        return int(self._store.scalar("SELECT COUNT(*) FROM items WHERE dup_of IS NULL"))

    def texts(self, ids: Sequence[int]) -> dict[int, str]:
        return {
            r["id"]: r["text"]
            for marks, part in in_chunks(ids)
            for r in self._store.query(f"SELECT id, text FROM items WHERE id IN {marks}", part)
        }
