"""Fetching feeds over HTTP, bounded in every direction (DESIGN.md: network input is bounded).

- GET only, a descriptive User-Agent, no cookies (a jar that refuses all),
  no Referer; conditional GET with ETag / Last-Modified sent back verbatim.
- Redirects are followed here, not by httpx, so each hop is checked: at most
  `max_redirects`, http(s) only, and a chain made only of permanent
  redirects is reported so the stored address can be updated.
- A password goes only to the origin (scheme, host, port) the user gave it
  for: not to a redirect's target, not to a feed a page links to elsewhere.
  A user name or password written inside a redirect's address is removed:
  never sent, never stored.
- The network boundary (transport.Zone): private, loopback and link-local
  addresses are reached only when the address the user gave is itself one,
  judged by the address actually connected.
- The body is streamed and decompressed here with a bounded output, so the
  size limit counts bytes *after* decompression: a gzip bomb stops at
  `max_bytes` with at most one chunk of extra memory.
- One overall deadline per fetch, enforced at the socket: every read and
  write gets at most the time left, so a server that dribbles a byte at a
  time (headers or body) is cut off, not just one that goes silent.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.cookiejar
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from pkm import __version__
from pkm.core.errors import PkmError
from pkm.core.feeds.transport import (
    DeadlineTransport,
    Inflater,
    RefuseCookies,
    Refused,
    TooBig,
    deadline,
    is_private,
    zone,
)
from pkm.core.feeds.urls import SCHEMES, host_port, split_http

USER_AGENT = f"pkm/{__version__} (personal feed reader; 1 subscriber; desktop app, polite polling)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1"
)
CHUNK = 64 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Limits:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # silence between two reads
    deadline: float = 60.0  # the whole fetch: redirects, headers and body
    max_bytes: int = 10 * 1024 * 1024  # of body after decompression
    max_redirects: int = 5


@dataclass(frozen=True)
class Response:
    status: int  # 200 (or another 2xx) with a body, or 304
    url: str  # where the body came from, after redirects
    permanent_url: str | None  # set when every redirect on the way was permanent
    headers: dict[str, str]
    body: bytes = b""
    inward: bool = False  # the fetch was allowed to private addresses (see transport.Zone)


class FetchError(PkmError):
    """A fetch that failed; `kind` lets the refresh decide on backoff, 'gone', auth."""

    def __init__(
        self, message: str, *, kind: str = "error", status: int | None = None,
        retry_after: float | None = None, address: str = "",
    ) -> None:  # fmt: skip
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after
        self.address = address  # kind 'private': the private address that was refused


class Cancelled(PkmError):
    pass


# ---- the fetcher ----------------------------------------------------------------


class Fetcher:
    """One httpx client for many fetches, safe to share between the refresh pool's threads."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        max_connections: int = 16,
        private: Callable[[str], bool] = is_private,
    ) -> None:
        """`private` says which peer addresses are inward (tests stand in a loopback
        address for a public one through it)."""
        self.limits = limits or Limits()
        lim = self.limits
        self._client = httpx.Client(
            transport=DeadlineTransport(max_connections, private),
            trust_env=False,  # nothing from the environment (with our transport httpx uses no proxy)
            timeout=httpx.Timeout(
                connect=lim.connect_timeout,
                read=lim.read_timeout,
                write=lim.read_timeout,
                pool=lim.deadline,
            ),
            follow_redirects=False,
            cookies=http.cookiejar.CookieJar(policy=RefuseCookies()),
            headers={
                "User-Agent": USER_AGENT,
                "Accept": FEED_ACCEPT,
                "Accept-Encoding": "gzip, deflate",
            },
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        etag: str = "",
        last_modified: str = "",
        auth: tuple[str, str] | None = None,
        auth_for: str | None = None,
        inward: bool | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> Response:
        """GET `url` (following checked redirects); raises FetchError with a user message.

        `auth` goes only to the origin of `auth_for` (by default `url`'s).
        `inward`: None when `url` is an address the user gave (its first
        connection decides whether private addresses may be reached), False
        for one found on a public page, True for one found on an intranet page
        (the `inward` of that page's Response).
        """
        start = time.monotonic()
        deadline.at = start + self.limits.deadline
        zone.inward = inward
        try:
            return self._get(
                url, etag, last_modified, auth, origin(auth_for or url), cancel or (lambda: False)
            )
        except httpx.TimeoutException:
            if time.monotonic() - start >= self.limits.deadline - 0.05:
                raise self._deadline_error(url) from None
            raise FetchError(
                f"{url} did not answer within {self.limits.read_timeout:g} seconds. "
                "Try again later.",
                kind="timeout",
            ) from None
        except httpx.InvalidURL:  # httpx prepares the next hop itself, even unfollowed
            raise FetchError(
                f"{url} redirected to an invalid or non-web address, which pkm refuses to "
                "open. Ask the publisher for the feed's http(s) address.",
                kind="redirect_refused",
            ) from None
        except httpx.TransportError as exc:
            raise FetchError(
                f"Cannot reach {url}: {_why(exc)}. Check the address or try again later.",
                kind="unreachable",
            ) from None
        finally:
            deadline.at = None
            zone.inward = False

    def _get(self, url, etag, last_modified, auth, auth_origin, cancel) -> Response:
        current, permanent = url, True
        for hop in range(self.limits.max_redirects + 1):
            if cancel():
                raise Cancelled("Cancelled.")
            headers = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            if auth and auth_origin is not None and origin(current) == auth_origin:
                token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
                headers["Authorization"] = f"Basic {token}"
            request = self._client.build_request("GET", current, headers=headers)
            try:
                response = self._client.send(request, stream=True)
            except Refused as exc:
                raise _inward_error(url, current, hop, exc.address) from None
            try:
                if response.status_code in (301, 302, 303, 307, 308):
                    permanent = permanent and response.status_code in (301, 308)
                    current = self._next_hop(current, response)
                    continue
                return self._finish(url, current, permanent, response, auth, cancel)
            finally:
                response.close()
        raise FetchError(
            f"{url} redirected more than {self.limits.max_redirects} times; stopped. "
            "Open it in a browser to find the feed's real address.",
            kind="redirects",
        )

    def _next_hop(self, current: str, response: httpx.Response) -> str:
        location = response.headers.get("location", "").strip()
        if not location:
            raise FetchError(
                f"{current} redirected without saying where to. Try again later.", kind="http"
            )
        try:
            target = urljoin(current, location)
            scheme = urlsplit(target).scheme.lower()
        except ValueError:
            target, scheme = "", "http"
        parts = split_http(target)
        if scheme not in SCHEMES:
            raise FetchError(
                f"{current} redirected to a non-web address "
                f"({(scheme + ':') if scheme else 'without http:// or https://'}), which pkm "
                "refuses to open. "
                "Ask the publisher for the feed's http(s) address.",
                kind="redirect_refused",
            )
        if parts is None:
            raise FetchError(
                f"{current} redirected to an invalid address ({location[:100]}), which pkm "
                "refuses to open. Ask the publisher for the feed's http(s) address.",
                kind="redirect_refused",
            )
        if parts.username or parts.password:
            # A user name or password in a redirect is never used, nor kept as the feed's address.
            target = urlunsplit(parts._replace(netloc=host_port(parts)))
        return target

    def _finish(self, url, current, permanent, response, auth, cancel) -> Response:
        status = response.status_code
        final = current if current != url else None
        headers = {k.lower(): v for k, v in response.headers.items()}
        inward = bool(zone.inward)
        if status == 304:
            return Response(304, current, final if permanent else None, headers, b"", inward)
        if 200 <= status < 300:
            body = self._read_body(current, response, cancel)
            return Response(status, current, final if permanent else None, headers, body, inward)
        raise _status_error(url, status, headers, auth is not None)

    def _read_body(self, url: str, response: httpx.Response, cancel) -> bytes:
        limit = self.limits.max_bytes
        encoding = response.headers.get("content-encoding", "").strip().lower()
        if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise FetchError(
                f"{url} sent its feed compressed as '{encoding}', which pkm does not accept.",
                kind="http",
            )
        inflater = Inflater(encoding) if encoding not in ("", "identity") else None
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            raise self._too_big(url)
        body = bytearray()
        try:
            for chunk in response.iter_raw(CHUNK):
                if cancel():
                    raise Cancelled("Cancelled.")
                if time.monotonic() > deadline.at:
                    raise self._deadline_error(url)
                data = inflater.feed(chunk, limit - len(body)) if inflater else chunk
                body += data
                if len(body) > limit:
                    raise TooBig
        except TooBig:
            raise self._too_big(url) from None
        except zlib.error:
            raise FetchError(
                f"{url} sent damaged compressed data. Try again later.", kind="http"
            ) from None
        return bytes(body)

    def _too_big(self, url: str) -> FetchError:
        mb = self.limits.max_bytes / (1024 * 1024)
        return FetchError(
            f"{url} sent more than {mb:g} MB (counted after decompression); stopped reading. "
            "A feed that large cannot be followed; look for a smaller feed on the site.",
            kind="too_big",
        )

    def _deadline_error(self, url: str) -> FetchError:
        return FetchError(
            f"{url} took longer than {self.limits.deadline:g} seconds in all to send the feed; "
            "stopped. The server is too slow right now: try again later.",
            kind="timeout",
        )


def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) with the default port filled in; None for an unusable URL."""
    parts = split_http(url)
    if parts is None:
        return None
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS[scheme]


def _inward_error(url: str, current: str, hop: int, address: str) -> FetchError:
    """One clear line: a public address led to a private one, which pkm does not follow."""
    if hop:
        what = f"The feed at {url} redirected to a private network address ({address})"
    else:
        what = (
            f"{current} is at a private network address ({address}) but was found on a public page"
        )
    return FetchError(
        f"{what}; pkm does not follow that. If this feed really lives on your intranet, "
        "add it by that address.",
        kind="private",
        address=address,
    )


def _why(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    low = text.lower()
    if "refused" in low:
        return "connection refused"
    if "name or service not known" in low or "nodename nor servname" in low or "getaddrinfo" in low:
        return "the host name could not be found"
    if "certificate" in low or "ssl" in low:
        return f"the secure connection failed ({text})"
    return text


def retry_after_seconds(value: str, now: dt.datetime | None = None) -> float | None:
    """Retry-After as seconds from now: a number of seconds or an HTTP date."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def _status_error(url: str, status: int, headers: dict[str, str], had_auth: bool) -> FetchError:
    retry = retry_after_seconds(headers.get("retry-after", ""))
    if status == 410:
        return FetchError(
            f"{url} is gone (410): the publisher removed this feed, and pkm no longer polls it. "
            "Unsubscribe, or add the feed's new address if the site has one.",
            kind="gone", status=status,
        )  # fmt: skip
    if status == 401:
        if had_auth:
            text = "refused the user name or password (401). Add the feed again with the right --user and password."
        else:
            text = "needs a user name and password (401). Add it with --user NAME; the password goes to the keyring."
        return FetchError(f"{url} {text}", kind="auth", status=status)
    if status == 403:
        return FetchError(
            f"{url} refused access (403). Check in a browser that the feed is public.",
            kind="http", status=status,
        )  # fmt: skip
    if status == 404:
        return FetchError(
            f"{url} was not found (404). The feed may have moved: look on the site for its new address.",
            kind="http", status=status,
        )  # fmt: skip
    if status == 429:
        return FetchError(
            f"{url} asked pkm to slow down (429 Too Many Requests); it will wait before trying again.",
            kind="backoff", status=status, retry_after=retry,
        )  # fmt: skip
    if status >= 500:
        return FetchError(
            f"{url} has a server error ({status}). pkm will try again later.",
            kind="backoff", status=status, retry_after=retry,
        )  # fmt: skip
    return FetchError(
        f"{url} answered with HTTP status {status} instead of a feed. Check the address.",
        kind="http", status=status,
    )  # fmt: skip
