"""Seconds for hostile queries (issue 11), on a 2,000-document index, one search each.

    python tests/benchmarks/query_bounds.py

Prints one line per query: its shape, its length, the seconds it took and
what it returned (hits, or the error's type and message). Run it against
another checkout with ``PYTHONPATH=/that/checkout`` to compare. Not collected
by pytest (``norecursedirs``); there are no timing assertions anywhere.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from pkm.core.search import IndexDoc, SearchIndex

QUERIES = [
    ("5,000-letter fuzzy, 2 edits", "a" * 5000 + "~2"),
    ("5,000-letter fuzzy, 1 edit", "s" * 5000 + "~"),
    ("1,990-letter fuzzy, 2 edits", "a" * 1990 + "~2"),
    ("40-letter fuzzy, 2 edits", "a" * 40 + "~2"),
    ("ordinary fuzzy", "strategi~2"),
    ("1,000 parentheses", "(" * 1000 + "x"),
    ("2,000 NOTs", "NOT " * 2000 + "x"),
    ("400 NOTs", "NOT " * 400 + "x"),
    ("5,000-digit edit distance", "word~" + "9" * 5000),
]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ix = SearchIndex(Path(tmp) / "ix")
        ix.rebuild(
            IndexDoc(
                f"entry:{i}",
                ("entry", "note"),
                f"Title {i} strategy",
                f"alpha beta gamma word{i} sssss aaaa planning",
                "2024-05-01",
            )
            for i in range(2000)
        )
        ix.search("strategy")  # warm up
        for name, query in QUERIES:
            t = time.perf_counter()
            try:
                out = f"{ix.search(query).total} hits"
            except Exception as exc:
                out = f"{type(exc).__name__}: {str(exc)[:80]}"
            took = time.perf_counter() - t
            print(f"{name:28} {len(query):5} chars  {took:7.3f} s  {out}")
        ix.close()


if __name__ == "__main__":
    main()
