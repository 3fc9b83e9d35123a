"""Search benchmark: pkm's SearchIndex vs Whoosh at its defaults vs SQLite FTS5.

    python tests/benchmarks/search.py [--docs 20000] [--queries 120] [--pkm-only]
        [--cpu] [--baseline-tree DIR]
    python tests/benchmarks/search.py --writer [--docs 20000] [--merge-docs 300]

Builds the synthetic corpus of ``shared/bench/corpus.py`` (half journal
entries, half feed items) and, in one run, for each engine: bulk indexing
speed, then the latency of every query of the mix (top 20 hits *with*
highlighted snippets), and for pkm each query typed a character at a time
(as-you-type, the keystroke p95). Human-readable lines first; the last line
of stdout is one JSON object with docs/s and p50/p95/max per engine.
``--pkm-only`` skips FTS5 and Whoosh, for before/after runs of pkm alone;
``--cpu`` times with the thread's CPU time instead of the wall clock (on a
machine others share, the wall clock of the same code moved 2x between runs).
``--baseline-tree DIR`` also builds an index with the engine of another
checkout (``git worktree add /tmp/pre-lang 4471938^1``) and runs every
search on both, alternating, in the same run: the A/B figures, ratios per
query type, and how many queries have the same top 10 on both.

``--writer`` instead measures the reasons behind the bulk writer's design
(``pkm/core/search/bulk.py``, ``build.py``, ``perdoc.py``, ``postings.py``):
Whoosh's own writer per posting and per document, merging segments, zlib vs
stored deflate blocks, garbage collections over per-term buffers, deriving
the prefix grams, a rebuild's peak memory, and how long a thread standing for
the GUI waits for the GIL while a rebuild runs (with and without the pauses,
and with the GIL-dropping calls the writer avoids put back).

Not collected by pytest (``norecursedirs``): it takes minutes.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import math
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pkm.core.search import IndexDoc, SearchIndex  # noqa: E402

QUERY_TYPES = ("common word", "mid word", "two words", "phrase", "prefix", "tag + word")
#: What timed sections are measured with: the wall clock, or with ``--cpu``
#: this thread's CPU time, which other processes on a shared machine move far
#: less (before/after comparisons; see ``main``).
clock: Callable[[], float] = time.perf_counter
#: whoosh_default stops running queries once it has spent this long on them.
WHOOSH_QUERY_BUDGET_S = 120.0


def load_corpus_module() -> ModuleType:
    """shared/bench/corpus.py beside the repo, or the file named by PKM_CORPUS."""
    candidates = [Path(__file__).resolve().parents[3] / "shared/bench/corpus.py"]
    if os.environ.get("PKM_CORPUS"):
        candidates.insert(0, Path(os.environ["PKM_CORPUS"]))
    for path in candidates:
        if path.is_file():
            spec = importlib.util.spec_from_file_location("pkm_bench_corpus", path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    sys.exit(
        "Cannot find the benchmark corpus generator (looked for "
        + ", ".join(str(p) for p in candidates)
        + "): set PKM_CORPUS to the path of corpus.py."
    )


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 120 values is the 114th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def summary(times_ms: Sequence[float], docs_per_s: float) -> dict[str, float]:
    return {
        "index_docs_per_s": round(docs_per_s, 1),
        "p50_ms": round(statistics.median(times_ms), 2) if times_ms else float("nan"),
        "p95_ms": round(percentile(times_ms, 95), 2) if times_ms else float("nan"),
        "max_ms": round(max(times_ms), 2) if times_ms else float("nan"),
    }


def to_index_doc(i: int, d: Mapping[str, Any]) -> IndexDoc:
    if d["kind"] == "journal":
        return IndexDoc(
            f"entry:{i}", ("entry", "daily"), d["title"], d["body"], d["day"], tuple(d["tags"])
        )
    return IndexDoc(
        f"item:{i}", ("item",), d["title"], d["body"], d["day"], (), f"Feed {d['feed']}"
    )


def time_queries(
    run: Callable[[str], object], queries: Sequence[str], budget_s: float | None = None
) -> list[float]:
    times: list[float] = []
    spent = 0.0
    for query in queries:
        if budget_s is not None and spent > budget_s:
            break
        t0 = clock()
        run(query)
        dt = clock() - t0
        spent += dt
        times.append(dt * 1000)
    return times


def time_keystrokes(run: Callable[[str], object], queries: Sequence[str]) -> list[float]:
    """Each query typed a character at a time (the window searches at every
    keystroke, as you type): the time of each search from the second
    character on."""
    times: list[float] = []
    for query in queries:
        for n in range(2, len(query) + 1):
            t0 = clock()
            run(query[:n])
            times.append((clock() - t0) * 1000)
    return times


# -- engines ---------------------------------------------------------------


class Engine:
    """A SearchIndex class to benchmark: this checkout's, or another's
    (``--baseline-tree``), with that checkout's IndexDoc."""

    def __init__(self, name: str, index_cls: type, doc_cls: type) -> None:
        self.name = name
        self.index_cls = index_cls
        self.doc_cls = doc_cls
        self.index: Any = None
        self.modules: dict[str, ModuleType] = {}


