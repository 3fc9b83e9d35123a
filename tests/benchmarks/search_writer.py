"""The measurements behind the bulk writer's design; run by ``search.py --writer``.

    python tests/benchmarks/search.py --writer [--docs 20000] [--merge-docs 300]

Each section prints the figure a docstring in ``pkm/core/search`` argues from
in words (the docstrings name no figures, so they do not go stale):

* Whoosh's own writer: docs/s, microseconds per posting, and the time its
  per-document writer takes per document (``bulk.py``, ``perdoc.py``).
* Merging two segments of ``--merge-docs`` docs: Whoosh's writer vs ours.
* ``zlib.compress`` of a stored-fields pickle vs :func:`perdoc.zlib_stored`.
* A full garbage collection with one container per term, as ``array`` (which
  the collector tracks) vs ``bytearray`` (which it does not) (``postings.py``).
* Prefix grams made and inverted per document vs derived from the words'
  postings at flush (``postings.gram_postings``).
* A rebuild's time and its traced peak memory (``bulk.SEGMENT_DOCS``).
* The worst and 99th-percentile wait of a thread standing for the GUI
  (wakes every millisecond, does a little work) while a rebuild runs on a
  worker thread fed rows by a SQLite reader thread (``build.py``): as is;
  without ``GilPause``; with 0.5 ms pauses; with ``zlib.compress`` for
  stored fields; with Whoosh's slot-by-slot hash-table writes; and in a
  child process (``search/child.py``, what a big rebuild does), the
  thread only waiting for it, as the window's writer does.

It reaches into private names on purpose: it times the parts, not the API.
No timing is asserted anywhere; the figures are for reading.
"""

from __future__ import annotations

import functools
import gc
import pickle
import queue
import shutil
import sqlite3
import statistics
import threading
import time
import tracemalloc
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filetables import HashWriter

from pkm.core.search import IndexDoc, SearchIndex, build, bulk
from pkm.core.search.child import build_in_child
from pkm.core.search.perdoc import zlib_stored
from pkm.core.search.schema import (
    GRAM_FIELDS,
    analyze_doc,
    build_schema,
    common_stems,
    doc_fields,
)


def _new_raw(path: Path) -> Any:
    path.mkdir(parents=True)
    return whoosh_index.create_in(str(path), build_schema())


def _postings_count(reader: Any) -> int:
    return sum(reader.doc_frequency(field, term) for field, term in reader.all_terms())


