"""Day One's JSON export: a .zip with ``Journal.json`` (or several journals) and ``photos/``.

The shape, from Day One's export documentation and real exports: a top-level
``{"metadata": …, "entries": [...]}``; each entry has ``uuid``,
``creationDate`` / ``modifiedDate`` (UTC, ISO 8601 with Z), ``timeZone`` (an
IANA name), ``text`` (Markdown, with punctuation backslash-escaped), ``tags``,
``starred``, ``location`` (``placeName``, ``localityName``,
``administrativeArea``, ``country``) and ``photos`` (``identifier``, ``md5``,
``type``; likewise ``videos``, ``audios``, ``pdfAttachments``). The text shows a
photo as ``![](dayone-moment://IDENTIFIER)`` (a video as
``dayone-moment:/video/IDENTIFIER``); the file is ``photos/MD5.TYPE`` (``videos/``,
``audios/``, ``pdfs/``) in the zip.

Decisions: Day One is a diary, so its entries become *daily* entries on the
day they were written in their own time zone (a 23:30 entry in Tokyo stays on
that Tokyo evening); several entries of one day are one daily entry, in the
order written. The time, the place and the star are kept as text and a tag
(``starred``) because pkm has no fields for them. Photos go to the media store
and show where the text had them; videos, recordings and PDFs are kept there
too, as links (the media store's size limit applies); files the text never
mentions are added at the end. The uuid is the source id.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
import zoneinfo
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from pkm.core.errors import BadInput, PkmError
from pkm.core.imports.model import Note, Skip
from pkm.core.media import MediaStore, markdown_for

MAX_JSON = 500 * 1024 * 1024  # a Journal.json larger than this is not a journal
# ![](dayone-moment://ID) for a photo; dayone-moment:/video/ID, /audio/ID, /pdfAttachment/ID
_MOMENT = re.compile(
    r"!\[([^\]]*)\]\(dayone-moment:/{0,2}(?:(?:video|audio|pdfAttachment)/)?([A-Za-z0-9-]+)\)"
)
#: the entry's lists of attached files, and what a file of each is called in the text
_MEDIA_LISTS = (
    ("photos", "photo"),
    ("videos", "video"),
    ("audios", "audio recording"),
    ("pdfAttachments", "PDF"),
)
_ESCAPED = re.compile(r"\\([.!()\-+#>])")  # Day One escapes Markdown punctuation


def _time(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _zone(name: object) -> dt.tzinfo | None:
    if not isinstance(name, str) or not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _place(loc: object) -> str:
    if not isinstance(loc, dict):
        return ""
    parts = [loc.get(k) for k in ("placeName", "localityName", "administrativeArea", "country")]
    return ", ".join(dict.fromkeys(str(p).strip() for p in parts if p and str(p).strip()))


def journals_in(zf: zipfile.ZipFile) -> list[str]:
    """The journal files of an export (Journal.json, or one .json per journal)."""
    names = [
        n
        for n in zf.namelist()
        if n.lower().endswith(".json") and "/" not in n.strip("/") and not n.startswith("__MACOSX")
    ]
    return sorted(names)


def read(path: Path, media: MediaStore) -> Iterator[Note | Skip]:
    """The notes of a Day One export; a broken entry is a Skip, never the end of the import."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadInput(
            f"{path} is not a Day One export (.zip): {exc}. In Day One choose "
            "Export › JSON and import the .zip it makes."
        ) from None
    with zf:
        journals = journals_in(zf)
        if not journals:
            raise BadInput(
                f"{path} holds no Journal.json, so it is not a Day One JSON export. "
                "In Day One choose Export › JSON and import the .zip it makes."
            )
        photos = {PurePosixPath(n).name.lower(): n for n in zf.namelist() if "/" in n}
        for name in journals:
            info = zf.getinfo(name)
            if info.file_size > MAX_JSON:
                yield Skip(name, f"{name} is {info.file_size / 1e6:.0f} MB, too large to import")
                continue
            try:
                data = json.loads(zf.read(name).decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError, zipfile.BadZipFile, OSError) as exc:
                yield Skip(name, f"{name} could not be read ({exc}); its entries were not imported")
                continue
            items = data.get("entries") if isinstance(data, dict) else None
            if not isinstance(items, list):
                yield Skip(name, f"{name} has no list of entries; it is not a Day One journal")
                continue
            journal = PurePosixPath(name).stem
            for n, raw in enumerate(items, start=1):
                label = f"{journal} entry {n}"
                try:
                    yield _entry(raw, label, zf, photos, media)
                except PkmError as exc:
                    yield Skip(label, str(exc))
                except (ValueError, TypeError, KeyError, AttributeError, OSError) as exc:
                    yield Skip(label, f"it could not be read ({type(exc).__name__}: {exc})")