def _pkm_modules() -> dict[str, ModuleType]:
    return {k: v for k, v in sys.modules.items() if k == "pkm" or k.startswith("pkm.")}


#: The engine whose ``pkm`` modules are in sys.modules (see ``activate``).
_active: Engine | None = None


def activate(engine: Engine) -> None:
    """Put ``engine``'s ``pkm`` modules in sys.modules (outside timed code):
    Whoosh pickles the schema's field classes by module name and finds them
    there when it writes or opens an index."""
    global _active
    if _active is engine:
        return
    if _active is not None:
        _active.modules = _pkm_modules()
    for k in _pkm_modules():
        del sys.modules[k]
    sys.modules.update(engine.modules)
    _active = engine


def load_engine(tree: Path) -> Engine:
    """SearchIndex and IndexDoc of the checkout in ``tree``, imported beside
    this one under the same module names: ``activate`` swaps the two sets of
    ``pkm`` modules in sys.modules, so both engines run in one process on
    the same corpus, query by query (same-run A/B)."""
    global _active
    ours = Engine("pkm", SearchIndex, IndexDoc)
    ours.modules = _pkm_modules()
    _active = ours
    for k in ours.modules:
        del sys.modules[k]
    sys.path.insert(0, str(tree))
    try:
        mod = importlib.import_module("pkm.core.search")
        if not Path(mod.__file__ or "").resolve().is_relative_to(tree.resolve()):
            sys.exit(f"--baseline-tree {tree}: its pkm package was not the one imported.")
        engine = Engine(f"baseline ({tree.name})", mod.SearchIndex, mod.IndexDoc)
    finally:
        sys.path.remove(str(tree))
    engine.modules = _pkm_modules()
    _active = engine
    activate(ours)
    return engine


def build(engine: Engine, docs: list[IndexDoc], tmp: Path) -> float:
    """Rebuild ``engine``'s index from ``docs``; returns docs/s."""
    activate_if_loaded(engine)
    theirs = [engine.doc_cls(*astuple_fields(d)) for d in docs] if engine.name != "pkm" else docs
    engine.index = engine.index_cls(tmp / f"index-{len(os.listdir(tmp))}")
    t0 = clock()
    n = engine.index.rebuild(theirs, total=len(theirs))
    return n / (clock() - t0)


def activate_if_loaded(engine: Engine) -> None:
    if engine.modules:  # a baseline was loaded: the engines' modules take turns
        activate(engine)


def astuple_fields(d: IndexDoc) -> tuple:
    """The IndexDoc fields every checkout's IndexDoc has, in order."""
    return (d.key, d.kinds, d.title, d.body, d.day, d.tags, d.source, d.updated)


