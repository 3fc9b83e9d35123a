"""Evernote's export: one ``.enex`` file (XML) of notes with ENML content and resources.

The shape, from Evernote's ENEX and ENML documentation: ``<en-export>`` holds
``<note>``s, each with ``<title>``, ``<created>`` / ``<updated>``
(``20251103T081500Z``), ``<tag>``s, ``<note-attributes>`` (``<source-url>``),
``<content>`` (an ENML document in CDATA: XHTML plus ``<en-media hash=…>``
for a resource and ``<en-todo checked=…>`` for a checkbox) and
``<resource>``s (base64 ``<data>``, ``<mime>``, ``<file-name>``); a resource
is named in the content by the MD5 of its bytes. Evernote 10 also writes
checklists as ``<ul style="--en-todo:true"><li style="--en-checked:true">``.

The file is read as a stream (a notebook export can be gigabytes) with
defusedxml, so entity tricks in a hostile file cannot blow up memory or reach
files. ENML is converted with markdownify (lists, tables, links, emphasis),
extended for en-media and en-todo. Images go to the media store and show where
the note had them; other files are kept there as attachments and linked.

Decisions: Evernote notes become *notes* (not daily entries) on the day they
were created, in this computer's time zone. The source URL, when there is
one, is the note's last line. Evernote exports carry no note id, so the
source id is the title plus the creation time: the same note exported again
is recognised, and two notes of one title created at different times are not
confused. A file that breaks off in the middle keeps the notes before it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from markdownify import MarkdownConverter

from pkm.core.errors import BadInput, PkmError
from pkm.core.imports.model import Note, Skip
from pkm.core.media import MediaStore, Stored, markdown_for


def _time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.strptime(text.strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


class _Enml(MarkdownConverter):
    """markdownify plus Evernote's own elements (media by hash, checkboxes)."""

    def __init__(self, media: dict[str, tuple[Stored, str]], **options) -> None:
        super().__init__(heading_style="ATX", bullets="-", table_infer_header=True, **options)
        self.media = media
        self.used: set[str] = set()

    def convert_en_media(self, el, text, parent_tags):
        digest = (el.get("hash") or "").lower()
        found = self.media.get(digest)
        if found is None:
            return ""
        self.used.add(digest)
        return markdown_for(found[0], found[1]) + ("\n\n" if not found[0].is_image else "")

    def convert_en_todo(self, el, text, parent_tags):
        box = "[x] " if (el.get("checked") or "").lower() == "true" else "[ ] "
        return box if "li" in parent_tags else "- " + box  # a task list item in Markdown

    def convert_li(self, el, text, parent_tags):
        style = (el.get("style") or "").replace(" ", "")
        parent = el.parent
        in_todo = parent is not None and "--en-todo:true" in (parent.get("style") or "").replace(
            " ", ""
        )
        if in_todo and not text.lstrip().startswith(("[ ]", "[x]")):
            text = ("[x] " if "--en-checked:true" in style else "[ ] ") + text.lstrip()
        return super().convert_li(el, text, parent_tags)

    def convert_en_crypt(self, el, text, parent_tags):
        return "*(encrypted text, left out: decrypt it in Evernote and export again)*"


def _clean(md: str) -> str:
    md = re.sub(r"\n{3,}", "\n\n", md)
    # markdownify writes "- [ ] " as "- \[ \] " when the box came from text; undo that
    md = re.sub(r"^(\s*[-*] )\\\[( |x)\\\] ", r"\1[\2] ", md, flags=re.M)
    return md.strip() + "\n"


def _resources(note: Element, media: MediaStore, left_out: list[str]) -> tuple[dict, int]:
    out: dict[str, tuple[Stored, str]] = {}
    count = 0
    for n, res in enumerate(note.findall("resource"), start=1):
        name = (res.findtext("resource-attributes/file-name") or "").strip()
        mime = (res.findtext("mime") or "").strip()
        label = name or f"attachment {n} ({mime or 'unknown type'})"
        raw = res.findtext("data") or ""
        try:
            data = base64.b64decode(raw, validate=False)
        except (binascii.Error, ValueError):
            left_out.append(f"{label} was left out: its data is not valid base64")
            continue
        if not name and mime.startswith("image/"):
            name = f"image.{mime.split('/', 1)[1]}"
        try:
            stored = media.add(data, name)
        except BadInput as exc:
            left_out.append(str(exc))
            continue
        count += int(stored.new)
        out[hashlib.md5(data, usedforsecurity=False).hexdigest()] = (stored, name or label)
    return out, count


def _note(note: Element, n: int, media: MediaStore) -> Note | Skip:
    title = " ".join((note.findtext("title") or "").split())
    created = _time(note.findtext("created"))
    updated = _time(note.findtext("updated"))
    label = title or f"note {n}"
    if created is None:
        created = updated
    if created is None:
        return Skip(label, "it has no creation date, so it cannot be placed in the journal")
    left_out: list[str] = []
    resources, count = _resources(note, media, left_out)
    content = note.findtext("content") or ""
    content = re.sub(r"^\s*<\?xml[^>]*\?>", "", content)
    content = re.sub(r"<!DOCTYPE[^>]*>", "", content, count=1)
    converter = _Enml(resources)
    body = _clean(converter.convert(content))
    unused = [v for k, v in resources.items() if k not in converter.used]
    if unused:
        body += "\n" + "\n\n".join(markdown_for(s, name) for s, name in unused) + "\n"
    url = (note.findtext("note-attributes/source-url") or "").strip()
    if url.startswith(("http://", "https://")):
        body += f"\nSource: <{url}>\n"
    tags = [t.text.strip() for t in note.findall("tag") if t.text and t.text.strip()]
    return Note(
        source_id=f"{title}\n{created:%Y%m%dT%H%M%SZ}",
        label=label,
        title=title or "Untitled note",
        body=body.strip() + "\n",
        day=created.astimezone().date(),
        created=created,
        updated=updated or created,
        tags=tags,
        media=count,
        notes=left_out,
    )


def read(path: Path, media: MediaStore) -> Iterator[Note | Skip]:
    """The notes of an .enex file, streamed; a broken note is a Skip, the others go on."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed in the finally below, across yields)
    except OSError as exc:
        raise BadInput(f"Cannot read {path}: {exc.strerror or exc}.") from None
    n = 0
    root_seen = False
    try:
        events = iterparse(fh, events=("start", "end"), forbid_dtd=False)
        for event, el in events:
            if event == "start":
                if not root_seen:
                    root_seen = True
                    if el.tag != "en-export":
                        raise BadInput(
                            f"{path} is not an Evernote export (its first element is "
                            f"<{el.tag}>). In Evernote choose Export notes › ENEX."
                        )
                continue
            if el.tag != "note":
                continue
            n += 1
            try:
                yield _note(el, n, media)
            except PkmError as exc:
                yield Skip(f"note {n}", str(exc))
            except (ValueError, TypeError, AttributeError) as exc:
                yield Skip(f"note {n}", f"its content could not be converted ({exc})")
            el.clear()
    except ParseError as exc:
        if not root_seen:
            raise BadInput(
                f"{path} is not an Evernote export ({exc}). In Evernote choose Export notes › ENEX."
            ) from None
        yield Skip(
            f"after note {n}",
            f"the file is damaged from there on ({exc}); the notes before it were read",
        )
    except DefusedXmlException as exc:
        raise BadInput(
            f"{path} declares XML entities, which an Evernote export never does; "
            f"it was not read ({type(exc).__name__})."
        ) from None
    finally:
        fh.close()
