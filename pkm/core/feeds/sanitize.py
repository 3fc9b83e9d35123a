"""Feed HTML, made safe once before it is stored (DESIGN.md: feed HTML is hostile).

Built on the shared nh3 allowlist, tightened for feeds: no styles or classes
(CSS tricks), no forms, no embedded frames or media, only absolute http(s)
links and images. Relative URLs are resolved against the item's link while
cleaning. Images stay (the reader decides whether to load remote images)
except tracking pixels: 1x1 images and images from known tracker hosts.

The work is bounded by the input's size, not by its shape: the HTML parser
under nh3 takes time proportional to size x nesting depth (200,000 nested
<div> took minutes), so elements nested deeper than MAX_DEPTH lose their
tags before cleaning (their text stays, one level up). No article nests a
hundred levels; a document that does is an attack or a broken generator.
"""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import urljoin, urlunsplit

import nh3

from pkm.core.feeds.urls import host_port, split_http
from pkm.core.sanitize import TAGS

FEED_TAGS = (TAGS - {"input"}) | {"article", "section", "aside", "header", "footer", "main"}
FEED_ATTRIBUTES = {
    "*": {"title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
    "ol": {"start"},
    "time": {"datetime"},
    "abbr": {"title"},
}
# Their content is code, styling or a fallback for something we do not show.
DROP_WITH_CONTENT = {
    "script", "style", "template", "textarea", "select", "noscript", "iframe", "frame",
    "frameset", "object", "embed", "applet", "svg", "math", "canvas", "audio", "video",
    "head", "title", "button", "option",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src"}

# Hosts (and path prefixes) that serve only invisible counting images.
TRACKER_HOSTS = (
    "pixel.wp.com", "stats.wordpress.com", "google-analytics.com", "pixel.quantserve.com",
    "doubleclick.net", "feedsportal.com", "assoc-amazon.com", "c.statcounter.com",
    "pixel.mathtag.com", "list-manage.com", "sendgrid.net", "eotrx.substackcdn.com",
    "pixel.facebook.com", "analytics.twitter.com", "bat.bing.com", "sb.scorecardresearch.com",
    "feeds.feedblitz.com", "ct.pinterest.com", "piwik.", "matomo.",
)  # fmt: skip
TRACKER_PATHS = (
    ("feeds.feedburner.com", "/~r/"), ("feedproxy.google.com", "/~r/"),
    ("medium.com", "/_/stat"), ("assets.feedblitz.com", "/i/"),
)  # fmt: skip

_IMG = re.compile(r"<img\b((?:\s+[\w:-]+(?:=\"[^\"]*\")?)*)\s*/?>", re.I)
_ATTR = re.compile(r"([\w:-]+)=\"([^\"]*)\"")
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)(?:\"[^\"]*\"|[^>\"])*>")
# Tags that start a paragraph (a blank line) or a line of their own in plain text.
_PARA = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol",
    "dl", "hr", "figure", "section", "article", "header", "footer", "aside", "main",
}  # fmt: skip
_LINE = {"br", "li", "tr", "dt", "dd", "figcaption"}
MAX_DEPTH = 100
# Elements that never hold others, or whose end tag is optional (a parser closes them
# by itself): they do not deepen the nesting in the count below.
_FLAT = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody",
    "tfoot", "option", "optgroup", "rb", "rt", "rp", "colgroup", "caption",
}  # fmt: skip
_ANY_TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n+")


def clean_feed_html(raw: str, base: str = "") -> str:
    """Sanitized HTML for storing: allowlisted, absolute http(s) URLs, no tracking pixels."""
    if not raw:
        return ""
    raw = flatten_deep(raw)

    def resolve(element: str, attribute: str, value: str) -> str | None:
        if attribute not in URL_ATTRIBUTES:
            return value
        url = absolute_url(value, base)
        return url or None

    cleaned = nh3.clean(
        raw,
        tags=FEED_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=FEED_ATTRIBUTES,
        attribute_filter=resolve,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return _IMG.sub(_keep_image, cleaned).strip()


def flatten_deep(raw: str, limit: int = MAX_DEPTH) -> str:
    """`raw` with the tags of elements nested deeper than `limit` removed (text kept).

    One linear pass over the tags, counting depth the simple way (open +1,
    close -1): the result is still cleaned by nh3, so this only has to bound
    the parser's work, not to understand the document.
    """
    if raw.count("<") <= limit:  # cannot nest that deep: the common case, untouched
        return raw
    depth = 0

    def tag(match: re.Match[str]) -> str:
        nonlocal depth
        name = match.group(2).lower()
        if name in _FLAT or match.group(0).endswith("/>"):
            return match.group(0) if depth < limit else ""
        if match.group(1):  # a closing tag
            depth = max(0, depth - 1)
            return match.group(0) if depth < limit else ""
        depth += 1
        return match.group(0) if depth <= limit else ""

    return _ANY_TAG.sub(tag, raw)


def absolute_url(value: str, base: str = "") -> str:
    """`value` resolved against `base`, or '' unless the result is an absolute http(s) URL."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        absolute = value[:8].lower().startswith(("https://", "http://"))
        url = value if absolute or not base else urljoin(base, value)
    except ValueError:
        return ""
    parts = split_http(url)
    if parts is None:
        return ""
    if parts.username or parts.password:  # never stored, never followed
        url = urlunsplit(parts._replace(netloc=host_port(parts)))
    return url


def _keep_image(match: re.Match[str]) -> str:
    attrs = dict(_ATTR.findall(match.group(1)))
    src = attrs.get("src", "")
    if not src or is_tracker(src):
        return ""
    for dim in ("width", "height"):
        size = re.match(r"\s*(\d+)", attrs.get(dim, ""))
        if size and int(size.group(1)) <= 1:
            return ""
    return match.group(0)


def is_tracker(url: str) -> bool:
    parts = split_http(url)
    if parts is None:
        return False
    host = (parts.hostname or "").lower()
    for known in TRACKER_HOSTS:
        if known.endswith("."):
            if host.startswith(known) or f".{known}" in host:
                return True
        elif host == known or host.endswith("." + known):
            return True
    return any(
        (host == h or host.endswith("." + h)) and parts.path.startswith(p) for h, p in TRACKER_PATHS
    )


def html_to_text(html: str) -> str:
    """Readable plain text of sanitized (well-formed) HTML: blocks become lines."""
    if not html:
        return ""

    def tag(match: re.Match[str]) -> str:
        name = match.group(2).lower()
        if name in _PARA:
            return "\n\n"
        if name in _LINE and not match.group(1):
            return "\n"
        return " " if name in ("td", "th") and not match.group(1) else ""

    text = html_lib.unescape(_TAG.sub(tag, html))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def plain_text(value: str, limit: int = 500) -> str:
    """A title or author name as one line of text, whatever markup the feed put in it."""
    if not value:
        return ""
    if "<" in value:
        value = html_to_text(nh3.clean(flatten_deep(value), tags=set()))
    else:
        value = html_lib.unescape(value)
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def text_to_html(text: str) -> str:
    """Plain-text content (a JSON Feed content_text, a text/plain summary) as paragraphs."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return "".join("<p>" + html_lib.escape(p).replace("\n", "<br>") + "</p>" for p in paras)


def excerpt(text: str, limit: int = 280) -> str:
    """The opening of a text, cut at a sentence or word boundary."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if end >= limit // 2:
        return cut[: end + 1]
    return cut.rsplit(" ", 1)[0].rstrip(",;:") + "…"
