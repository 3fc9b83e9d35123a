"""Keeping the search index in step with SQLite.

Writers call `queue_index()` inside their transaction; `SearchService.sync()`
drains the queue into the index afterwards. The queue is the contract that
makes the index safe to delete or to fall behind after a crash: whatever is
queued or missing is rebuilt from SQLite, the source of truth.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from pkm.core.db import Store

BATCH = 500


def queue_index(conn: sqlite3.Connection, keys: Iterable[str]) -> None:
    """Mark documents for (re)indexing or removal, inside the caller's transaction."""
    for key in keys:
        conn.execute(
            """INSERT INTO index_queue(key, seq)
               VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM index_queue))
               ON CONFLICT(key) DO UPDATE SET seq = excluded.seq""",
            (key,),
        )


class DocSource(Protocol):
    """One kind of searchable thing (entries, feed items) as the index sees it."""

    prefix: str  # the part of the key before ':' ("entry", "item")

    def load(self, ids: Sequence[int]) -> Mapping[int, object]:
        """id -> IndexDoc for those that exist and are searchable; absent ids get removed."""

    def iter_all(self) -> Iterator[object]:
        """Every searchable document, for a rebuild."""

    def count(self) -> int: ...

    def texts(self, ids: Sequence[int]) -> Mapping[int, str]:
        """Plain text bodies, for snippets."""


def split_key(key: str) -> tuple[str, int]:
    prefix, _, num = key.partition(":")
    return prefix, int(num)


class SearchService:
    """The workspace's search: the Whoosh index plus the sources it is derived from."""

    def __init__(self, store: Store, index_dir: Path) -> None:
        self._store = store
        self._dir = index_dir
        self._sources: dict[str, DocSource] = {}
        self._index = None
        self._lock = threading.Lock()  # one writer (Whoosh allows one)

    def add_source(self, source: DocSource) -> None:
        self._sources[source.prefix] = source

    @property
    def index(self):
        if self._index is None:
            from pkm.core.search import SearchIndex

            self._index = SearchIndex(self._dir)
        return self._index

    def needs_rebuild(self) -> bool:
        return self.index.needs_rebuild()

    def pending(self) -> int:
        return int(self._store.scalar("SELECT COUNT(*) FROM index_queue"))

    def total_docs(self) -> int:
        return sum(s.count() for s in self._sources.values())

    def rebuild(
        self,
        progress: Callable[[int, int | None], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> int:
        """Rebuild the whole index from SQLite. Changes queued meanwhile stay queued."""
        with self._lock:
            high = int(self._store.scalar("SELECT COALESCE(MAX(seq), 0) FROM index_queue"))

            def docs() -> Iterator[object]:
                for source in self._sources.values():
                    yield from source.iter_all()

            n = self.index.rebuild(
                docs(), total=self.total_docs(), progress=progress, cancel=cancel
            )
            if not self.index.needs_rebuild():
                with self._store.transaction() as conn:
                    conn.execute("DELETE FROM index_queue WHERE seq <= ?", (high,))
            return n

    def sync(
        self, *, rebuild_if_needed: bool = True, between_batches: Callable[[], None] | None = None
    ) -> int:
        """Bring the index up to date: rebuild if it is missing, else apply the queue.

        Writers pass rebuild_if_needed=False: a save must stay quick, and a
        missing index is rebuilt where progress can be shown (search, startup).
        ``between_batches`` runs after each batch is committed: the window lets
        waiting saves run there, so a sync after a big refresh never holds them.
        """
        if self.needs_rebuild():
            return self.rebuild() if rebuild_if_needed else 0
        done = 0
        with self._lock:
            while True:
                rows = self._store.query(
                    "SELECT key, seq FROM index_queue ORDER BY seq LIMIT ?", (BATCH,)
                )
                if not rows:
                    return done
                self._apply([r["key"] for r in rows])
                with self._store.transaction() as conn:
                    conn.executemany(
                        "DELETE FROM index_queue WHERE key = ? AND seq = ?",
                        [(r["key"], r["seq"]) for r in rows],
                    )
                done += len(rows)
                if between_batches is not None:
                    between_batches()

    def sync_if_idle(self, *, between_batches: Callable[[], None] | None = None) -> int | None:
        """sync() unless this index is being written right now (None then).

        The window calls this right after each write, on its writer thread. A save
        that runs between the steps of a rebuild or of a long sync would otherwise
        wait for a lock its own thread holds; that rebuild or sync applies the
        save's queued change itself before it ends.
        """
        if not self._lock.acquire(blocking=False):
            return None
        self._lock.release()
        return self.sync(rebuild_if_needed=False, between_batches=between_batches)

    def _apply(self, keys: list[str]) -> None:
        wanted: dict[str, list[int]] = {}
        for key in keys:
            prefix, num = split_key(key)
            wanted.setdefault(prefix, []).append(num)
        docs, gone = [], []
        for prefix, ids in wanted.items():
            source = self._sources.get(prefix)
            found = source.load(ids) if source else {}
            for i in ids:
                doc = found.get(i)
                if doc is None:
                    gone.append(f"{prefix}:{i}")
                else:
                    docs.append(doc)
        self.index.update(docs, delete_keys=gone)

    def fetch_text(self, keys: Sequence[str]) -> dict[str, str]:
        wanted: dict[str, list[int]] = {}
        for key in keys:
            prefix, num = split_key(key)
            wanted.setdefault(prefix, []).append(num)
        out: dict[str, str] = {}
        for prefix, ids in wanted.items():
            source = self._sources.get(prefix)
            if source:
                for i, text in source.texts(ids).items():
                    out[f"{prefix}:{i}"] = text
        return out

    def search(
        self, query: str, *, limit: int = 20, as_you_type: bool = False, sort: str = "relevance"
    ):
        return self.index.search(
            query, limit=limit, fetch_text=self.fetch_text, sort=sort, as_you_type=as_you_type
        )

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
