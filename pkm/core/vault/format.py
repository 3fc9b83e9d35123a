"""A vault file: the export's Markdown with front matter, plus the entry's stable id.

The format is the one `pkm export --all --format md` writes (`export.vault_markdown`:
title, kind, date, tags, aliases, created, updated, then the text exactly as stored),
so a vault opens in Obsidian and imports with `pkm import markdown`. Sync adds one
key, ``pkm-id``: the same on every device for the same entry, so a file renamed in
Finder or by another device still maps to its entry. A daily entry's id is its day
(``daily-2026-03-31``): two devices that both wrote in that day's entry meet in one
file (and a conflict, if both wrote), never in two daily entries of one day.

File names are safe on Windows, macOS and Linux: no reserved characters, no
reserved device names (CON, NUL, COM1…), no trailing dot or space, at most 120
characters; uniqueness is checked case-folded (macOS and Windows fold case).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import yaml

from pkm.core import syntax
from pkm.core.export import vault_file_name, vault_markdown
from pkm.core.imports.markdown_folder import split_front_matter
from pkm.core.journal.model import KINDS, Entry

ID_KEY = "pkm-id"
MAX_FILE = 5_000_000
NOTE_SUFFIXES = (".md", ".markdown")
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.I)
# Sync engines' own conflict files, kept beside the original:
#   Syncthing: "Note.sync-conflict-20261202-101500-ABCDEF7.md"
#   Dropbox:   "Note (Anna's conflicted copy 2026-12-02).md"
#   Nextcloud: "Note (conflicted copy 2026-12-02 101500).md"
_SYNCTHING_CONFLICT = re.compile(r"\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]{7}", re.I)
_COPY_CONFLICT = re.compile(r" \([^()]*conflicted copy[^()]*\)", re.I)


def daily_uid(day: str) -> str:
    return f"daily-{day}"


def new_uid(entry: Entry) -> str:
    """The entry's id in the vault: its day for a daily entry, else a random UUID."""
    return daily_uid(entry.day) if entry.kind == "daily" else str(uuid.uuid4())


def safe_name(entry: Entry, taken: Iterable[str] = ()) -> str:
    """The export's file name, made safe everywhere and unique among ``taken`` (casefolded)."""
    name = vault_file_name(entry)
    stem = name[:-3].rstrip(" .") or "Untitled note"
    if _RESERVED.match(stem):
        stem = f"{stem} (note)"
    taken = set(taken)
    name, n = f"{stem}.md", 2
    while name.casefold() in taken:
        name = f"{stem} ({n}).md"
        n += 1
    return name


def render(entry: Entry, uid: str, file_name: str) -> bytes:
    """The file's bytes: the export's front matter with ``pkm-id`` first."""
    text = vault_markdown(entry, file_name.rsplit(".", 1)[0])
    return ("---\n" + yaml.safe_dump({ID_KEY: uid}) + text.removeprefix("---\n")).encode("utf-8")


def text_hash(kind: str, title: str, day: str, tags: Iterable[str], body: str) -> str:
    """What the user wrote, without the times of front matter: two devices that wrote
    the same text into one entry agree on this even if their ``updated`` differ."""
    h = hashlib.sha256()
    for part in (kind, title.strip(), day, "\x1f".join(tags), body):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def entry_hash(entry: Entry) -> str:
    return text_hash(entry.kind, entry.title, entry.day, entry.explicit_tags, entry.body)


@dataclass(frozen=True)
class VaultNote:
    """One file as read: what an entry is made from."""

    uid: str | None
    kind: str
    title: str
    day: str
    tags: tuple[str, ...]
    body: str
    created: str | None

    @property
    def hash(self) -> str:
        return text_hash(self.kind, self.title, self.day, self.tags, self.body)


def _day(value: object) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            return None
    return None


def _tags(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        raw = [v for v in re.split(r"[,\s]+", value) if v]
    elif isinstance(value, list | tuple):
        raw = [str(v) for v in value if v is not None]
    else:
        raw = []
    return tuple(dict.fromkeys(t for t in (syntax.normalize_tag(r.lstrip("#")) for r in raw) if t))


def parse(data: bytes, stem: str, fallback_day: str) -> VaultNote:
    """Read a file (pkm's or any editor's). ValueError with the reason if it cannot be.

    A file without front matter is a note titled by its file name; a file named
    ``YYYY-MM-DD`` without a kind is that day's daily entry, as in Obsidian.
    """
    if len(data) > MAX_FILE:
        raise ValueError(f"it is over {MAX_FILE // 1_000_000} MB, more than one entry holds")
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise ValueError("it is not UTF-8 text; save it as UTF-8") from None
    try:
        meta, body = split_front_matter(text)
    except yaml.YAMLError:
        raise ValueError("its front matter is not valid YAML; fix the lines between ---") from None
    uid = meta.get(ID_KEY)
    uid = str(uid).strip() if isinstance(uid, str | int) and str(uid).strip() else None
    stem_day = _day(stem) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", stem) else None
    kind = str(meta.get("kind") or "").strip().lower()
    if kind not in KINDS:
        kind = "daily" if stem_day else "note"
    day = _day(meta.get("date")) or stem_day or _day(meta.get("created")) or fallback_day
    if kind == "daily":
        uid = daily_uid(day)
    title = str(meta.get("title") or "").strip() or stem
    created = meta.get("created")
    return VaultNote(
        uid=uid,
        kind=kind,
        title=title[:200],
        day=day,
        tags=_tags(meta.get("tags")),
        body=body,
        created=created.isoformat() if isinstance(created, dt.datetime) else None,
    )


def conflict_original(name: str) -> str | None:
    """The file a sync engine's conflict copy belongs to, or None if ``name`` is not one."""
    for pattern in (_SYNCTHING_CONFLICT, _COPY_CONFLICT):
        m = pattern.search(name)
        if m:
            return name[: m.start()] + name[m.end() :]
    return None


def ignored(name: str) -> bool:
    """Not a note: hidden files (.stfolder, .stversions, .obsidian), sync engines' and
    editors' temporary files, and anything that is not Markdown."""
    low = name.lower()
    return (
        name.startswith((".", "~", "#"))
        or low.endswith((".tmp", ".part", ".swp", "~", ".crdownload", ".partial"))
        or ".~lock." in low
        or not low.endswith(NOTE_SUFFIXES)
    )
