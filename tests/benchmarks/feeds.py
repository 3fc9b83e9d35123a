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
    args = ap.parse_args()
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
