"""A folder of Markdown files: an Obsidian vault, a pkm export, any notes folder.

What is read, as Obsidian documents it:

* YAML front matter: ``title``, ``date``, ``tags`` (a list or a string),
  ``aliases``, and pkm's own ``kind``, ``created``, ``updated`` (so a pkm
  export comes back as it was);
* inline ``#tags`` stay in the text, where pkm finds them as it always does;
* ``[[links]]`` are pkm's own syntax; ``[[Note#Heading]]`` and
  ``[[folder/Note]]`` become ``[[Note]]``, and a link to a file whose front
  matter gives another title, or to an alias, is pointed at that title;
* ``![[image.png]]`` (found anywhere in the vault, as Obsidian finds it),
  ``![alt](relative/path.png)`` and embedded attachments go to the media store;
  ``![[Another note]]`` (a transclusion) becomes a link to it;
* daily notes: a file whose name is a date in ``daily_format`` (``%Y-%m-%d``
  by default, as in Obsidian's Daily notes plugin) is that day's daily entry.

Hidden folders (``.obsidian``, ``.trash``, ``.git``) are not notes. The source
id is the file's path inside the folder. A file that is not UTF-8 or whose
front matter is not valid YAML is skipped with the reason; the rest go on.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from pkm.core import syntax
from pkm.core.errors import BadInput
from pkm.core.imports.model import Note, Skip
from pkm.core.journal.model import KINDS
from pkm.core.media import MediaStore, markdown_for

DAILY_FORMAT = "%Y-%m-%d"
MAX_FILE = 5_000_000
HEARTBEAT = 200  # files read between two heartbeats
NOTE_EXTENSIONS = (".md", ".markdown")
_FRONT = re.compile(
    r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M
)
_EMBED = re.compile(r"!\[\[([^\[\]\n]+?)\]\]")
# ![alt](path) and [text](path): images and attached files by relative path
_IMAGE = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
# libyaml's safe loader where PyYAML was built with it (its wheels are): 5x faster on a vault
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class _File:
    rel: str
    path: Path
    meta: dict
    body: str
    title: str


def split_front_matter(text: str) -> tuple[dict, str]:
    """(front matter, body): the body exactly as written after the closing ``---``."""
    m = _FRONT.match(text)
    if not m:
        return {}, text
    meta = yaml.load(m.group(1), Loader=_LOADER) or {}  # safe: no Python objects
    if not isinstance(meta, dict):
        raise ValueError("the front matter is not a list of 'name: value' lines")
    return meta, text[m.end() :]


def _as_time(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.astimezone()
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, 12).astimezone()
    if isinstance(value, str) and value.strip():
        try:
            t = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        return t if t.tzinfo else t.astimezone()
    return None


def _as_day(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [v for v in re.split(r"[,\s]+", value) if v]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return []


def _daily_day(stem: str, daily_format: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(stem, daily_format).date()
    except ValueError:
        return None


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if not f.startswith("."):
                yield Path(folder) / f


def read(
    root: Path,
    media: MediaStore,
    *,
    daily_format: str = DAILY_FORMAT,
    heartbeat: Callable[[int], None] | None = None,
) -> Iterator[Note | Skip]:
    """The notes of a folder; every file is read first so links can be resolved by title.

    ``heartbeat(files_read)`` is called every HEARTBEAT files of that first pass: in
    the window it lets saves run while a large vault is read (no transaction is open).
    """
    root = Path(root)
    if not root.is_dir():
        raise BadInput(f"{root} is not a folder. Give the folder of your vault or notes.")
    files: list[_File] = []
    assets: dict[str, Path] = {}  # file name (casefolded) -> path, for ![[embeds]]
    for n, path in enumerate(_walk(root), start=1):
        if heartbeat is not None and n % HEARTBEAT == 0:
            heartbeat(n)
        rel = path.relative_to(root).as_posix()
        if path.suffix.lower() not in NOTE_EXTENSIONS:
            assets.setdefault(path.name.casefold(), path)
            assets.setdefault(rel.casefold(), path)
            continue
        try:
            if path.stat().st_size > MAX_FILE:
                yield Skip(rel, f"it is over {MAX_FILE // 1_000_000} MB, more than one entry holds")
                continue
            text = path.read_bytes().decode("utf-8-sig")
            meta, body = split_front_matter(text.replace("\r\n", "\n"))
        except UnicodeDecodeError:
            yield Skip(rel, "it is not UTF-8 text; save it as UTF-8 and import again")
            continue
        except (yaml.YAMLError, ValueError) as exc:
            where = getattr(exc, "problem_mark", None)
            line = f" (line {where.line + 2})" if where is not None else ""
            yield Skip(rel, f"its front matter is not valid YAML{line}; fix it and import again")
            continue
        except OSError as exc:
            yield Skip(rel, f"it could not be read ({exc.strerror or exc})")
            continue
        title = str(meta.get("title") or "").strip() or path.stem
        files.append(_File(rel, path, meta, body, title))
    # How links name notes: by file name (Obsidian), by path, by alias -> the note's title.
    # A daily note is named by its date, which pkm's links resolve by themselves.
    names: dict[str, str] = {}
    for f in files:
        day = _daily_day(f.path.stem, daily_format)
        target = day.isoformat() if day is not None and _is_daily(f, day) else f.title
        for alias in [Path(f.rel).stem, f.rel.rsplit(".", 1)[0], *_strings(f.meta.get("aliases"))]:
            names.setdefault(syntax.title_key(alias), target)
    for f in files:
        try:
            yield _note(f, root, media, assets, names, daily_format)
        except BadInput as exc:
            yield Skip(f.rel, str(exc))


def _is_daily(f: _File, stem_day: dt.date | None) -> bool:
    kind = str(f.meta.get("kind") or "").strip().lower()
    return kind == "daily" or (stem_day is not None and kind in ("", "daily"))


def _link_target(target: str, names: dict[str, str]) -> str:
    """The title a vault link means: the whole text first (a title may hold # or /),
    then without ``#heading`` / ``^block`` and folders, as Obsidian reads it."""
    whole = names.get(syntax.title_key(target))
    if whole:
        return whole
    bare = target.split("#", 1)[0].split("^", 1)[0].strip()
    if not bare:
        return target
    found = names.get(syntax.title_key(bare)) or names.get(
        syntax.title_key(bare.rsplit("/", 1)[-1])
    )
    return found or bare.rsplit("/", 1)[-1]


def _note(
    f: _File,
    root: Path,
    media: MediaStore,
    assets: dict[str, Path],
    names: dict[str, str],
    daily_format: str,
) -> Note:
    left_out: list[str] = []
    count = 0

    def store(path: Path, label: str) -> str | None:
        nonlocal count
        try:
            stored = media.add(path.read_bytes(), path.name)
        except BadInput as exc:
            left_out.append(str(exc))
            return None
        except OSError as exc:
            left_out.append(
                f"{path.name} was left out: it could not be read ({exc.strerror or exc})"
            )
            return None
        count += int(stored.new)
        return markdown_for(stored, label)

    def embed(m: re.Match[str]) -> str:
        inner = m.group(1).partition("|")[0].strip()  # ![[a.png|300]]: the size is Obsidian's
        if Path(inner.split("#", 1)[0]).suffix.lower() in ("", *NOTE_EXTENSIONS):
            target = _link_target(inner.removesuffix(".md"), names)
            return f"[[{target}]]"  # a transcluded note: pkm links to it
        path = assets.get(inner.casefold()) or assets.get(Path(inner).name.casefold())
        if path is None:
            left_out.append(f"{inner} was left out: it is not in the folder")
            return m.group(0)
        return store(path, Path(inner).name) or m.group(0)

    def image(m: re.Match[str]) -> str:
        bang, alt, target = m.groups()
        if media.path_of(target):  # a pkm export's own media/ reference: keep it as written
            if (root / target).is_file() and store(root / target, alt) is None:
                return alt
            return m.group(0)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
            return m.group(0)  # a web address: left as it is (the preview never fetches it)
        rel = urllib.parse.unquote(target.split("#", 1)[0])
        if not bang and (not rel or Path(rel).suffix.lower() in ("", *NOTE_EXTENSIONS)):
            return m.group(0)  # a link to a note or a page, not a file to keep
        for base in (f.path.parent, root):
            candidate = (base / rel).resolve()
            if candidate.is_file() and candidate.is_relative_to(root.resolve()):
                return store(candidate, alt or candidate.name) or m.group(0)
        left_out.append(f"{rel} was left out: it is not in the folder")
        return m.group(0)

    def link(m: re.Match[str]) -> str:
        target, alias = m.group(1), m.group(2)
        new = _link_target(target, names)
        if not alias and syntax.title_key(new) != syntax.title_key(target):
            shown = target.split("#", 1)[0].rsplit("/", 1)[-1].strip()
            if syntax.title_key(shown) != syntax.title_key(new):
                alias = shown
        return f"[[{new}|{alias}]]" if alias else f"[[{new}]]"

    body = _EMBED.sub(embed, f.body)
    body = _IMAGE.sub(image, body)
    body = syntax.WIKILINK_RE.sub(link, body)
    stat = f.path.stat()
    mtime = dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC)
    stem_day = _daily_day(f.path.stem, daily_format)
    kind = str(f.meta.get("kind") or "").strip().lower()
    daily = _is_daily(f, stem_day)
    day = _as_day(f.meta.get("date")) or stem_day or _as_day(f.meta.get("created"))
    created = _as_time(f.meta.get("created")) or _as_time(f.meta.get("date"))
    if day is None:
        day = (created or mtime).astimezone().date()
    tags = [t.lstrip("#") for t in _strings(f.meta.get("tags")) + _strings(f.meta.get("tag"))]
    return Note(
        source_id=f.rel,
        label=f.rel,
        title=f.title,
        body=body,
        day=day,
        created=created or mtime,
        updated=_as_time(f.meta.get("updated")) or mtime,
        tags=tags,
        daily=daily,
        kind=kind if kind in KINDS and kind != "daily" else "note",
        media=count,
        notes=left_out,
    )