def interleaved(
    engines: Sequence[Engine], searches: Sequence[tuple[str, bool]], fetch_text: Callable
) -> list[list[float]]:
    """Each search on every engine in turn (the order alternating), so that
    the load of a shared machine falls on all of them alike; ms per engine."""
    times: list[list[float]] = [[] for _ in engines]
    for n, (query, ayt) in enumerate(searches):
        order = list(range(len(engines)))
        if n % 2:
            order.reverse()
        for k in order:
            activate_if_loaded(engines[k])
            t0 = clock()
            engines[k].index.search(query, limit=20, fetch_text=fetch_text, as_you_type=ayt)
            times[k].append((clock() - t0) * 1000)
    return times


def bench_pkm(
    docs: list[IndexDoc], queries: list[str], tmp: Path, baseline: Engine | None = None
) -> tuple[dict, list[float]]:
    db = sqlite3.connect(tmp / "bodies.db", check_same_thread=False)
    db.execute("CREATE TABLE bodies (key TEXT PRIMARY KEY, body TEXT)")
    with db:
        db.executemany("INSERT INTO bodies VALUES (?, ?)", ((d.key, d.body) for d in docs))

    def fetch_text(keys: Sequence[str]) -> dict[str, str]:
        marks = ",".join("?" * len(keys))
        sql = f"SELECT key, body FROM bodies WHERE key IN ({marks})"
        return dict(db.execute(sql, list(keys)).fetchall())

    engines = [_active if baseline and _active else Engine("pkm", SearchIndex, IndexDoc)]
    engines += [baseline] if baseline else []
    rates = [build(e, docs, tmp) for e in engines]
    index = engines[0].index
    times_all = interleaved(engines, [(q, False) for q in queries], fetch_text)
    typed = [(q[:n], True) for q in queries for n in range(2, len(q) + 1)]
    keys_all = interleaved(engines, typed, fetch_text)
    times, keystrokes = times_all[0], keys_all[0]
    print(
        f"pkm keystrokes: {len(keystrokes)} searches as you type, p50 "
        f"{statistics.median(keystrokes):.1f} ms, p95 {percentile(keystrokes, 95):.1f} ms, "
        f"max {max(keystrokes):.1f} ms"
    )
    if baseline is not None:
        compare(engines, rates, times_all, keys_all, queries, fetch_text)

    # incremental update latency on the full index: replace one doc, then delete one
    update_ms = []
    for i in range(20):
        d = docs[i * 97 % len(docs)]
        changed = IndexDoc(d.key, d.kinds, d.title, d.body + " zebra", d.day, d.tags, d.source)
        t0 = clock()
        index.update([changed])
        update_ms.append((clock() - t0) * 1000)
    t0 = clock()
    index.update(delete_keys=[docs[1].key])
    delete_ms = (clock() - t0) * 1000
    t0 = clock()
    hits = index.search("zebra", limit=20, fetch_text=fetch_text)
    after_ms = (clock() - t0) * 1000
    print(
        f"pkm update(): 1 doc p50 {statistics.median(update_ms):.1f} ms, "
        f"max {max(update_ms):.1f} ms over 20 commits; delete 1 doc {delete_ms:.1f} ms; "
        f"next search {after_ms:.1f} ms ({hits.total} hits)"
    )
    for e in engines:
        e.index.close()
    db.close()
    result = summary(times, rates[0])
    result["keystroke_p95_ms"] = round(percentile(keystrokes, 95), 2)
    return result, times


