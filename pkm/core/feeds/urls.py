"""Addresses: only http(s) is ever fetched, and two spellings of one address are one.

Every URL that reaches the network passes `check_url` first, whether the user
typed it, an OPML file listed it or a server redirected to it: `file:`,
`ftp:`, `javascript:` and pipe commands are refused, never opened.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pkm.core.errors import BadInput

MAX_URL = 2048
SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok|ref|ref_src|"
    r"source|ncid|cmpid|yclid|igshid|wt\.mc_id|oly_\w+)$",
    re.I,
)
_BARE_HOST = re.compile(r"^[\w.-]+\.[a-z]{2,}(:\d+)?(/|$)", re.I)


def is_http(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in SCHEMES and bool(parts.hostname)


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
    elif "://" not in url and _BARE_HOST.match(url):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BadInput(f"'{_short(url)}' is not a valid web address. Check it for typos.") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        shown = f"'{scheme}:'" if scheme else "no scheme"
        raise BadInput(
            f"'{_short(url)}' has {shown}; only http and https addresses can be followed "
            "(local files, ftp, scripts and commands are refused). Give the web address "
            "of the feed or of its site."
        )
    if not parts.hostname:
        raise BadInput(f"'{_short(url)}' has no host name. Write it as https://example.com/feed.")
    if parts.username or parts.password:
        raise BadInput(
            "Do not put a user name or password inside the address: they would be stored in "
            "clear text. Give the address without them and use --user NAME; the password "
            "goes to the system keyring."
        )
    netloc = parts.hostname.lower() + (f":{port}" if port else "")
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def feed_key(url: str) -> str:
    """One spelling per feed: scheme, case of the host, default port and trailing '/' ignored."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host += f":{port}"
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def item_key(url: str) -> str:
    """An article's identity across feeds: its link without tracking parameters or 'www.'."""
    if not url or not is_http(url):
        return ""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _TRACKING_PARAMS.match(k)]  # fmt: skip
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = parts.port
    if port and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host += f":{port}"
    path = parts.path.rstrip("/") or ""
    return f"{host}{path}" + (f"?{urlencode(sorted(query))}" if query else "")


def _short(url: str, n: int = 80) -> str:
    return url if len(url) <= n else url[: n - 1] + "…"
