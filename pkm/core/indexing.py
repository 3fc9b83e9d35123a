"""Keeping the search index in step with SQLite.

Writers call `queue_index()` inside their transaction; `SearchService.sync()`
drains the queue into the index afterwards. The queue is the contract that
makes the index safe to delete or to fall behind after a crash: whatever is
queued or missing is rebuilt from SQLite, the source of truth.

Which index belongs to which database (issue 10). The queue only helps the
index copy that drains it: an ``index/`` folder copied back from before some
drains lacks what they applied, and a ``pkm.db`` restored or replaced under
a newer index leaves hits for rows it never had. So the two are stamped:

* The database's ``meta`` table (migration 5) holds ``db_id``, a random UUID
  chosen once per database, and ``index_mark``, ``"<n>.<random>"``, replaced
  by a new one (n + 1) every time an index copy drains queue rows or finishes
  a rebuild, in the same transaction that deletes those rows.
* After that transaction the index gets the same two values in its stamp
  (``SearchIndex.write_stamp``, with Whoosh's commit generation).
* An index is used only if its stamp has this ``db_id`` and this
  ``index_mark`` and Whoosh's generation is still the stamped one; anything
  else (no stamp, another database, an older or newer mark, an update
  interrupted after Whoosh's commit) means a rebuild, and until then
  searches find nothing rather than something false. ``stale_reason()`` says
  which, for ``pkm index status``.

Why a mark that changes per drain, and not a generation counted per queued
change (the design first suggested): the queue keeps only the newest change
of each key, so a lowest-generation-still-queued test cannot tell a change
superseded in the queue (harmless) from one drained by another index copy
(missing), and counters of two histories of one database (a restored backup
that then went on) meet again; a random mark compared for equality has
neither problem, and writers pay nothing for it (no UPDATE per queue call).
Equal marks mean the index saw exactly the drains the database records:
every change after them is still queued in this database, or not in it.

The cost of being wrong the safe way: a crash between the two writes, or
another process checking in that instant, costs a rebuild, never a lie.
"""

from __future__ import annotations

import importlib
import secrets
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from pkm.core.db import Store

BATCH = 500
#: A rebuild of at least this many documents runs in a child process
#: (``search/child.py``: it never stalls typing); smaller ones are over
#: before a child would have started, and run on the writer thread.
CHILD_MIN_DOCS = 2000


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
    """One kind of searchable thing (entries, feed items) as the index sees it.

    ``type(source)(store)`` must make an equal one: a rebuild in a child
    process makes its own from the class's name (``workspace_docs``)."""

    prefix: str  # the part of the key before ':' ("entry", "item")

    def load(self, ids: Sequence[int]) -> Mapping[int, object]:
        """id -> IndexDoc for those that exist and are searchable; absent ids get removed."""

    def iter_all(self) -> Iterator[object]:
        """Every searchable document, for a rebuild."""

    def count(self) -> int: ...

    def texts(self, ids: Sequence[int]) -> Mapping[int, str]:
        """Plain text bodies, for snippets."""


def workspace_docs(db_path: str, sources: Sequence[str]) -> Iterator[object]:
    """Every document of a workspace, read in a child process that rebuilds
    the index: its own Store on the database, a source of each class named
    ("module:Class")."""
    store = Store(Path(db_path), check=False)
    try:
        for spec in sources:
            module, _, name = spec.partition(":")
            yield from getattr(importlib.import_module(module), name)(store).iter_all()
    finally:
        store.close()


def split_key(key: str) -> tuple[str, int]:
    prefix, _, num = key.partition(":")
    return prefix, int(num)