def compare(
    engines: Sequence[Engine],
    rates: Sequence[float],
    times: Sequence[list[float]],
    keys: Sequence[list[float]],
    queries: Sequence[str],
    fetch_text: Callable,
) -> None:
    """pkm against the baseline tree, same run: figures, ratios, and whether
    the top 10 of every query of the mix is the same."""
    old, (tn, to), (kn, ko) = engines[1], times, keys
    print(f"same-run A/B, pkm vs {old.name} (ratio > 1: pkm slower):")
    print(f"  indexing {rates[0]:.0f} vs {rates[1]:.0f} docs/s (x{rates[1] / rates[0]:.2f} time)")
    for label, a, b in (("query mix", tn, to), ("keystrokes", kn, ko)):
        pa, pb = percentile(a, 95), percentile(b, 95)
        ma, mb = statistics.median(a), statistics.median(b)
        print(
            f"  {label:10} p50 {ma:.1f} vs {mb:.1f} ms (x{ma / mb:.2f})   "
            f"p95 {pa:.1f} vs {pb:.1f} ms (x{pa / pb:.2f})"
        )
    for k, label in enumerate(QUERY_TYPES):
        a, b = tn[k :: len(QUERY_TYPES)], to[k :: len(QUERY_TYPES)]
        print(
            f"  {label:12} p50 {statistics.median(a):5.1f} vs {statistics.median(b):5.1f} ms   "
            f"p95 {percentile(a, 95):5.1f} vs {percentile(b, 95):5.1f} ms"
        )
    same = differ = 0
    for query in queries:
        tops = []
        for e in engines:
            activate(e)
            tops.append([h.key for h in e.index.search(query, limit=10).hits])
        if tops[0] == tops[1]:
            same += 1
        elif (differ := differ + 1) <= 5:
            print(f"  top 10 differs for {query!r}: {tops[0]} vs {tops[1]}")
    activate(engines[0])
    print(f"  same top 10 as the baseline: {same}/{len(queries)} queries")


def bench_whoosh_default(
    raw: list[dict], queries: list[str], tmp: Path
) -> tuple[dict, list[float]]:
    from whoosh import fields, index
    from whoosh.qparser import MultifieldParser

    schema = fields.Schema(
        key=fields.ID(stored=True),
        title=fields.TEXT(stored=True),
        body=fields.TEXT(stored=True),
        tag=fields.KEYWORD(),
    )
    (tmp / "whoosh-default").mkdir()
    ix = index.create_in(str(tmp / "whoosh-default"), schema)
    t0 = clock()
    writer = ix.writer()
    for i, d in enumerate(raw):
        writer.add_document(key=str(i), title=d["title"], body=d["body"], tag=" ".join(d["tags"]))
    writer.commit()
    rate = len(raw) / (clock() - t0)
    parser = MultifieldParser(["title", "body"], schema)
    searcher = ix.searcher()

    def run(q: str) -> None:
        results = searcher.search(parser.parse(q), limit=20)
        for hit in results:
            hit.highlights("body")

    times = time_queries(run, queries, WHOOSH_QUERY_BUDGET_S)
    if len(times) < len(queries):
        print(
            f"whoosh_default: stopped after {len(times)} of {len(queries)} queries "
            f"(query budget {WHOOSH_QUERY_BUDGET_S:.0f} s spent); figures cover those"
        )
    searcher.close()
    return summary(times, rate), times


def fts5_query(q: str) -> str:
    """The mix in FTS5 syntax: words quoted, `tag:x word` -> a tags column filter."""
    if q.startswith('"'):
        return q  # "a b" is a phrase in FTS5 too
    parts = []
    for token in q.split():
        if token.startswith("tag:"):
            parts.append(f'tags : "{token[4:]}"')
        elif token.endswith("*"):
            parts.append(f'"{token[:-1]}" *')
        else:
            parts.append(f'"{token}"')
    return " AND ".join(parts)


