"""A large workspace from the shared benchmark corpus, built through the core.

Used by the slow GUI tests and by tests/benchmarks/startup.py. 10k journal
entries + 10k more documents; the second 10k are journal notes standing in
for feed items until a stable bulk API for items exists in the feeds core
(the search box and the startup path treat both the same way).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
from pathlib import Path
from types import ModuleType

from pkm.core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
ITEMS_NOTE = "the second half are journal notes standing in for feed items"


def corpus_module() -> ModuleType | None:
    """/work/shared/bench/corpus.py (or $PKM_BENCH_CORPUS); None if it is not there."""
    candidates = [
        os.environ.get("PKM_BENCH_CORPUS", ""),
        str(ROOT.parent / "shared/bench/corpus.py"),
    ]
    for c in candidates:
        if c and Path(c).is_file():
            spec = importlib.util.spec_from_file_location("pkm_bench_corpus", c)
            assert spec and spec.loader
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            return mod
    return None


def build(home: Path, journal: int = 10_000, items: int = 10_000, *, index: bool = True) -> int:
    """Fill ``home`` (one transaction, then one index rebuild); returns the document count."""
    corpus = corpus_module()
    if corpus is None:
        raise FileNotFoundError("corpus.py not found: set PKM_BENCH_CORPUS=/path/to/corpus.py")
    n = 0
    with Workspace(home, auto_index=False) as ws:
        with ws.store.transaction():
            for d in corpus.documents(journal, items):
                ws.journal.create(
                    kind="note" if d["kind"] == "journal" else "clip",
                    title=d["title"],
                    body=d["body"] + (f"\n\nSource: {d['url']}" if d.get("url") else ""),
                    day=dt.date.fromisoformat(d["day"]),
                    tags=d["tags"],
                )
                n += 1
        if index:
            ws.search.rebuild()
    return n
