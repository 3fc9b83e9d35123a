#!/usr/bin/env python3
"""Related notes: how long "what is like this note" takes, against a plain search.

Builds the shared corpus (``shared/bench/corpus.py``, half journal, half items)
into a pkm index, then for 200 of its journal notes times ``related()`` (key
terms by tf-idf, one OR query, the shared words of the top 5) and, as the
baseline in the same run, a two-word search for the same note's two rarest
words. Prints p50/p95/max of both and their ratio. The window runs related
on the reader thread once typing pauses, so what matters is that it stays in
the range of a search, never on the GUI thread.

  python tests/benchmarks/related.py [--docs 20000] [--notes 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))

from search import load_corpus_module, percentile, to_index_doc  # noqa: E402

from pkm.core.search import SearchIndex  # noqa: E402
from pkm.core.search.schema import words  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--notes", type=int, default=200)
    args = parser.parse_args()
    corpus = load_corpus_module()
    raw = list(corpus.documents(args.docs // 2, args.docs - args.docs // 2))
    docs = [to_index_doc(i, d) for i, d in enumerate(raw)]
    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(Path(tmp) / "index")
        t0 = time.perf_counter()
        index.rebuild(docs, total=len(docs))
        print(f"indexed {len(docs):,} docs in {time.perf_counter() - t0:.1f} s")
        notes = [d for d in docs if d.key.startswith("entry:")][: args.notes]
        rel, base, shared = [], [], []
        for d in notes:
            text = f"{d.title}\n{d.body}"
            t = time.perf_counter()
            found = index.related(text, exclude=[d.key], limit=5)
            rel.append((time.perf_counter() - t) * 1000)
            shared.append(len(found))
            rare = sorted(set(words(d.body)), key=len, reverse=True)[:2]
            t = time.perf_counter()
            index.search(" ".join(rare), limit=20)
            base.append((time.perf_counter() - t) * 1000)
        index.close()

    def line(name: str, ms: list[float]) -> str:
        return (
            f"{name:<22} p50 {statistics.median(ms):7.2f} ms  p95 {percentile(ms, 95):7.2f} ms"
            f"  max {max(ms):7.2f} ms"
        )

    print(line("related (top 5)", rel))
    print(line("two-word search", base))
    print(
        f"ratio related/search: p50 {statistics.median(rel) / statistics.median(base):.2f}x, "
        f"p95 {percentile(rel, 95) / percentile(base, 95):.2f}x; "
        f"{sum(1 for n in shared if n):,} of {len(shared):,} notes had related documents"
    )


if __name__ == "__main__":
    main()
