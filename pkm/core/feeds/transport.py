"""What sits under the fetcher: a deadline at the socket, no cookies, bounded inflating.

- `_DeadlineBackend`: every socket read and write gets at most the time left
  before the fetch's overall deadline (a per-thread value set by the
  fetcher), so a server that dribbles a byte at a time is cut off even
  while it is still sending headers.
- `RefuseCookies`: a cookie policy that stores and sends nothing.
- `Inflater`: gzip/deflate that never produces more than it is allowed to,
  so the size limit holds after decompression with one chunk of slack.
"""

from __future__ import annotations

import http.cookiejar
import ssl
import threading
import time
import zlib
from collections.abc import Iterable

import httpcore
import httpx


class TooBig(Exception):
    pass


deadline = threading.local()  # .at: time.monotonic() deadline of this thread's fetch


def _time_left(timeout: float | None, exc: type[Exception]) -> float | None:
    at = getattr(deadline, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise exc("the overall time limit for this fetch has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _time_left(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable | None = None
    ) -> httpcore.NetworkStream:
        return self._inner.connect_unix_socket(path, timeout, socket_options)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport with the deadline-aware network backend under its pool."""

    def __init__(self, max_connections: int) -> None:
        ctx = httpx.create_ssl_context()
        limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        super().__init__(verify=ctx, limits=limits)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ctx,
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=5.0,
            network_backend=_DeadlineBackend(),
        )


class RefuseCookies(http.cookiejar.DefaultCookiePolicy):
    """Feed readers keep no cookies: nothing is stored, nothing is sent."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False


class Inflater:
    """gzip / deflate that never produces more than the room it is given.

    A gzip body may be several members one after another (RFC 1952, 2.2):
    each is inflated in turn, in a loop, with the room shared between them,
    so many small members cannot get past the limit (nor the stack).
    """

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._d = zlib.decompressobj(31 if self._gzip else 15)
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        out = bytearray()
        while data:
            if self._d.eof:
                if not self._gzip:
                    break  # bytes after a deflate stream: ignored, as browsers do
                self._d = zlib.decompressobj(31)  # the next gzip member
            try:
                out += self._d.decompress(data, room - len(out) + 1)
            except zlib.error:
                if self._gzip or self._started:
                    raise
                self._d = zlib.decompressobj(-15)  # a raw deflate stream, as some servers send
                out += self._d.decompress(data, room - len(out) + 1)
            self._started = True
            if len(out) > room:
                raise TooBig
            # Under the limit, all input was consumed; what is left belongs to the next member.
            data = self._d.unused_data if self._d.eof else b""
        return bytes(out)
