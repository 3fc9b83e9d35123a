"""Turning fetched bytes into sanitized items: RSS/Atom via feedparser, JSON Feed by hand.

feedparser is given a BytesIO, never bytes or a str: given a string it may
open it as a URL or a *local file name*. Its own sanitizer and relative-URI
resolver are switched off (they are its slowest parts); `sanitize.py` does
both once, with nh3. Document type declarations are removed before parsing,
so no entity can be declared at all: no billion laughs, no external
entities, whatever the XML parser underneath would allow.

The work per feed is bounded by its shape as well as its size: feedparser
spends ~40-90 us on every XML element, so a document with more than
MAX_MARKUP tags outside CDATA (about 100,000 elements, a few seconds) is
refused before parsing; ordinary feeds have a few thousand (HTML content
sits in CDATA or is escaped, and does not count). The HTML inside items is
bounded in sanitize.py (nesting depth).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterable

from pkm.core.errors import PkmError
from pkm.core.feeds.model import ParsedFeed, ParsedItem
from pkm.core.feeds.sanitize import (
    absolute_url,
    clean_feed_html,
    excerpt,
    html_to_text,
    plain_text,
    text_to_html,
)

MAX_ITEMS = 1000  # newest first in practice; beyond this a "feed" is an archive dump
MAX_GUID = 1000
MAX_MARKUP = 200_000  # '<' outside CDATA sections: ~100,000 XML elements
_CDATA = re.compile(rb"<!\[CDATA\[.*?\]\]>", re.S)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)
# RSS 2.0's <author> is "email (Name)"; some feeds write "Name <email>".
_EMAIL_THEN_NAME = re.compile(r"^\s*[^\s@()<>]+@[^\s()<>]+\s*\((?P<name>[^()]+)\)\s*$")
_NAME_THEN_EMAIL = re.compile(r"^\s*(?P<name>[^<>@]+?)\s*<[^\s<>@]+@[^\s<>]+>\s*$")


class NotAFeed(PkmError):
    pass


def strip_doctype(data: bytes) -> bytes:
    """`data` without the <!DOCTYPE ...> declaration of its prolog, internal subset and all.

    Only the prolog is searched, the way an XML parser reads it: an XML
    declaration, processing instructions, comments and white space may come
    before the DOCTYPE. A `<!DOCTYPE` anywhere after that (in a comment, in
    CDATA, in escaped text) is content, and is left alone: it declares
    nothing, and after the root element no parser would take it as a
    declaration.
    """
    pos, n = 0, len(data)
    if data.startswith(b"\xef\xbb\xbf"):
        pos = 3
    while pos < n:
        if data[pos] in b" \t\r\n":
            pos += 1
        elif data.startswith(b"<?", pos):
            pos = _after(data, pos, b"?>")
        elif data.startswith(b"<!--", pos):
            pos = _after(data, pos + 4, b"-->")
        elif _DOCTYPE.match(data, pos):
            break
        else:
            return data
    else:
        return data
    kept = bytearray(data[:pos])
    while _DOCTYPE.match(data, pos):  # more than one is not well-formed; remove them all
        pos = _declaration_end(data, pos + len("<!DOCTYPE"))
        while pos < n and data[pos] in b" \t\r\n":
            kept.append(data[pos])
            pos += 1
    return bytes(kept) + data[pos:]


def _after(data: bytes, i: int, end: bytes) -> int:
    j = data.find(end, i)
    return len(data) if j < 0 else j + len(end)


def _declaration_end(data: bytes, i: int) -> int:
    """Index after the '>' closing a declaration, skipping quoted text and [ ... ]."""
    depth, quote, n = 0, 0, len(data)
    while i < n:
        c = data[i]
        if quote:
            if c == quote:
                quote = 0
        elif c in (0x22, 0x27):  # " '
            quote = c
        elif c == 0x5B:  # [
            depth += 1
        elif c == 0x5D:  # ]
            depth = max(0, depth - 1)
        elif c == 0x3E and depth == 0:  # >
            return i + 1
        i += 1
    return n


def is_json(body: bytes, headers: dict[str, str]) -> bool:
    ctype = headers.get("content-type", "").lower()
    return "json" in ctype or body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def looks_like_html(body: bytes, headers: dict[str, str]) -> bool:
    ctype = headers.get("content-type", "").lower()
    head = body[:4096].lower()
    return "html" in ctype or b"<html" in head or b"<!doctype html" in head


def parse_feed(body: bytes, headers: dict[str, str], url: str) -> ParsedFeed:
    """A feed from a response body; NotAFeed (with a message for the user) otherwise."""
    if not body.strip():
        raise NotAFeed(f"{url} sent an empty document instead of a feed.")
    if is_json(body, headers):
        return _parse_json(body, url)
    return _parse_xml(body, headers, url)


def _not_a_feed(url: str) -> NotAFeed:
    return NotAFeed(
        f"{url} is not a feed (RSS, Atom or JSON Feed). Give the feed's address, or the "
        "address of a site page that links to its feed."
    )


# ---- RSS and Atom ------------------------------------------------------------------


def markup_count(body: bytes) -> int:
    """How many tags an XML parser would see: '<' outside CDATA sections."""
    inside = sum(m.group().count(b"<") for m in _CDATA.finditer(body))
    return body.count(b"<") - inside


def _parse_xml(body: bytes, headers: dict[str, str], url: str) -> ParsedFeed:
    import feedparser

    if markup_count(body) > MAX_MARKUP:
        raise NotAFeed(
            f"{url} is too complex to read: more than {MAX_MARKUP // 2:,} XML elements "
            "(ordinary feeds have a few thousand). Ask the publisher for a shorter feed."
        )
    safe_headers = {k: v for k, v in headers.items() if k in ("content-type", "content-language")}
    safe_headers["content-location"] = url
    d = feedparser.parse(
        io.BytesIO(strip_doctype(body)),
        response_headers=safe_headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if not d.get("version") and not d.get("entries"):
        raise _not_a_feed(url)
    feed = d.get("feed", {})
    site = absolute_url(feed.get("link", ""), url)
    feed_author = _person_name(feed.get("author", "") or "")
    items = _unique(_xml_item(e, url, feed_author) for e in d.entries[:MAX_ITEMS])
    return ParsedFeed(
        title=plain_text(feed.get("title", "")),
        site_url=site,
        items=tuple(items),
        kind=d.get("version") or "rss",
    )


def _xml_item(e, feed_url: str, feed_author: str) -> ParsedItem:
    link = absolute_url(e.get("link", ""), feed_url)
    raw, is_text = _best_content(e)
    html = text_to_html(raw) if is_text else raw
    title = e.get("title", "") or ""
    author = _person_name(e.get("author", "") or "")
    if not author and e.get("authors"):
        author = (e.authors[0] or {}).get("name", "") or ""
    author = author or feed_author  # Atom: the feed's author writes entries without one
    # dict.get: FeedParserDict.get maps a missing 'updated' to 'published' with a warning.
    when = dict.get(e, "published_parsed") or dict.get(e, "updated_parsed")
    return _make_item(
        guid=str(e.get("id", "") or ""),
        link=link,
        title=title,
        author=author,
        published=_struct_time_iso(when),
        html=html,
        base=link or feed_url,
    )


def _best_content(e) -> tuple[str, bool]:
    """The fullest body an entry has: Atom/RSS content beats the summary."""
    best, best_text = "", False
    for c in e.get("content") or []:
        value = c.get("value", "") or ""
        if len(value) > len(best):
            best, best_text = value, c.get("type", "") == "text/plain"
    if not best:
        best = e.get("summary", "") or ""
        best_text = (e.get("summary_detail") or {}).get("type", "") == "text/plain"
    return best, best_text


def _struct_time_iso(t) -> str | None:
    if not t:
        return None
    try:
        return dt.datetime(*t[:6], tzinfo=dt.UTC).isoformat(timespec="seconds")
    except (TypeError, ValueError):
        return None


# ---- JSON Feed 1.0 / 1.1 --------------------------------------------------------------


def _parse_json(body: bytes, url: str) -> ParsedFeed:
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise NotAFeed(
            f"{url} sent JSON that cannot be read (it is damaged or not UTF-8). "
            "Ask the publisher to check their JSON Feed."
        ) from None
    version = _s(doc.get("version")) if isinstance(doc, dict) else ""
    if "jsonfeed.org/version/1" not in version:
        raise _not_a_feed(url)
    home = absolute_url(_s(doc.get("home_page_url")), url)
    feed_author = _json_author(doc)
    raw_items = doc.get("items")
    items = _unique(
        _json_item(it, home or url, feed_author)
        for it in (raw_items if isinstance(raw_items, list) else [])[:MAX_ITEMS]
        if isinstance(it, dict)
    )
    return ParsedFeed(
        title=plain_text(_s(doc.get("title"))),
        site_url=home,
        items=tuple(items),
        kind="json11" if version.rstrip("/").endswith("1.1") else "json10",
    )


def _json_item(it: dict, base: str, feed_author: str) -> ParsedItem:
    link = absolute_url(_s(it.get("url")) or _s(it.get("external_url")), base)
    if _s(it.get("content_html")):
        html = _s(it.get("content_html"))
    else:
        html = text_to_html(_s(it.get("content_text")) or _s(it.get("summary")))
    guid = it.get("id")
    return _make_item(
        guid=str(guid) if isinstance(guid, str | int) and not isinstance(guid, bool) else "",
        link=link,
        title=_s(it.get("title")),
        author=_json_author(it) or feed_author,
        published=_iso_date(_s(it.get("date_published")) or _s(it.get("date_modified"))),
        html=html,
        base=link or base,
    )


def _json_author(obj: dict) -> str:
    authors = obj.get("authors")
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        return _s(authors[0].get("name"))
    author = obj.get("author")  # JSON Feed 1.0
    return _s(author.get("name")) if isinstance(author, dict) else ""


def _iso_date(text: str) -> str | None:
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


def _person_name(author: str) -> str:
    """The reader shows a person, not an address: feedparser's own split of RSS's
    "email (Name)" cuts names and addresses apart at the wrong place (".exam" + "ple")."""
    for pattern in (_EMAIL_THEN_NAME, _NAME_THEN_EMAIL):
        if m := pattern.match(author):
            return m["name"].strip()
    return author


def _s(value: object) -> str:
    return value if isinstance(value, str) else ""


# ---- shared ---------------------------------------------------------------------------


def _make_item(
    *, guid: str, link: str, title: str, author: str, published: str | None, html: str, base: str
) -> ParsedItem:
    """Sanitize once, extract text, and settle the item's identity and content hash."""
    clean = clean_feed_html(html, base)
    text = html_to_text(clean)
    digest = hashlib.sha256("\0".join((title, html, link)).encode("utf-8", "replace")).hexdigest()
    guid = guid.strip()[:MAX_GUID] or link
    if not guid:
        guid = "sha256:" + hashlib.sha256(f"{title}\0{html}".encode("utf-8", "replace")).hexdigest()
    return ParsedItem(
        guid=guid,
        url=link,
        title=plain_text(title) or excerpt(text, 80) or "Untitled",
        author=plain_text(author, 200),
        published=published,
        html=clean,
        text=text,
        content_hash=digest,
    )


def _unique(items: Iterable[ParsedItem]) -> list[ParsedItem]:
    """A feed that repeats a guid gets its first occurrence only."""
    seen: set[str] = set()
    out = []
    for item in items:
        if item.guid not in seen:
            seen.add(item.guid)
            out.append(item)
    return out
