"""A large workspace from the shared benchmark corpus, built through the core.

Used by the slow GUI tests and by tests/benchmarks/startup.py. The corpus's
journal documents become notes; its items become real feed items: one feed per
corpus feed (subscribed from OPML, so nothing is fetched), each feed's items
written as RSS and stored by the same parser and writer a refresh uses.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib.util
import os
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from xml.sax.saxutils import escape

from pkm.core.clock import iso
from pkm.core.feeds.items import store_items
from pkm.core.feeds.parse import parse_feed
from pkm.core.feeds.rules import RuleSet
from pkm.core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
ITEMS_NOTE = "the second half are feed items in 50 feeds"


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
    """Fill ``home`` (notes, then feed items, then one index rebuild); returns the count."""
    corpus = corpus_module()
    if corpus is None:
        raise FileNotFoundError("corpus.py not found: set PKM_BENCH_CORPUS=/path/to/corpus.py")
    n = 0
    by_feed: dict[int, list[dict]] = defaultdict(list)
    with Workspace(home, auto_index=False) as ws:
        with ws.store.transaction():
            for d in corpus.documents(journal, items):
                if d["kind"] == "item":
                    by_feed[d["feed"]].append(d)
                    continue
                ws.journal.create(
                    kind="note",
                    title=d["title"],
                    body=d["body"],
                    day=dt.date.fromisoformat(d["day"]),
                    tags=d["tags"],
                )
                n += 1
        n += _store_feeds(ws, by_feed)
        if index:
            ws.search.rebuild()
    return n


def _feed_url(feed: int) -> str:
    return f"https://feed{feed}.example/feed.xml"


def _store_feeds(ws: Workspace, by_feed: dict[int, list[dict]]) -> int:
    """Subscribe (OPML: no fetch) and store each feed's items as a refresh would."""
    if not by_feed:
        return 0
    outlines = "".join(
        f'<outline type="rss" text="Feed {f}" xmlUrl="{_feed_url(f)}"/>' for f in sorted(by_feed)
    )
    ws.feeds.import_opml(f'<opml version="2.0"><body>{outlines}</body></opml>'.encode())
    ids = {feed.url: feed.id for feed in ws.feeds.list()}
    stored = 0
    with ws.store.transaction() as conn:
        for f, docs in sorted(by_feed.items()):
            url = _feed_url(f)
            parsed = parse_feed(
                _rss(f, docs).encode(), {"content-type": "application/rss+xml"}, url
            )
            result = store_items(
                conn, ids[url], f"Feed {f}", parsed.items, RuleSet([]), iso(ws.clock())
            )
            stored += len(result.new)
    return stored


def _rss(feed: int, docs: list[dict]) -> str:
    items = "".join(
        f"<item><title>{escape(d['title'])}</title><link>{escape(d['url'])}</link>"
        f"<guid>{escape(d['url'])}</guid>"
        f"<pubDate>{dt.date.fromisoformat(d['day']):%a, %d %b %Y} 09:00:00 GMT</pubDate>"
        f"<description>{escape('<p>' + html.escape(d['body']) + '</p>')}</description></item>"
        for d in docs
    )
    return (
        f'<rss version="2.0"><channel><title>Feed {feed}</title>'
        f"<link>https://feed{feed}.example/</link>{items}</channel></rss>"
    )
