"""Feed refresh benchmark: pkm's concurrent refresh against a sequential feedparser loop.

A local server (its own process, 127.0.0.1) serves 500 RSS feeds of 20 items
each, with 50 ms of latency on every response, ETags and gzip like a real
blog host. Each contender runs in its own process, so peak memory is its own:

- pkm: subscribe to the 500 feeds (OPML import, not timed), then time a cold
  `ws.feeds.refresh()` (fetch, parse, sanitize, store, dedupe, rules) and a
  second refresh where every feed answers 304 Not Modified. The search index
  is built afterwards, not in the JSON (a fresh workspace has no index yet,
  so a refresh only queues its items) but timed and printed.
- baseline: `feedparser.parse(url)` for each feed in turn, then again passing
  the ETags back (feedparser's own conditional GET).

Run: /work/venv/bin/python tests/benchmarks/feeds.py [--feeds N]
The last line is one JSON object with the figures.

`--opml [--feeds 1000] [--items 10000]`: OPML import into a workspace that
already holds `--items` feed items (the shared corpus, /work/shared/bench/
corpus.py, through tests/gui/corpus_workspace.py). Two copies of the same
workspace import the same file: one with today's `import_opml`, one with the
previous algorithm, kept below as the baseline (one transaction for the whole
file, then `get_feed` per feed added, whose count of all items is what cost
~150 ms a feed). While each imports, a writer thread on its own connection
does a small write every 10 ms, as an autosave would; its longest wait for
the database is printed too.

`--deep [--depth 200000]`: parse time of a feed whose one item nests that many
<div>, printed in seconds.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LATENCY = 0.05
ITEMS = 20


# ---- the server ---------------------------------------------------------------------------


def feed_body(n: int) -> bytes:
    items = []
    for i in range(ITEMS):
        day = 1 + (n + i) % 28
        para = (
            f"Feed {n} article {i} looks at strategy, leadership and the craft of decisions. "
            "Executives who write memos think more clearly; teams that review decisions learn. "
        ) * 4
        html = (
            f"<p>{para}</p><p>Read <a href='/posts/{n}/{i - 1}'>the previous post</a> or "
            f"<a href='https://example.org/study/{i}'>the study</a>.</p>"
            f"<figure><img src='/img/{n}-{i}.jpg' alt='chart' width='640' height='400'>"
            "<figcaption>The numbers</figcaption></figure>"
            f"<ul><li>Point one about item {i}</li><li>Point two</li></ul>"
            "<img src='https://pixel.wp.com/g.gif?b=1' width='1' height='1'>"
        )
        items.append(
            f"<item><title>Feed {n} article {i}: decisions &amp; memos</title>"
            f"<link>https://blog{n}.example.com/posts/{n}/{i}</link>"
            f"<guid isPermaLink='false'>blog{n}-post-{i}</guid>"
            f"<pubDate>Mon, {day:02d} Nov 2026 {i % 24:02d}:00:00 GMT</pubDate>"
            f"<dc:creator>Author {n % 37}</dc:creator>"
            f"<description><![CDATA[{html[:300]}]]></description>"
            f"<content:encoded><![CDATA[{html}]]></content:encoded></item>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?>"
        "<rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/' "
        "xmlns:dc='http://purl.org/dc/elements/1.1/'><channel>"
        f"<title>Blog number {n}</title><link>https://blog{n}.example.com/</link>"
        f"<description>Feed {n}</description>{''.join(items)}</channel></rss>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    bodies: dict[str, tuple[bytes, bytes, str]] = {}

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        time.sleep(LATENCY)
        found = self.bodies.get(self.path)
        if found is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        plain, zipped, etag = found
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        use_gzip = "gzip" in (self.headers.get("Accept-Encoding") or "")
        body = zipped if use_gzip else plain
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("ETag", etag)
        if use_gzip:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def serve(n_feeds: int) -> None:
    for n in range(n_feeds):
        body = feed_body(n)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        _Handler.bodies[f"/feeds/{n}.xml"] = (body, gzip.compress(body, 6), etag)
    server = _Server(("127.0.0.1", 0), _Handler)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # until the parent closes our stdin
    server.shutdown()
    server.server_close()


# ---- the contenders -------------------------------------------------------------------------


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_pkm(base: str, n_feeds: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from pkm.core.workspace import Workspace

    with tempfile.TemporaryDirectory() as home, Workspace(Path(home) / "ws") as ws:
        outlines = "".join(
            f"<outline type='rss' text='Blog {n}' xmlUrl='{base}/feeds/{n}.xml'/>"
            for n in range(n_feeds)
        )
        ws.feeds.import_opml(f"<opml version='2.0'><body>{outlines}</body></opml>".encode())
        t = time.perf_counter()
        cold = ws.feeds.refresh()
        cold_s = time.perf_counter() - t
        t = time.perf_counter()
        again = ws.feeds.refresh()
        nm_s = time.perf_counter() - t
        statuses = [r.status for r in cold.results]
        assert statuses.count("ok") == n_feeds, [r.error for r in cold.results if r.error][:3]
        assert all(r.status == "not_modified" for r in again.results)
        peak = peak_rss_mb()  # before the index build below
        t = time.perf_counter()
        indexed = ws.search.rebuild()
        index_s = time.perf_counter() - t
        return {
            "cold_s": round(cold_s, 2),
            "not_modified_s": round(nm_s, 2),
            "peak_rss_mb": peak,
            "_items": cold.new,
            "_index_s": round(index_s, 2),
            "_indexed": indexed,
        }


def run_baseline(base: str, n_feeds: int) -> dict:
    import feedparser

    urls = [f"{base}/feeds/{n}.xml" for n in range(n_feeds)]
    t = time.perf_counter()
    results = [feedparser.parse(url) for url in urls]
    cold_s = time.perf_counter() - t
    items = sum(len(r.entries) for r in results)
    etags = [r.get("etag") for r in results]
    del results
    t = time.perf_counter()
    again = [feedparser.parse(url, etag=etag) for url, etag in zip(urls, etags, strict=True)]
    nm_s = time.perf_counter() - t
    assert all(r.get("status") == 304 for r in again)
    return {
        "cold_s": round(cold_s, 2),
        "not_modified_s": round(nm_s, 2),
        "peak_rss_mb": peak_rss_mb(),
        "_items": items,
    }


# ---- OPML import ---------------------------------------------------------------------------------


def import_baseline(ws, data: bytes) -> list:
    """The import as it was before chunking: kept here, verbatim in substance, to measure."""
    from pkm.core.clock import iso
    from pkm.core.feeds import store as rows
    from pkm.core.feeds.opml import read_opml
    from pkm.core.feeds.urls import check_url, feed_key

    added, now = [], iso(ws.clock())
    with ws.store.transaction() as conn:
        for entry in read_opml(data):
            url = check_url(entry.url, what="feed address")
            key = feed_key(url)
            if rows.feed_id_by_key(conn, key) is not None:
                continue
            cur = conn.execute(
                "INSERT INTO feeds(url, url_key, title, folder_id, interval_min, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (url, key, entry.title, rows.ensure_folder(conn, entry.folder), 60, now),
            )
            added.append(int(cur.lastrowid))
    return [rows.get_feed(ws.store, i) for i in added]


class Autosaver(threading.Thread):
    """Another writer on its own connection: a tiny transaction every 10 ms, timing its wait."""

    def __init__(self, db: Path) -> None:
        super().__init__(daemon=True)
        import sqlite3

        self.conn = sqlite3.connect(db, isolation_level=None, timeout=60, check_same_thread=False)
        self.conn.execute("CREATE TABLE IF NOT EXISTS bench_autosave(n INTEGER)")
        self.stop = threading.Event()
        self.longest = 0.0
        self.saves = 0

    def run(self) -> None:
        while not self.stop.is_set():
            t = time.perf_counter()
            self.conn.execute("BEGIN IMMEDIATE")
            self.longest = max(self.longest, time.perf_counter() - t)
            self.conn.execute("INSERT INTO bench_autosave VALUES (?)", (self.saves,))
            self.conn.execute("COMMIT")
            self.saves += 1
            time.sleep(0.01)


def run_opml(n_feeds: int, n_items: int) -> dict:
    import shutil

    sys.path.insert(0, str(ROOT))
    from pkm.core.workspace import Workspace
    from tests.gui.corpus_workspace import build

    outlines = "".join(
        f"<outline type='rss' text='New blog {n}' xmlUrl='https://new{n}.example.org/feed'/>"
        for n in range(n_feeds)
    )
    data = f"<opml version='2.0'><body>{outlines}</body></opml>".encode()
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        seed = Path(tmp) / "seed"
        t = time.perf_counter()
        stored = build(seed, journal=0, items=n_items, index=False)
        print(f"workspace with {stored} items built in {time.perf_counter() - t:.1f} s", flush=True)
        for name in ("baseline", "pkm"):
            home = Path(tmp) / name
            shutil.copytree(seed, home)
            with Workspace(home, auto_index=False) as ws:
                saver = Autosaver(ws.store.path)
                saver.start()
                t = time.perf_counter()
                if name == "pkm":
                    added = ws.feeds.import_opml(data).added
                else:
                    added = import_baseline(ws, data)
                secs = time.perf_counter() - t
                saver.stop.set()
                saver.join()
                assert len(added) == n_feeds, len(added)
                out[name] = {
                    "import_s": round(secs, 3),
                    "longest_autosave_wait_s": round(saver.longest, 3),
                }
    return out


def run_deep(depth: int) -> float:
    sys.path.insert(0, str(ROOT))
    from pkm.core.feeds.parse import parse_feed

    inner = "<div>" * depth + "deep" + "</div>" * depth
    body = (
        "<rss version='2.0'><channel><title>Deep</title><item><title>x</title><guid>g</guid>"
        f"<description><![CDATA[{inner}]]></description></item></channel></rss>"
    ).encode()
    t = time.perf_counter()
    parse_feed(body, {}, "https://deep.example/feed")
    secs = time.perf_counter() - t
    print(f"{len(body) / 1e6:.1f} MB feed, {depth} nested <div>: parsed in {secs:.2f} s")
    return secs


# ---- the driver ---------------------------------------------------------------------------------


def contender(name: str, base: str, n_feeds: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--run", name, "--base", base, "--feeds", str(n_feeds)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--serve", action="store_true")
    ap.add_argument("--run", choices=["pkm", "baseline"])
    ap.add_argument("--base")
    ap.add_argument("--opml", action="store_true")
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--deep", action="store_true")
    ap.add_argument("--depth", type=int, default=200_000)
    args = ap.parse_args()
    if args.deep:
        print(json.dumps({"depth": args.depth, "parse_s": round(run_deep(args.depth), 2)}))
        return
    if args.opml:
        n = args.feeds if args.feeds != 500 else 1000
        res = run_opml(n, args.items)
        b, p = res["baseline"], res["pkm"]
        print(f"OPML import of {n} feeds into {args.items} items:")
        print(
            f"baseline: {b['import_s']} s, an autosave waited up to {b['longest_autosave_wait_s']} s"
        )
        print(
            f"pkm:      {p['import_s']} s, an autosave waited up to {p['longest_autosave_wait_s']} s"
        )
        print(f"speed-up: x{b['import_s'] / p['import_s']:.1f}; longest autosave wait "
              f"x{b['longest_autosave_wait_s'] / max(p['longest_autosave_wait_s'], 1e-3):.1f} shorter")  # fmt: skip
        print(json.dumps({"feeds": n, "items": args.items, **res}))
        return
    if args.serve:
        serve(args.feeds)
        return
    if args.run:
        run = run_pkm if args.run == "pkm" else run_baseline
        print(json.dumps(run(args.base, args.feeds)))
        return

    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--feeds", str(args.feeds)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{int(server.stdout.readline())}"
        print(f"{args.feeds} feeds x {ITEMS} items, {LATENCY * 1000:.0f} ms latency, "
              f"{os.cpu_count()} CPUs")  # fmt: skip
        pkm = contender("pkm", base, args.feeds)
        print(f"pkm:      cold {pkm['cold_s']} s, not modified {pkm['not_modified_s']} s, "
              f"peak {pkm['peak_rss_mb']} MB, {pkm['_items']} items stored; the search index "
              f"built afterwards in {pkm['_index_s']} s for {pkm['_indexed']} docs")  # fmt: skip
        base_res = contender("baseline", base, args.feeds)
        print(f"baseline: cold {base_res['cold_s']} s, not modified {base_res['not_modified_s']} s, "
              f"peak {base_res['peak_rss_mb']} MB, {base_res['_items']} items parsed")  # fmt: skip
        print(f"speed-up: cold x{base_res['cold_s'] / pkm['cold_s']:.1f}, "
              f"not modified x{base_res['not_modified_s'] / pkm['not_modified_s']:.1f}")  # fmt: skip
    finally:
        server.stdin.close()
        server.wait(10)
    keys = ("cold_s", "not_modified_s", "peak_rss_mb")
    print(json.dumps({
        "feeds": args.feeds,
        "pkm": {k: pkm[k] for k in keys},
        "baseline": {k: base_res[k] for k in keys},
    }))  # fmt: skip


if __name__ == "__main__":
    main()
