"""Finding the feed behind an address: the feed itself, or a page that links to it.

A web page is searched for <link rel="alternate"> feed links first (the
standard way sites announce their feeds), then a few common feed paths.
Every candidate goes through the same bounded fetcher and http(s) check,
in the page's network zone (a public page cannot point inward, see
transport.Zone), and the password given for the page goes only to
candidates on the page's own origin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from pkm.core.feeds.fetch import Fetcher, FetchError, Response
from pkm.core.feeds.model import ParsedFeed
from pkm.core.feeds.parse import NotAFeed, looks_like_html, parse_feed
from pkm.core.feeds.sanitize import absolute_url

FEED_TYPES = {
    "application/rss+xml", "application/atom+xml", "application/feed+json",
    "application/json", "application/rdf+xml", "application/x-rss+xml", "text/xml",
    "application/xml",
}  # fmt: skip
COMMON_PATHS = (
    "feed", "rss", "feed.xml", "atom.xml", "rss.xml", "index.xml", "feed.json", "atom",
    "feeds/posts/default", "index.rss",
)  # fmt: skip
MAX_CANDIDATES = 6
MAX_PAGE = 1024 * 1024  # of a page scanned for links


@dataclass(frozen=True)
class Found:
    url: str  # the address to store: the feed's, after permanent redirects
    response: Response
    feed: ParsedFeed


class _FeedLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base = ""
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "base" and not self.base:
            self.base = a.get("href", "")
        elif tag in ("link", "a") and "alternate" in a.get("rel", "").lower().split():
            kind = a.get("type", "").lower().split(";")[0].strip()
            if kind in FEED_TYPES and a.get("href"):
                self.links.append(a["href"])


def feed_links(body: bytes, headers: dict[str, str], page_url: str) -> list[str]:
    """Absolute http(s) feed links a page announces, in page order, without repeats."""
    charset = "utf-8"
    ctype = headers.get("content-type", "")
    if "charset=" in ctype:
        charset = ctype.split("charset=")[-1].split(";")[0].strip().strip('"') or "utf-8"
    try:
        text = body[:MAX_PAGE].decode(charset, "replace")
    except LookupError:
        text = body[:MAX_PAGE].decode("utf-8", "replace")
    finder = _FeedLinks()
    finder.feed(text)
    finder.close()
    base = absolute_url(finder.base, page_url) or page_url
    out: list[str] = []
    for href in finder.links:
        url = absolute_url(href, base)
        if url and url not in out:
            out.append(url)
    return out


def common_candidates(page_url: str) -> list[str]:
    parts = urlsplit(page_url)
    root = f"{parts.scheme}://{parts.netloc}/"
    here = urljoin(page_url, ".")
    out: list[str] = []
    for path in COMMON_PATHS:
        for base in (here, root):
            url = urljoin(base, path)
            if url not in out:
                out.append(url)
    return out


def find_feed(
    fetcher: Fetcher,
    url: str,
    *,
    auth: tuple[str, str] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Found:
    """The feed at `url`, or the one its page points to; FetchError or NotAFeed otherwise."""
    response = fetcher.get(url, auth=auth, cancel=cancel)
    try:
        return Found(response.permanent_url or url, response, _parse(response))
    except NotAFeed:
        if not looks_like_html(response.body, response.headers):
            raise
    announced = feed_links(response.body, response.headers, response.url)
    candidates = announced[:MAX_CANDIDATES] or common_candidates(response.url)
    inward: FetchError | None = None
    for candidate in candidates:
        try:
            got = fetcher.get(
                candidate, auth=auth, auth_for=url, inward=response.inward, cancel=cancel
            )
            return Found(got.permanent_url or candidate, got, _parse(got))
        except (FetchError, NotAFeed) as exc:
            if isinstance(exc, FetchError) and exc.kind == "private":
                inward = inward or exc
            elif isinstance(exc, FetchError) and exc.kind in ("timeout", "unreachable"):
                break  # the site is struggling: do not hammer it with guesses
    if inward is not None and announced:
        raise FetchError(
            f"The page at {url} links to a feed at a private network address "
            f"({inward.address}); pkm does not follow that. "
            "If this feed really lives on your intranet, add it by that address.",
            kind="private",
        )
    where = "the feeds it links to could not be read" if announced else "it links to no feed"
    raise NotAFeed(
        f"No feed found at {url}: it is a web page and {where}. Look on the site for an "
        "RSS, Atom or JSON Feed link and add that address."
    )


def _parse(response: Response) -> ParsedFeed:
    if response.status != 200 or not response.body:
        raise NotAFeed(f"{response.url} sent no content.")
    return parse_feed(response.body, response.headers, response.url)
