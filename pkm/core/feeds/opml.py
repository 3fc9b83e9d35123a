"""OPML: reading a subscription list (listparser) and writing one (ElementTree).

listparser is always given bytes: given a string that looks like a URL it
would fetch it. Each entry's address passes the same http(s) check as a
typed one, so a `file:` path, a script or a pipe command in a shared OPML
file is refused and reported while the rest is imported.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import format_datetime

from pkm.core.errors import BadInput
from pkm.core.feeds.model import Feed
from pkm.core.feeds.parse import strip_doctype

MAX_OPML = 20 * 1024 * 1024
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding=["']([\w.:-]+)["']""", re.I)


@dataclass(frozen=True)
class OpmlEntry:
    url: str  # as written in the file: not yet checked
    title: str
    folder: str


def read_opml(data: bytes) -> list[OpmlEntry]:
    """The feed entries of an OPML document; BadInput if it is not one."""
    import listparser

    if len(data) > MAX_OPML:
        raise BadInput(
            f"The OPML file is {len(data) // (1024 * 1024)} MB; pkm reads up to "
            f"{MAX_OPML // (1024 * 1024)} MB. Export a smaller list."
        )
    result = listparser.parse(_as_utf8(strip_doctype(data)))
    feeds = result.get("feeds") or []
    if not feeds:
        raise BadInput(
            "This file is not an OPML subscription list (or it lists no feeds). Export the "
            "list again from your old reader as OPML and try again."
        )
    out = []
    for f in feeds:
        cats = f.get("categories") or []
        folder = " / ".join(c for c in cats[0] if c) if cats else ""
        out.append(OpmlEntry(str(f.get("url") or ""), str(f.get("title") or ""), folder))
    return out


def _as_utf8(data: bytes) -> bytes:
    """listparser decodes as UTF-8 unconditionally: transcode files declared otherwise."""
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    m = _ENCODING.match(data)
    encoding = m.group(1).decode("ascii") if m else "latin-1"
    try:
        text = data.decode(encoding, "replace")
    except LookupError:
        text = data.decode("latin-1")
    return text.encode("utf-8")


def write_opml(feeds: Iterable[Feed], now: dt.datetime) -> bytes:
    """OPML 2.0 with one level of folders; no user names, no passwords."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "pkm subscriptions"
    ET.SubElement(head, "dateCreated").text = format_datetime(now.astimezone(dt.UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds:
        parent = body
        if feed.folder:
            parent = folders.get(feed.folder)
            if parent is None:
                parent = ET.SubElement(body, "outline", text=feed.folder, title=feed.folder)
                folders[feed.folder] = parent
        attrs = {"type": "rss", "text": feed.title, "title": feed.title, "xmlUrl": feed.url}
        if feed.site_url:
            attrs["htmlUrl"] = feed.site_url
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
