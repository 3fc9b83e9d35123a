"""``SearchIndex``: the Whoosh index of entries and feed items, built for speed.

Whoosh stores everything: segments, term dictionary, posting blocks, stored
fields, columns, deletions, locking, atomic commits, merge policies. Its
generic Python machinery is bypassed on the hot paths, because measurements
on the 20k-doc benchmark said so:

* Writing (:class:`_BulkWriter` in ``bulk.py``, for rebuilds *and* updates):
  Whoosh's writer pushes every posting through a sorting pool and a
  per-posting ``add()``, so indexing crawls and even small merges make a
  save wait. Here postings go into per-term byte buffers
  with C-level ``map`` calls and are written a whole block at a time in the
  W3 codec's exact format; a rebuild (``build.py``) also derives the prefix
  grams from the words' postings and steps aside for the GUI thread.
* Searching (:class:`Run` in ``engine.py``): term-at-a-time BM25F over whole
  posting lists as numpy arrays (a mask and a score per document of a
  segment), instead of Whoosh's per-posting matcher calls (which make a very
  common word too slow to search as you type), with decoded postings cached
  between keystrokes (``cache.py``).
* Rebuilding a big index: in a child process (``child.py``), into a new
  folder that :meth:`SearchIndex.adopt` swaps in.

The figures behind both are rerun by ``python tests/benchmarks/search.py``
(``--writer`` for the writing side).

Modules: ``build.py`` a rebuild's writing loop; ``child.py`` a rebuild in a
child process; ``bulk.py`` the bulk writer,
with ``postings.py`` (terms) and ``perdoc.py`` (stored fields, lengths,
columns); ``schema.py`` the fields and the text analysis (``stemming.py``);
``cache.py`` reading postings and the per-segment cache; ``engine.py`` the
query engine; here ``SearchIndex``.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import pathlib
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice, repeat
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from pkm.core.errors import IndexBusy, StorageError
from pkm.core.search import query as q
from pkm.core.search.build import Builder
from pkm.core.search.bulk import _BulkWriter
from pkm.core.search.cache import SegmentCache
from pkm.core.search.engine import Run
from pkm.core.search.schema import (
    INDEX_VERSION,
    IndexDoc,
    analyze_doc,
    build_schema,
    common_stems,
    doc_fields,
)
from pkm.core.search.snippets import make_snippet

VERSION_FILE = "pkm-index-version"
COMMON_FILE = "pkm-index-common"
#: What the index was last made consistent with (see ``SearchIndex.write_stamp``).
STAMP_FILE = "pkm-index-stamp.json"
#: Name prefixes of the files a rebuild may delete (Whoosh's and ours).
OWN_FILES = ("MAIN_", "_MAIN_", VERSION_FILE, COMMON_FILE, STAMP_FILE)

log = logging.getLogger("pkm.search")

#: ``stamp_check(stamp)``: None if the index belongs where it is, else why not.
StampCheck = Callable[[Mapping[str, Any] | None], str | None]

#: Docs sampled at rebuild to choose the common words (see ``schema.pairs``).
SAMPLE = 2000


@dataclass(frozen=True)
class Hit:
    """One search result, ready to show."""

    key: str
    kinds: tuple[str, ...]
    title: str
    day: str
    snippet: str  # HTML-escaped, matches in <b>…</b>, ~200 chars, "…" at cut ends
    title_html: str  # title HTML-escaped with matches in <b>
    score: float


@dataclass(frozen=True)
class SearchResults:
    """Hits of one search. ``total`` is exact (the engine sees every match)."""

    hits: list[Hit]
    total: int
    elapsed_ms: float
    #: Why these hits, when the query was not searched as typed (one letter).
    note: str = ""


class SearchIndex:
    """Full-text index of journal entries and feed items (derived from SQLite).

    One writer at a time (guaranteed by the caller); ``search`` may run on
    another thread and is serialised with a lock around the shared searcher.

    With ``stamp_check`` (what ``pkm.core.indexing.SearchService`` passes), a
    complete index is used only if its stamp (``write_stamp``) says it was
    made from the database it is used with, and Whoosh's commit generation
    still equals the one stamped: an update interrupted between Whoosh's
    commit and the stamp leaves them different. Otherwise it needs a rebuild,
    and searches find nothing rather than what another database held. A
    standalone index (tests, benchmarks) has no stamp_check and no stamp.

    The folder is created if missing; if a file (or a dangling link) is in
    its place, that is moved aside to ``<name>.was-a-file[-N]`` (nothing is
    deleted) and logged, and ``notice`` says so. A folder that cannot be
    written raises StorageError, with what to do, when it is written to.
    """

    def __init__(self, path: pathlib.Path, stamp_check: StampCheck | None = None) -> None:
        self.path = pathlib.Path(path)
        self.notice: str | None = None
        self._stamp_check = stamp_check
        self._prepare_folder()
        self._lock = threading.RLock()
        self._ix: Any = None
        self._searcher: Any = None
        self._common: frozenset[str] | None = None
        self._cache = SegmentCache(self.path)
        self._building = False
        self._stale: str | None = None  # why the complete index on disk is not used

    # -- the folder --------------------------------------------------------

    def _prepare_folder(self) -> None:
        path = self.path
        if path.is_dir():
            return
        try:
            if path.exists() or path.is_symlink():
                aside = path.with_name(f"{path.name}.was-a-file")
                n = 1
                while aside.exists() or aside.is_symlink():
                    n += 1
                    aside = path.with_name(f"{path.name}.was-a-file-{n}")
                path.rename(aside)
                self.notice = (
                    f"The search index folder {path} was a file; it was moved to {aside} "
                    "and the index will be rebuilt."
                )
                log.warning("%s", self.notice)
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._write_error(exc, "create") from exc

    def _write_error(self, exc: BaseException, doing: str = "write") -> StorageError:
        """One line for a failed write: what happened and what to do."""
        if isinstance(exc, LockError):
            return IndexBusy(
                f"The search index in {self.path} is being written by another pkm; "
                "try again when it has finished."
            )
        code = getattr(exc, "errno", None)
        if code in (errno.EACCES, errno.EPERM, errno.EROFS):
            why = "read-only file system" if code == errno.EROFS else "permission denied"
            return StorageError(
                f"Cannot {doing} the search index in {self.path} ({why}); make that folder "
                "writable, or delete it so pkm rebuilds it. Your notes are not affected."
            )
        if code == errno.ENOSPC:
            return StorageError(
                f"Cannot {doing} the search index in {self.path}: the disk is full. "
                "Free some space and run 'pkm index rebuild'. Your notes are not affected."
            )
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return StorageError(
            f"Cannot {doing} the search index in {self.path}: {reason}. "
            "Delete that folder so pkm rebuilds it. Your notes are not affected."
        )

    # -- state -------------------------------------------------------------

    def _read_state(self) -> tuple[Any, frozenset[str]] | None:
        """Open the index if it is complete and current, else None."""
        try:
            version = (self.path / VERSION_FILE).read_text(encoding="utf-8").strip()
            if version != str(INDEX_VERSION):
                return None
            common = (self.path / COMMON_FILE).read_text(encoding="utf-8").split()
            ix = whoosh_index.open_dir(str(self.path))
            if set(ix.schema.names()) != set(build_schema().names()):
                return None
            with ix.reader() as r:  # opens every segment's files
                r.doc_count()
            return ix, frozenset(common)
        except Exception:
            return None

    def read_stamp(self) -> dict[str, Any] | None:
        """The stamp on disk, or None if there is none (or it cannot be read)."""
        try:
            data = json.loads((self.path / STAMP_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _check_stamp(self, ix: Any) -> str | None:
        """Why the complete index ``ix`` must not be used, or None."""
        if self._stamp_check is None:
            return None
        stamp = self.read_stamp()
        if stamp is not None:
            if stamp.get("index_version") != INDEX_VERSION:
                stamp = None
            elif stamp.get("whoosh_generation") != ix.latest_generation():
                return "an update of it was interrupted"
        return self._stamp_check(stamp)

    def stale_reason(self) -> str | None:
        """Why a complete index on disk is not used (needs_rebuild() is then True)."""
        self.needs_rebuild()
        return self._stale

    def is_built(self) -> bool:
        """True if a complete index of this INDEX_VERSION is on disk, stamped or not."""
        with self._lock:
            if self._building:
                return False
            if self._ix is not None:
                return True
        return self._read_state() is not None

    def needs_rebuild(self) -> bool:
        """True if there is no usable index: none of this INDEX_VERSION, or a stale one."""
        with self._lock:
            if self._building:
                return True
            if self._ix is not None:
                return False
            return not self._open_ix()

    def _open_ix(self) -> bool:
        """Open the index if it is complete, current and belongs here (lock held)."""
        state = self._read_state()
        if state is None:
            self._stale = None
            return False
        reason = self._check_stamp(state[0])
        if reason is not None:
            self._stale = reason
            return False
        self._stale = None
        self._ix, self._common = state
        return True

    def _open(self) -> bool:
        """Open the index and a searcher if needed (lock held)."""
        if self._building:
            return False
        if self._ix is None and not self._open_ix():
            return False
        # Not ``searcher.refresh()``: in whoosh-reloaded 2.7.5 it reuses readers
        # by segment, so it misses deletions and keeps merged-away segments.
        # A new searcher is cheap; decoded postings survive in the cache.
        if self._searcher is None or self._searcher.reader().generation() != (
            self._ix.latest_generation()
        ):
            self._close_searcher()
            self._searcher = self._ix.searcher()
            # An empty index has an EmptyReader, which has no segment.
            live = {
                seg.segment_id()
                for r, _ in self._searcher.reader().leaf_readers()
                if (seg := r.segment()) is not None
            }
            self._cache.prune(live)
        return True

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            with contextlib.suppress(Exception):
                self._searcher.close()
        self._searcher = None

    def close(self) -> None:
        """Release open files (the index stays on disk)."""
        with self._lock:
            self._forget()
            self._stale = None

    # -- writing -----------------------------------------------------------

    def rebuild(
        self,
        docs: Iterable[IndexDoc],
        total: int | None = None,
        progress: Callable[[int, int | None], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> int:
        """Wipe the index and build it from ``docs``; returns the number indexed.

        The version file is written last, so a crash or ``cancel()`` returning
        True leaves ``needs_rebuild()`` True (and the index empty). With a
        stamp_check the new index is used once ``write_stamp`` is called.
        """
        with self._lock:
            self._building = True
            self._close_searcher()
            self._ix = None
            self._stale = None
            self._cache.clear()
        try:
            return self._rebuild(docs, total, progress, cancel)
        except (OSError, LockError) as exc:
            raise self._write_error(exc, "rebuild") from exc
        finally:
            with self._lock:
                self._building = False

    def _rebuild(
        self,
        docs: Iterable[IndexDoc],
        total: int | None,
        progress: Callable[[int, int | None], None] | None,
        cancel: Callable[[], bool] | None,
    ) -> int:
        self._prepare_folder()  # it may have been removed, or replaced by a file, since
        (self.path / VERSION_FILE).unlink(missing_ok=True)
        (self.path / STAMP_FILE).unlink(missing_ok=True)
        for child in self.path.iterdir():  # only our files: the folder may hold others
            if child.is_file() and child.name.startswith(OWN_FILES):
                child.unlink(missing_ok=True)
            elif child.is_dir() and child.name == "MAIN.tmp":  # a crashed writer's
                shutil.rmtree(child, ignore_errors=True)
        ix = whoosh_index.create_in(str(self.path), build_schema())
        it = iter(docs)
        sample = list(islice(it, SAMPLE))
        analyses = [analyze_doc(d) for d in sample]  # analysed once, used twice
        common = common_stems(analyses)
        (self.path / COMMON_FILE).write_text("\n".join(sorted(common)), encoding="utf-8")
        with Builder(ix, common, total, progress, cancel) as builder:
            done = builder.add_all(zip(sample, analyses, strict=True))
            del sample, analyses  # not kept for the rest of the build
            if not (done and builder.add_all(zip(it, repeat(None)))):
                return builder.count
            count = builder.finish()
        (self.path / VERSION_FILE).write_text(f"{INDEX_VERSION}\n", encoding="utf-8")
        return count

    @contextlib.contextmanager
    def writes_held(self) -> Iterator[None]:
        """Hold Whoosh's write lock of the index folder meanwhile, as a
        rebuild in place does: while a child builds its replacement, another
        pkm (the CLI) must not drain queued changes into this index, which
        is about to be replaced by one that may not have them (it gets
        IndexBusy and the changes stay queued). Raises IndexBusy if another
        writer holds it now."""
        lock = None
        if self.path.is_dir():
            lock = FileStorage(str(self.path)).lock("MAIN_WRITELOCK")
            if not lock.acquire(blocking=False):
                raise self._write_error(LockError())
        try:
            yield
        finally:
            if lock is not None:
                with contextlib.suppress(Exception):  # its folder may be gone by now
                    lock.release()

    def adopt(self, built: pathlib.Path) -> None:
        """Make the complete index in ``built`` (a folder beside this one,
        written by ``child.build_in_child``) this index: the folder is
        swapped by two renames, what else the old folder held moves along,
        and the old index is deleted. Like a rebuild, it is used once
        ``write_stamp`` is called. A crash between the renames leaves no
        index, which the next start rebuilds (it is derived data)."""
        with self._lock:
            self._forget()
            self._stale = None
            old = self.path.with_name(f"{self.path.name}.old")
            try:
                shutil.rmtree(old, ignore_errors=True)
                if self.path.is_dir():
                    for child in self.path.iterdir():
                        if not child.name.startswith(OWN_FILES) and child.name != "MAIN.tmp":
                            child.rename(built / child.name)
                    self.path.rename(old)
                built.rename(self.path)
            except OSError as exc:
                raise self._write_error(exc, "replace") from exc
            shutil.rmtree(old, ignore_errors=True)

    def write_stamp(self, values: Mapping[str, Any]) -> None:
        """Record ``values`` (what the index is now consistent with) beside the
        index, with INDEX_VERSION and Whoosh's current commit generation.

        Written atomically (temp file + rename) but not fsynced: a stamp lost
        in a power cut only costs a rebuild. Afterwards the index is opened
        again and checked, so a stamp that does not satisfy the stamp_check
        leaves it unused.
        """
        with self._lock:
            state = (self._ix, self._common) if self._ix is not None else self._read_state()
            if state is None:
                raise StorageError(f"There is no complete search index in {self.path} to stamp.")
            data = {
                **values,
                "index_version": INDEX_VERSION,
                "whoosh_generation": state[0].latest_generation(),
            }
            tmp = self.path / f"{STAMP_FILE}.tmp"
            try:
                tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
                os.replace(tmp, self.path / STAMP_FILE)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                self._forget()
                raise self._write_error(exc) from exc
            if self._ix is None:
                self._open_ix()

    def _forget(self) -> None:
        """Drop the open index (lock held): the next use opens and checks it again."""
        self._close_searcher()
        self._ix = None
        self._cache.clear()

    def update(self, docs: Iterable[IndexDoc] = (), delete_keys: Iterable[str] = ()) -> bool:
        """Add or replace ``docs`` and delete ``delete_keys``, in one commit.

        Writes a small segment with the bulk writer; small segments are merged
        now and then (Whoosh's MERGE_SMALL policy, our fast merge); big ones
        are left alone, so this stays fast. Deletions apply before additions.
        Does nothing and returns False if the index needs a rebuild: the
        rebuild reads everything from SQLite anyway. A write that fails on
        the file system raises StorageError (one line, what to do).
        """
        with self._lock:
            if not self._open():
                return False
            ix, common = self._ix, self._common
        assert common is not None
        latest = {d.key: d for d in docs}  # the same key twice: the last one wins
        try:  # a compound segment: one file per small segment, not a dozen
            writer = _BulkWriter(ix, compound=True)
        except (OSError, LockError) as e:
            raise self._write_error(e) from e
        except Exception as e:
            raise StorageError(f"Cannot write the search index in {self.path}: {e}.") from e
        try:
            for key in delete_keys:
                writer.delete_by_term("key", key)
            for doc in latest.values():
                writer.update_document(**doc_fields(doc, common))
            writer.commit()
        except BaseException as exc:
            with contextlib.suppress(Exception):
                writer.cancel()
            if isinstance(exc, OSError):
                raise self._write_error(exc) from exc
            raise
        return True

    # -- reading -----------------------------------------------------------

    def doc_count(self) -> int:
        """Number of (live) documents in the index; 0 if it needs a rebuild."""
        with self._lock:
            if not self._open():
                return 0
            return int(self._searcher.doc_count())

    def related(
        self, text: str, exclude: Iterable[str] = (), limit: int = 5, *, indexed: bool = True
    ) -> list:
        """Notes and articles most like ``text`` (see related.py), without ``exclude``;
        ``indexed``: the text is that of a document in the index (an entry being edited)."""
        from pkm.core.search.related import related

        with self._lock:
            if limit <= 0 or not self._open():
                return []
            run = Run(self._searcher, self._cache, self._common or frozenset())
            return related(run, text, set(exclude), limit, indexed=indexed)

    def search(
        self,
        query: str,
        limit: int = 20,
        fetch_text: Callable[[Sequence[str]], Mapping[str, str]] | None = None,
        sort: str = "relevance",
        as_you_type: bool = False,
    ) -> SearchResults:
        """Run a query (see ``query.py`` for the language).

        ``fetch_text(keys)`` returns the plain bodies of the hits, used only
        for their snippets; without it snippets are empty. ``sort`` is
        "relevance" (BM25F, ties newest first) or "newest". With
        ``as_you_type`` the last word typed also matches as a prefix, and a
        query of one letter lists recent titles (see ``q.single_letter``).
        Raises QueryError for a query that cannot mean anything.
        """
        start = time.perf_counter()
        if sort not in ("relevance", "newest"):
            raise ValueError(f"sort must be 'relevance' or 'newest', not {sort!r}")
        note = ""
        letter = q.single_letter(query) if as_you_type else None
        if letter is not None:  # see q.single_letter for this decision
            node: q.Node | None = q.letter_titles(letter)
            sort = "newest"
            limit = min(limit, q.LETTER_TITLES)
            note = f"Newest titles with a word starting with “{letter}”"
        else:
            node = q.parse(query, as_you_type=as_you_type)
        with self._lock:
            if node is None or limit <= 0 or not self._open():
                return SearchResults([], 0, (time.perf_counter() - start) * 1000, note)
            run = Run(self._searcher, self._cache, self._common or frozenset())
            top, total = run.top(node, limit, newest=sort == "newest")
            rows = [(run.stored(seg, d), score) for seg, d, score in top]
        stems, prefixes, phrases = q.highlight_terms(node)
        stems |= run.expanded
        texts = fetch_text([r["key"] for r, _ in rows]) if fetch_text and rows else {}
        hits = []
        for r, score in rows:
            title = r.get("title") or ""
            body = texts.get(r["key"], "")
            hits.append(
                Hit(
                    key=r["key"],
                    kinds=tuple(r.get("kinds") or ()),
                    title=title,
                    day=r.get("day") or "",
                    snippet=make_snippet(body, stems, prefixes, phrases) if body else "",
                    title_html=make_snippet(title, stems, prefixes, phrases, width=0),
                    score=score,
                )
            )
        return SearchResults(hits, total, (time.perf_counter() - start) * 1000, note)