def _entry(
    raw: object, label: str, zf: zipfile.ZipFile, photos: dict[str, str], media: MediaStore
) -> Note | Skip:
    if not isinstance(raw, dict):
        return Skip(label, "it is not an entry (no fields)")
    uuid = str(raw.get("uuid") or "").strip()
    created = _time(raw.get("creationDate"))
    if not uuid or created is None:
        return Skip(
            label, "it has no uuid or no creationDate, so it cannot be placed in the journal"
        )
    zone = _zone(raw.get("timeZone"))
    local = created.astimezone(zone) if zone else created.astimezone()
    label = f"{local:%Y-%m-%d %H:%M} ({uuid[:8]})"
    text = _ESCAPED.sub(r"\1", str(raw.get("text") or ""))
    left_out: list[str] = []
    stored_count = 0
    by_id: dict[str, tuple[dict, str]] = {}
    for key, what in _MEDIA_LISTS:
        for item in raw.get(key) or []:
            if isinstance(item, dict) and item.get("identifier"):
                by_id[str(item["identifier"])] = (item, what)
    used: set[str] = set()

    def photo_md(ident: str, alt: str) -> str | None:
        nonlocal stored_count
        found = by_id.get(ident)
        if found is None:
            return None
        photo, what = found
        used.add(ident)
        default = "jpeg" if what == "photo" else "pdf" if what == "PDF" else "bin"
        md5, kind = str(photo.get("md5") or ""), str(photo.get("type") or default)
        member = photos.get(f"{md5}.{kind}".lower()) or photos.get(f"{md5}.jpg".lower())
        if member is None:
            left_out.append(f"{what} {md5}.{kind} was left out: it is not in the export")
            return ""
        try:
            stored = media.add(zf.read(member), PurePosixPath(member).name)
        except BadInput as exc:
            left_out.append(str(exc))
            return ""
        stored_count += int(stored.new)
        return markdown_for(stored, alt or str(photo.get("filename") or what))

    def swap(m: re.Match[str]) -> str:
        out = photo_md(m.group(2), m.group(1))
        return m.group(0) if out is None else out

    body = _MOMENT.sub(swap, text).strip()
    extra = [photo_md(i, "") for i in by_id if i not in used]
    body = "\n\n".join([body, *[e for e in extra if e]]).strip()
    place = _place(raw.get("location"))
    zone_name = str(raw.get("timeZone") or "")
    stamp = f"{local:%H:%M}" + (f" ({zone_name})" if zone_name else "")
    body += f"\n\n*{stamp}" + (f" · {place}*" if place else "*") + "\n"
    tags = [str(t) for t in raw.get("tags") or [] if isinstance(t, str)]
    if raw.get("starred"):
        tags.append("starred")
    return Note(
        source_id=uuid,
        label=label,
        title="",
        body=body.lstrip(),
        day=local.date(),
        created=created,
        updated=_time(raw.get("modifiedDate")) or created,
        tags=tags,
        daily=True,
        media=stored_count,
        notes=left_out,
    )
