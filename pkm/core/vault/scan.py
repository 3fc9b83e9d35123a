"""Walking the vault folder: which files are notes, which are sync engines' conflict copies.

A file whose mtime and size are what pkm last recorded is not read at all (a
no-change rescan of 10,000 files is then one `stat` each); any other is read and
hashed, and parsed only if its bytes differ from what was last synced.

Never followed: hidden folders (``.stfolder``, ``.stversions``, ``.obsidian``,
``.git``, ``.trash``), the ``media/`` folder of images, symbolic links that lead
out of the vault.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pkm.core.vault.format import conflict_original, ignored

_ICLOUD = re.compile(r"^\.(.+)\.icloud$")


@dataclass
class Seen:
    rel: str  # posix path inside the vault
    path: str  # a str, not a Path: 10,000 Path objects are a fifth of a rescan
    mtime_ns: int
    size: int
    conflict_of: str | None = None  # a sync engine's conflict copy of this rel path
    evicted: bool = False  # an iCloud placeholder: the note exists, not downloaded


def _entries(root: Path, rel: str, real_root: str) -> Iterator[Seen]:
    try:
        items = list(os.scandir(root / rel if rel else root))
    except OSError:
        return
    for item in items:
        name = item.name
        sub = f"{rel}/{name}" if rel else name
        try:
            if item.is_dir(follow_symlinks=True):
                if name.startswith(".") or (not rel and name == "media"):
                    continue
                if item.is_symlink() and not os.path.realpath(item.path).startswith(
                    real_root + os.sep
                ):
                    continue
                yield from _entries(root, sub, real_root)
                continue
            icloud = _ICLOUD.match(name)
            if icloud and not ignored(icloud.group(1)):
                # iCloud Drive moved the file to the cloud ("Optimise Mac Storage") and left
                # ".Name.md.icloud": the note is still there, only not downloaded.
                yield Seen(
                    f"{rel}/{icloud.group(1)}" if rel else icloud.group(1),
                    Path(item.path),
                    0,
                    0,
                    evicted=True,
                )
                continue
            if not item.is_file(follow_symlinks=False) or ignored(name):
                continue
            st = item.stat(follow_symlinks=False)
        except OSError:
            continue
        original = conflict_original(name)
        yield Seen(
            rel=sub,
            path=item.path,
            mtime_ns=st.st_mtime_ns,
            size=st.st_size,
            conflict_of=(f"{rel}/{original}" if rel else original) if original else None,
        )


def walk(root: Path) -> tuple[list[Seen], list[Seen], set[str]]:
    """(notes, conflict copies, notes only in the cloud) under ``root``, in a stable order."""
    notes: list[Seen] = []
    conflicts: list[Seen] = []
    evicted: set[str] = set()
    for seen in _entries(root, "", os.path.realpath(root)):
        if seen.evicted:
            evicted.add(seen.rel)
        else:
            (conflicts if seen.conflict_of else notes).append(seen)
    notes.sort(key=lambda s: s.rel)
    conflicts.sort(key=lambda s: s.rel)
    return notes, conflicts, evicted


def read_bytes(seen: Seen) -> bytes:
    with open(seen.path, "rb") as fh:
        return fh.read()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inside(root: Path, rel: str) -> Path:
    """The path of ``rel`` in the vault; ValueError if it would lead outside it."""
    target = os.path.realpath(root / rel)
    if not target.startswith(os.path.realpath(root) + os.sep):
        raise ValueError(f"{rel} leads outside the vault folder")
    return Path(target)
