"""Addresses: only http(s) is ever fetched, and two spellings of one address are one.

Every URL that reaches the network passes `check_url` first, whether the user
typed it, an OPML file listed it or a server redirected to it: `file:`,
`ftp:`, `javascript:` and pipe commands are refused, never opened.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from pkm.core.errors import BadInput

MAX_URL = 2048
SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok|ref|ref_src|"
    r"source|ncid|cmpid|yclid|igshid|wt\.mc_id|oly_\w+)$",
    re.I,
)
#: host:port with or without a path (intranet:8443, 127.0.0.1:8080/blog, [::1]:8080).
_HOST_PORT = re.compile(r"^(\[[0-9a-f:]+\]|[\w.-]+):\d{1,5}(/|$)", re.I)
_BARE_HOST = re.compile(r"^[\w.-]+\.[a-z]{2,}(:\d+)?(/|$)", re.I)
# Never in a host name: white space, controls, and what URL syntax or HTML gives meaning to.
_BAD_HOST = re.compile(r"[\s\x00-\x1f\x7f<>\"'`{}|\\^%@/?#\[\]]")


def _is_loopback(url: str) -> bool:
    host = re.split(r"[/]", url, maxsplit=1)[0].lower()
    host = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
    host = host.strip("[]")
    return host in ("localhost", "::1") or host.startswith("127.")


def split_http(url: str) -> SplitResult | None:
    """`url` split, if it is a usable http(s) URL: a host that can be one and a port that
    is a number; None otherwise. Every URL from a feed, a page, an OPML file or a
    server passes here before its parts are used, so a bad one is dropped where it
    is (one link, one line), never raised into the refresh or the import."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for ' crlf', 99999, ':1:8080'
    except (ValueError, TypeError):
        return None
    host = parts.hostname
    if parts.scheme.lower() not in SCHEMES or not host:
        return None
    if ":" in host:  # only an IPv6 literal may hold colons: http://[::1]:8080/
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return None
    elif _BAD_HOST.search(host):
        return None
    return parts


def host_port(parts: SplitResult) -> str:
    """The host of split URL `parts` as a URL writes it (IPv6 in brackets), with its port."""
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    return host + (f":{parts.port}" if parts.port else "")


def is_http(url: str) -> bool:
    return split_http(url) is not None


def check_url(text: str, *, what: str = "address") -> str:
    """The http(s) URL to fetch for `text`, or BadInput saying why it cannot be used.

    Accepts `example.com/feed` (https is assumed) and the `feed:` forms some
    sites still link to. Credentials inside the URL are refused because they
    would end up in the database: the password belongs in the keyring.
    """
    url = (text or "").strip()
    if not url:
        raise BadInput(f"The {what} is empty. Give the web address of a feed or of a site.")
    if len(url) > MAX_URL or any(ord(c) < 33 or c == "\x7f" for c in url):
        raise BadInput(
            f"'{_short(url)}' is not a web address (it is too long or contains spaces "
            "or control characters). Copy the address from the browser's address bar."
        )
    low = url.lower()
    if low.startswith("feed://"):
        url = "http://" + url[7:]
    elif low.startswith("feed:"):
        url = url[5:]
    elif "://" not in url and (_BARE_HOST.match(url) or _HOST_PORT.match(url)):
        # As typed, port and path kept: https://, or http:// for this computer (browsers
        # do the same; a feed on localhost rarely has a certificate).
        url = ("http://" if _is_loopback(url) else "https://") + url
    try:
        parts = urlsplit(url)
    except ValueError:
        raise BadInput(f"'{_short(url)}' is not a valid web address. Check it for typos.") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        shown = f"starts with '{scheme}:'" if scheme else "has no http:// or https://"
        raise BadInput(
            f"'{_short(url)}' {shown}; only http and https addresses can be followed "
            "(local files, ftp, scripts and commands are refused). Give the web address "
            "of the feed or of its site."
        )
    if not parts.hostname:
        raise BadInput(f"'{_short(url)}' has no host name. Write it as https://example.com/feed.")
    if split_http(url) is None or not _httpx_accepts(url):
        raise BadInput(f"'{_short(url)}' is not a valid web address. Check it for typos.")
    if parts.username or parts.password:
        raise BadInput(
            "Do not put a user name or password inside the address: they would be stored in "
            "clear text. Give the address without them and use --user NAME; the password "
            "goes to the system keyring."
        )
    return urlunsplit((scheme, host_port(parts), parts.path or "/", parts.query, ""))


def _httpx_accepts(url: str) -> bool:
    """What the fetcher will be able to open (httpx is stricter about IDNA host names)."""
    import httpx

    try:
        httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        return False
    return True


def feed_key(url: str) -> str:
    """One spelling per feed: scheme, case of the host, default port and trailing '/' ignored."""
    parts = split_http(url)
    if parts is None:
        return url  # not a feed's address (check_url refuses it first): keyed as it is
    host = _keyed_host(parts)
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def item_key(url: str) -> str:
    """An article's identity across feeds: its link without tracking parameters or 'www.'."""
    parts = split_http(url) if url else None
    if parts is None:
        return ""
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _TRACKING_PARAMS.match(k)]  # fmt: skip
    host = _keyed_host(parts).removeprefix("www.")
    path = parts.path.rstrip("/") or ""
    return f"{host}{path}" + (f"?{urlencode(sorted(query))}" if query else "")


def _keyed_host(parts: SplitResult) -> str:
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host += f":{port}"
    return host


def _short(url: str, n: int = 80) -> str:
    return url if len(url) <= n else url[: n - 1] + "…"