def bench_fts5(raw: list[dict], queries: list[str], tmp: Path) -> tuple[dict, list[float]]:
    db = sqlite3.connect(tmp / "fts5.db")
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(key UNINDEXED, title, body, tags, "
        "tokenize='porter unicode61', prefix='2 3 4')"
    )
    t0 = clock()
    with db:
        db.executemany(
            "INSERT INTO docs VALUES (?, ?, ?, ?)",
            ((str(i), d["title"], d["body"], " ".join(d["tags"])) for i, d in enumerate(raw)),
        )
    rate = len(raw) / (clock() - t0)
    sql = (
        "SELECT key, highlight(docs, 1, '<b>', '</b>'), "
        "snippet(docs, 2, '<b>', '</b>', '…', 30) FROM docs WHERE docs MATCH ? "
        "ORDER BY bm25(docs, 0.0, 3.0, 1.0, 0.0) LIMIT 20"
    )
    times = time_queries(lambda q: db.execute(sql, (fts5_query(q),)).fetchall(), queries)
    db.close()
    return summary(times, rate), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20000, help="half journal, half items")
    parser.add_argument("--queries", type=int, default=120)
    parser.add_argument("--writer", action="store_true", help="the writer's reasons instead")
    parser.add_argument("--merge-docs", type=int, default=300, help="docs per merged segment")
    parser.add_argument(
        "--pkm-only", action="store_true", help="skip FTS5 and Whoosh (before/after runs of pkm)"
    )
    parser.add_argument(
        "--baseline-tree",
        type=Path,
        help="also run the SearchIndex of this checkout, query by query (same-run A/B)",
    )
    parser.add_argument(
        "--cpu", action="store_true", help="time with this thread's CPU time, not the wall clock"
    )
    args = parser.parse_args()
    if args.cpu:
        global clock
        clock = time.thread_time

    corpus = load_corpus_module()
    started = t0 = time.perf_counter()
    raw = list(corpus.documents(args.docs // 2, args.docs - args.docs // 2))
    queries = list(corpus.queries(args.queries))
    docs = [to_index_doc(i, d) for i, d in enumerate(raw)]
    print(f"corpus: {len(raw)} docs, {len(queries)} queries ({time.perf_counter() - t0:.1f} s)")
    # The corpus objects live for the whole run: keep the garbage collector from
    # re-scanning them during timed sections (equally for every engine).
    gc.freeze()
    if args.writer:
        from tests.benchmarks import search_writer

        with tempfile.TemporaryDirectory(prefix="pkm-bench-") as tmpdir:
            search_writer.run(docs, Path(tmpdir), args.merge_docs)
        print(f"total run time {time.perf_counter() - started:.0f} s")
        return

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="pkm-bench-") as tmpdir:
        tmp = Path(tmpdir)
        baseline = load_engine(args.baseline_tree) if args.baseline_tree else None
        results["pkm"], pkm_times = bench_pkm(docs, queries, tmp, baseline)
        whoosh_times: list[float] = []
        if not args.pkm_only:
            results["fts5"], _ = bench_fts5(raw, queries, tmp)
            results["whoosh_default"], whoosh_times = bench_whoosh_default(raw, queries, tmp)
    if args.pkm_only:
        r = results["pkm"]
        print(
            f"pkm index {r['index_docs_per_s']:.0f} docs/s   p50 {r['p50_ms']:.1f} ms   "
            f"p95 {r['p95_ms']:.1f} ms   keystroke p95 {r['keystroke_p95_ms']:.1f} ms"
        )
        print(json.dumps({"docs": len(raw), **results}))
        return

    for name in ("pkm", "whoosh_default", "fts5"):
        r = results[name]
        print(
            f"{name:15} index {r['index_docs_per_s']:8.0f} docs/s   "
            f"p50 {r['p50_ms']:8.1f} ms   p95 {r['p95_ms']:8.1f} ms   max {r['max_ms']:8.1f} ms"
        )
    pkm = results["pkm"]
    for other in ("whoosh_default", "fts5"):
        o = results[other]
        print(
            f"pkm vs {other} (>1 = pkm better): "
            f"indexing x{pkm['index_docs_per_s'] / o['index_docs_per_s']:.2f}, "
            f"p50 x{o['p50_ms'] / pkm['p50_ms']:.2f}, p95 x{o['p95_ms'] / pkm['p95_ms']:.2f}, "
            f"max x{o['max_ms'] / pkm['max_ms']:.2f}"
        )
    for name, times in (("pkm", pkm_times), ("whoosh_default", whoosh_times)):
        for k, label in enumerate(QUERY_TYPES):
            ts = times[k :: len(QUERY_TYPES)]
            if ts:
                print(
                    f"{name} {label:12} p50 {statistics.median(ts):6.1f} ms   "
                    f"p95 {percentile(ts, 95):6.1f} ms   max {max(ts):6.1f} ms"
                )
    print(f"total run time {time.perf_counter() - started:.0f} s")
    ordered = {name: results[name] for name in ("pkm", "whoosh_default", "fts5")}
    print(json.dumps({"docs": len(raw), **ordered}))


if __name__ == "__main__":
    main()
