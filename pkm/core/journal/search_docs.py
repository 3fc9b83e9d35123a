"""Journal entries as search documents."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pkm.core.clock import parse_iso
from pkm.core.db import Store, in_chunks
from pkm.core.journal.derived import entry_key
from pkm.core.journal.listing import count_entries
from pkm.core.journal.model import Entry
from pkm.core.journal.rows import ENTRY_COLUMNS, entries_from_rows, fetch_entries
from pkm.core.markdown import to_plain


def _sources_by_entry(store: Store, ids: Sequence[int]) -> dict[int, str]:
    out: dict[int, set[str]] = {}
    for marks, part in in_chunks(ids):
        for r in store.query(
            f"SELECT entry_id, feed, title FROM clips WHERE entry_id IN {marks}", part
        ):
            out.setdefault(r["entry_id"], set()).update(x for x in (r["feed"],) if x)
    return {k: " ".join(sorted(v)) for k, v in out.items()}


class EntryDocs:
    prefix = "entry"

    def __init__(self, store: Store) -> None:
        self._store = store

    def _docs(self, entries: list[Entry]) -> list:
        from pkm.core.search import IndexDoc

        sources = _sources_by_entry(self._store, [e.id for e in entries])
        return [
            IndexDoc(
                key=entry_key(e.id),
                kinds=("entry", e.kind),
                title=e.title,
                body=to_plain(e.body),
                day=e.day,
                tags=e.tags,
                source=sources.get(e.id, ""),
                updated=parse_iso(e.updated).timestamp() if e.updated else 0.0,
            )
            for e in entries
        ]

    def load(self, ids: Sequence[int]) -> dict[int, object]:
        entries = fetch_entries(self._store, list(ids))
        return {int(d.key.split(":")[1]): d for d in self._docs(entries)}

    def iter_all(self) -> Iterator[object]:
        last = 0
        while True:
            rows = self._store.query(
                f"SELECT {ENTRY_COLUMNS} FROM entries WHERE deleted_at IS NULL AND id > ? "
                "ORDER BY id LIMIT 1000",
                (last,),
            )
            if not rows:
                return
            last = rows[-1]["id"]
            yield from self._docs(entries_from_rows(self._store, rows))

    def count(self) -> int:
        return count_entries(self._store)

    def texts(self, ids: Sequence[int]) -> dict[int, str]:
        return {
            r["id"]: to_plain(r["body"])
            for marks, part in in_chunks(ids)
            for r in self._store.query(f"SELECT id, body FROM entries WHERE id IN {marks}", part)
        }