def whoosh_writer(docs: Sequence[IndexDoc], common: frozenset[str], tmp: Path) -> None:
    raw = _new_raw(tmp / "whoosh-writer")
    writer = raw.writer()
    pdw = writer.perdocwriter
    spent = [0.0]

    def timed(method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*a: Any, **k: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return method(*a, **k)
            finally:
                spent[0] += time.perf_counter() - t0

        return call

    for name in ("start_doc", "add_field", "add_column_value", "add_vector_items", "finish_doc"):
        setattr(pdw, name, timed(getattr(pdw, name)))
    fields = [doc_fields(d, common) for d in docs]
    t0 = time.perf_counter()
    for f in fields:
        writer.add_document(**f)
    writer.commit()
    took = time.perf_counter() - t0
    with raw.reader() as r:
        n_postings = _postings_count(r)
    ours = _new_raw(tmp / "bulk-writer")
    t0 = time.perf_counter()
    w = bulk._BulkWriter(ours)
    for f in fields:
        w.add_document(**f)
    w.commit()
    took_ours = time.perf_counter() - t0
    print(
        f"Whoosh's writer: {len(docs)} docs in {took:.1f} s = {len(docs) / took:.0f} docs/s, "
        f"{n_postings} postings = {took / n_postings * 1e6:.1f} us a posting; its per-document "
        f"writer {spent[0] / len(docs) * 1e6:.0f} us a document"
    )
    print(
        f"_BulkWriter (same docs, grams given): {took_ours:.2f} s = "
        f"{len(docs) / took_ours:.0f} docs/s"
    )


def merge(docs: Sequence[IndexDoc], common: frozenset[str], tmp: Path, per_segment: int) -> None:
    base = tmp / "merge-base"
    raw = _new_raw(base)
    for part in (docs[:per_segment], docs[per_segment : 2 * per_segment]):
        w = bulk._BulkWriter(raw)
        for d in part:
            w.add_document(**doc_fields(d, common))
        w.commit(merge=False)
    for name, make in (
        ("Whoosh's writer", lambda ix: ix.writer()),
        ("_BulkWriter", bulk._BulkWriter),
    ):
        copy = tmp / f"merge-{len(name)}"
        shutil.copytree(base, copy)
        ix = whoosh_index.open_dir(str(copy))
        t0 = time.perf_counter()
        make(ix).commit(optimize=True)
        took = time.perf_counter() - t0
        print(f"merge 2 segments of {per_segment} docs, {name}: {took:.2f} s")


def zlib_vs_stored(docs: Sequence[IndexDoc], common: frozenset[str]) -> None:
    schema = build_schema()
    stored = []
    for d in docs:
        f = doc_fields(d, common)
        keep = {k: f.get("_stored_" + k, v) for k, v in f.items() if k[0] != "_"}
        stored.append(pickle.dumps({k: v for k, v in keep.items() if schema[k].stored}, 2))
    for name, fn in (("zlib.compress", zlib.compress), ("zlib_stored", zlib_stored)):
        t0 = time.perf_counter()
        out = list(map(fn, stored))
        took = time.perf_counter() - t0
        size = sum(map(len, out)) / len(out)
        print(f"stored fields, {name}: {took / len(stored) * 1e6:.1f} us a doc, {size:.0f} bytes")
    print(f"  (pickles average {sum(map(len, stored)) / len(stored):.0f} bytes)")


def gc_per_term(terms: int) -> None:
    for name, make in (("array('I')", lambda: array("I", (1, 2))), ("bytearray", bytearray)):
        held = {i: make() for i in range(terms)}
        t0 = time.perf_counter()
        gc.collect()
        took = time.perf_counter() - t0
        del held
        print(f"full gc with {terms} per-term {name}s: {took * 1000:.0f} ms")


def grams_cost(docs: Sequence[IndexDoc], common: frozenset[str], tmp: Path) -> None:
    analyses = [analyze_doc(d) for d in docs]
    t0 = time.perf_counter()
    without = [
        doc_fields(d, common, a, with_grams=False) for d, a in zip(docs, analyses, strict=True)
    ]
    t_without = time.perf_counter() - t0
    t0 = time.perf_counter()
    given = [doc_fields(d, common, a) for d, a in zip(docs, analyses, strict=True)]
    t_with = time.perf_counter() - t0
    n_grams = sum(len(f[g]) for f in given for g in GRAM_FIELDS)
    times = {}
    for name, fields, derive in (("given", given, None), ("derived", without, GRAM_FIELDS)):
        raw = _new_raw(tmp / f"grams-{name}")
        t0 = time.perf_counter()
        w = bulk._BulkWriter(raw, derive=derive)
        for f in fields:
            w.add_document(**f)
        w.commit()
        times[name] = time.perf_counter() - t0
    per_doc = (t_with - t_without + times["given"] - times["derived"]) / len(docs)
    print(
        f"prefix grams: {n_grams / len(docs):.0f} a doc; making them {(t_with - t_without) / len(docs) * 1e6:.0f} us "
        f"a doc, writing given grams {times['given']:.1f} s vs deriving them {times['derived']:.1f} s "
        f"(derived saves {per_doc * 1e6:.0f} us a doc)"
    )


def rebuild_memory(docs: Sequence[IndexDoc], tmp: Path) -> None:
    n = min(len(docs), bulk.SEGMENT_DOCS)
    index = SearchIndex(tmp / "memory")
    t0 = time.perf_counter()
    index.rebuild(docs[:n])
    took = time.perf_counter() - t0
    print(f"rebuild of {n} docs: {took:.1f} s ({n / took:.0f} docs/s)")
    index.close()
    shutil.rmtree(tmp / "memory")
    index = SearchIndex(tmp / "memory")
    tracemalloc.start()
    index.rebuild(docs[:n])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    index.close()
    # One segment holds min(docs, SEGMENT_DOCS): --docs 25000 for a full one.
    print(f"  traced peak while rebuilding {n} docs (one segment): {peak / 1e6:.0f} MB")


@contextmanager
def patched(module: Any, name: str, value: Any) -> Iterator[None]:
    old = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, old)


def _slot_by_slot(tindex: Any) -> None:
    HashWriter._write_hashes(tindex)


def rows_of(db_path: str) -> Iterator[IndexDoc]:
    """The rows of ``stalls``' database as documents (run in the child)."""
    conn = sqlite3.connect(db_path)
    for key, title, body, day, kinds, tags, source in conn.execute("SELECT * FROM d"):
        yield IndexDoc(key, tuple(kinds.split()), title, body, day, tuple(tags.split()), source)
    conn.close()