def _mark_number(mark: object) -> int:
    """The n of an ``"<n>.<random>"`` index mark (-1 if it is not one)."""
    head = str(mark).partition(".")[0]
    return int(head) if head.isdigit() and len(head) < 19 else -1


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

            self._index = SearchIndex(self._dir, stamp_check=self._stamp_problem)
        return self._index

    def needs_rebuild(self) -> bool:
        return self.index.needs_rebuild()

    def stale_reason(self) -> str | None:
        """Why the index on disk is not used although it is complete (then it
        needs a rebuild), or None."""
        return self.index.stale_reason()

    # -- the stamp (module docstring) ---------------------------------------

    def _meta(self) -> dict[str, str]:
        rows = self._store.query("SELECT key, value FROM meta WHERE key IN ('db_id', 'index_mark')")
        return {r["key"]: r["value"] for r in rows}

    def _stamp_problem(self, stamp: Mapping[str, Any] | None) -> str | None:
        if stamp is None:
            return "it does not say which database it was built for"
        meta = self._meta()
        if stamp.get("db_id") != meta.get("db_id"):
            return "it was built for another database"
        mine, theirs = stamp.get("index_mark"), meta.get("index_mark")
        if mine == theirs:
            return None
        if _mark_number(mine) > _mark_number(theirs):
            return "it is newer than the database, as if pkm.db was restored from a backup"
        return "it is older than the database, as if the index folder was restored from a copy"

    def _new_mark(self, conn: sqlite3.Connection) -> dict[str, str]:
        """Inside the transaction that deletes drained queue rows: a new index
        mark; returns the stamp the index gets once that transaction commits."""
        row = conn.execute("SELECT value FROM meta WHERE key = 'index_mark'").fetchone()
        mark = f"{max(_mark_number(row[0] if row else None), 0) + 1}.{secrets.token_hex(8)}"
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('index_mark', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (mark,),
        )
        db_id = conn.execute("SELECT value FROM meta WHERE key = 'db_id'").fetchone()
        return {"db_id": db_id[0] if db_id else "", "index_mark": mark}

    def pending(self) -> int:
        return int(self._store.scalar("SELECT COUNT(*) FROM index_queue"))

    def total_docs(self) -> int:
        return sum(s.count() for s in self._sources.values())

    def rebuild(
        self,
        progress: Callable[[int, int | None], None] | None = None,
        cancel: Callable[[], bool] | None = None,
        *,
        in_child: bool | None = None,
    ) -> int:
        """Rebuild the whole index from SQLite. Changes queued meanwhile stay queued.

        From CHILD_MIN_DOCS documents on (or with ``in_child``), in a child
        process into a new folder that replaces the index once complete:
        searches use the old index meanwhile, and Cancel leaves it as it was.
        Returns the number indexed (0 when cancelled in a child).
        """
        with self._lock:
            high = int(self._store.scalar("SELECT COALESCE(MAX(seq), 0) FROM index_queue"))
            total = self.total_docs()
            if total >= CHILD_MIN_DOCS if in_child is None else in_child:
                n = self._rebuild_in_child(total, progress, cancel)
                if n is None:
                    return 0
            else:

                def docs() -> Iterator[object]:
                    for source in self._sources.values():
                        yield from source.iter_all()

                n = self.index.rebuild(docs(), total=total, progress=progress, cancel=cancel)
            if self.index.is_built():
                with self._store.transaction() as conn:
                    conn.execute("DELETE FROM index_queue WHERE seq <= ?", (high,))
                    stamp = self._new_mark(conn)
                self.index.write_stamp(stamp)
            return n

    def _rebuild_in_child(
        self,
        total: int,
        progress: Callable[[int, int | None], None] | None,
        cancel: Callable[[], bool] | None,
    ) -> int | None:
        from pkm.core.search.child import build_in_child

        target = self._dir.with_name(f"{self._dir.name}.new")
        shutil.rmtree(target, ignore_errors=True)  # a crashed rebuild's
        sources = [f"{type(s).__module__}:{type(s).__qualname__}" for s in self._sources.values()]
        args = (str(self._store.path), sources)
        with self.index.writes_held():
            n = build_in_child(target, workspace_docs, args, total, progress, cancel)
            if n is not None:
                self.index.adopt(target)
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
                if not self._apply([r["key"] for r in rows]):
                    return done  # it needs a rebuild after all: the rows stay queued
                with self._store.transaction() as conn:
                    conn.executemany(
                        "DELETE FROM index_queue WHERE key = ? AND seq = ?",
                        [(r["key"], r["seq"]) for r in rows],
                    )
                    stamp = self._new_mark(conn)
                self.index.write_stamp(stamp)
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

    def _apply(self, keys: list[str]) -> bool:
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
        return self.index.update(docs, delete_keys=gone)

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

    def related(
        self, key: str, limit: int = 5, text: str | None = None, *, indexed: bool = True
    ) -> list:
        """What is most like the document ``key`` ("entry:12"), from its stored text or
        from ``text`` (the editor's, maybe not saved yet; ``indexed=False`` for a text
        that is not that document's)."""
        if text is None:
            text = self.fetch_text([key]).get(key, "")
        return self.index.related(text, exclude=[key], limit=limit, indexed=indexed)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
