"""A real HTTP server on 127.0.0.1 serving the feed files in data/, plus hostile variants.

Tests register what each path answers (a file, bytes, a status, a custom
handler for slow or odd servers) and inspect the requests the server saw.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # answer 304 when If-None-Match is exactly this
    last_modified: str | None = None  # ... or If-Modified-Since is exactly this
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _serve(self) -> None:
        owner = self.server.owner
        owner.requests.append(
            Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
        )
        route = owner.routes.get(self.path) or owner.routes.get(self.path.split("?")[0])
        if route is None:
            self._send(404, {"Content-Type": "text/plain"}, b"not found")
            return
        if route.handler is not None:
            route.handler(self)
            return
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if (route.etag and inm == route.etag) or (
            route.last_modified and ims == route.last_modified
        ):
            self._send(304, {}, b"")
            return
        headers = {"Content-Type": "application/rss+xml; charset=utf-8", **route.headers}
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        self._send(route.status, headers, route.body)

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and status not in (204, 304):
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FeedServer

    def handle_error(self, request, client_address) -> None:  # a client hung up: fine
        pass


class FeedServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self.stopping = threading.Event()
        self._httpd = _Server((host, 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self._httpd.server_address[1]}"

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body: bytes | str = b"", **kw) -> str:
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = Route(body=body, **kw)
        return self.url(path)

    def serve_file(self, path: str, name: str, **kw) -> str:
        return self.serve(path, data(name), **kw)

    def handle(self, path: str, fn: Callable[[BaseHTTPRequestHandler], None]) -> str:
        self.routes[path] = Route(handler=fn)
        return self.url(path)

    def seen(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path.split("?")[0] == path]

    def close(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)


@pytest.fixture
def server():
    s = FeedServer()
    yield s
    s.close()


@pytest.fixture
def feeds(ws):
    """The workspace's feeds with short limits, so slow-server tests finish quickly."""
    from pkm.core.feeds.fetch import Limits

    f = ws.feeds
    f.limits = Limits(
        connect_timeout=2.0, read_timeout=1.0, deadline=2.0, max_bytes=512 * 1024, max_redirects=3
    )
    f.workers = 4
    return f


def dribble(server: FeedServer, *, headers_first: bool = True, pause: float = 0.1):
    """A handler that sends a byte at a time, forever (until the client or the test gives up)."""

    def handler(h: BaseHTTPRequestHandler) -> None:
        stop = time.monotonic() + 20
        try:
            if headers_first:
                h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n")
                h.wfile.flush()
                payload = b"<rss version='2.0'><channel>" + b" " * 10_000_000
            else:
                payload = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000_000
            for byte in payload:
                if server.stopping.is_set() or time.monotonic() > stop:
                    break
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                time.sleep(pause)
        except OSError:
            pass
        h.close_connection = True

    return handler