def stalls(docs: Sequence[IndexDoc], tmp: Path, only: Sequence[str] = ()) -> None:
    """The longest waits of a "GUI" thread while a rebuild runs, per variant
    (or only the variants named in ``only``)."""
    db_path = tmp / "rows.db"
    db = sqlite3.connect(db_path)
    db.execute("CREATE TABLE d (key, title, body, day, kinds, tags, source)")
    with db:
        db.executemany(
            "INSERT INTO d VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (d.key, d.title, d.body, d.day, " ".join(d.kinds), " ".join(d.tags), d.source)
                for d in docs
            ),
        )
    db.close()

    def rows() -> Iterator[IndexDoc]:
        """Docs from a reader thread, like the app's (rows fetched in batches)."""
        q: queue.Queue[list[tuple] | None] = queue.Queue(maxsize=4)

        def read() -> None:
            conn = sqlite3.connect(db_path)
            cur = conn.execute("SELECT * FROM d")
            while batch := cur.fetchmany(200):
                q.put(batch)
            q.put(None)
            conn.close()

        threading.Thread(target=read, daemon=True).start()
        while (batch := q.get()) is not None:
            for key, title, body, day, kinds, tags, source in batch:
                yield IndexDoc(key, tuple(kinds.split()), title, body, day,
                               tuple(tags.split()), source)  # fmt: skip

    variants: list[tuple[str, list[tuple[Any, str, Any]]]] = [
        ("as is", []),
        (
            "no GilPause",
            [(build, "GilPause", functools.partial(build.GilPause, hold=0.0, if_others=1e9))],
        ),
        (
            "GilPause of 0.5 ms",
            [(build, "GilPause", functools.partial(build.GilPause, pause=0.0005))],
        ),
        ("zlib.compress for stored fields", [(bulk, "zlib_stored", zlib.compress)]),
        ("Whoosh's slot-by-slot hash writes", [(bulk, "write_hashes", _slot_by_slot)]),
        ("in a child process", []),
    ]
    for label, patches in variants:
        if only and label not in only:
            continue
        shutil.rmtree(tmp / "stalls", ignore_errors=True)
        index = SearchIndex(tmp / "stalls")
        with contextlib_exit(patches):
            done = threading.Event()

            def work(
                index: SearchIndex = index, done: threading.Event = done, label: str = label
            ) -> None:
                if label == "in a child process":
                    shutil.rmtree(tmp / "stalls.new", ignore_errors=True)
                    build_in_child(tmp / "stalls.new", rows_of, (str(db_path),), len(docs))
                else:
                    index.rebuild(rows())
                done.set()

            worker = threading.Thread(target=work)
            gaps: list[float] = []
            worker.start()
            while not done.is_set():
                t0 = time.perf_counter()
                time.sleep(0.001)
                sum(range(3000))  # a little work, as the GUI does per event
                gaps.append(time.perf_counter() - t0)
            worker.join()
        index.close()
        gaps.sort()
        p99 = gaps[int(len(gaps) * 0.99)]
        p95 = gaps[int(len(gaps) * 0.95)]
        print(
            f"GUI thread, 1 ms sleeps, gaps during a rebuild, {label}: worst {gaps[-1] * 1000:.0f} ms, "
            f"p99 {p99 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
            f"median {statistics.median(gaps) * 1000:.1f} ms"
        )


@contextmanager
def contextlib_exit(patches: list[tuple[Any, str, Any]]) -> Iterator[None]:
    if not patches:
        yield
        return
    (module, name, value), *rest = patches
    with patched(module, name, value), contextlib_exit(rest):
        yield


def run(docs: Sequence[IndexDoc], tmp: Path, merge_docs: int) -> None:
    sample = docs[: min(len(docs), 2000)]
    common = common_stems([analyze_doc(d) for d in sample])
    whoosh_writer(sample[:500], common, tmp)  # Whoosh's writer is slow: 500 docs tell
    merge(docs, common, tmp, merge_docs)
    zlib_vs_stored(sample, common)
    raw = tmp / "terms"
    index = SearchIndex(raw)
    index.rebuild(docs)
    index.close()
    with whoosh_index.open_dir(str(raw)).reader() as r:
        n_terms = sum(1 for _ in r.all_terms())
    gc_per_term(n_terms)
    grams_cost(docs, common, tmp)
    rebuild_memory(docs, tmp)
    stalls(docs, tmp)
