"""What sits under the fetcher: a deadline at the socket, no cookies, bounded inflating.

- `_DeadlineBackend`: every socket read and write gets at most the time left
  before the fetch's overall deadline (a per-thread value set by the
  fetcher), so a server that dribbles a byte at a time is cut off even
  while it is still sending headers.
- `zone` and `Refused`: the network boundary (see `Zone`): where a fetch may
  connect is checked against the address actually connected, not the name.
- `RefuseCookies`: a cookie policy that stores and sends nothing.
- `Inflater`: gzip/deflate that never produces more than it is allowed to,
  so the size limit holds after decompression with one chunk of slack.
"""

from __future__ import annotations

import http.cookiejar
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable

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


# ---- the network boundary ----------------------------------------------------------------


def is_private(address: str) -> bool:
    """True for any address that is not on the public internet: private (10/8, 172.16/12,
    192.168/16, fc00::/7), loopback, link-local (169.254/16 with the cloud metadata
    service, fe80::/10), unspecified (0.0.0.0, ::), multicast, reserved and shared
    (100.64/10); IPv4 written inside IPv6 (::ffff:10.0.0.5) counts as that IPv4."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True  # not an address we can judge: treat it as inward
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None:
            ip = inner
    return not ip.is_global or ip.is_multicast or ip.is_private or ip.is_loopback


class Refused(Exception):
    """A connection the zone does not allow; `address` is the one that was refused."""

    def __init__(self, address: str) -> None:
        super().__init__(address)
        self.address = address


class Zone(threading.local):
    """Where this thread's current fetch may connect.

    The rule: a request may go to a private, loopback, link-local, unspecified
    or multicast address only if the address the user gave is itself one.
    Intranet feeds work; a public feed cannot redirect, nor a public page link,
    its way inward. `inward` is None at the start of a fetch of an address the
    user gave (typed, or listed in an OPML file they imported): the first
    connection decides, by the address it actually reached. False: never
    inward (a feed link found on a public page). True: anything goes.

    The check runs on the peer address, at two points: before connecting (each
    address the name resolves to is judged, and the socket connects to that
    very address, so a name that resolves again differently cannot slip
    through: no DNS rebinding between check and connect), and before every
    request written on a connection, pooled ones included (a keep-alive
    connection to an intranet host, opened by an intranet feed, is not reused
    by a public feed's redirect).
    """

    def __init__(self) -> None:
        self.inward: bool | None = False

    def may_connect(self, address: str, private: Callable[[str], bool]) -> bool:
        return self.inward is not False or not private(address)

    def admit(self, address: str, private: Callable[[str], bool]) -> None:
        if self.inward is None:
            self.inward = private(address)
        elif self.inward is False and private(address):
            raise Refused(address)


zone = Zone()


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(
        self, inner: httpcore.NetworkStream, peer: str, private: Callable[[str], bool]
    ) -> None:
        self._inner = inner
        self._peer = peer
        self._private = private

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        zone.admit(self._peer, self._private)  # before any byte of a request goes out
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
        inner = self._inner.start_tls(ssl_context, server_hostname, timeout)
        return _DeadlineStream(inner, self._peer, self._private)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """Resolves names itself, judges each address against the zone, connects to that address."""

    def __init__(self, private: Callable[[str], bool]) -> None:
        self._inner = httpcore.SyncBackend()
        self._private = private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable | None = None,
    ) -> httpcore.NetworkStream:
        _time_left(timeout, httpcore.ConnectTimeout)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"getaddrinfo: {exc}") from exc
        refused: str | None = None
        failed: Exception | None = None
        for *_, sockaddr in infos:
            address = str(sockaddr[0])
            if not zone.may_connect(address, self._private):
                refused = refused or address
                continue
            try:
                stream = self._inner.connect_tcp(
                    address, port, _time_left(timeout, httpcore.ConnectTimeout),
                    local_address, socket_options,
                )  # fmt: skip
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failed = exc
                continue
            return _DeadlineStream(stream, address, self._private)
        if failed is not None:
            raise failed
        if refused is not None:
            raise Refused(refused)
        raise httpcore.ConnectError(f"getaddrinfo: no address for {host}")

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable | None = None
    ) -> httpcore.NetworkStream:
        return self._inner.connect_unix_socket(path, timeout, socket_options)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport with the deadline-aware network backend under its pool."""

    def __init__(self, max_connections: int, private: Callable[[str], bool] = is_private) -> None:
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
            network_backend=_DeadlineBackend(private),
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
