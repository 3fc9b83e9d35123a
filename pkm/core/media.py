"""Images and attachments of entries: a content-addressed folder in the data folder.

A file is stored once under the SHA-256 of its bytes (``media/<sha256>.<ext>``),
so the same photo imported twice, or attached to two notes, takes the space of
one, and a name can never point at other bytes than the ones first stored. The
Markdown of an entry refers to it by that relative path
(``![photo](media/ab12….jpg)``): the preview resolves it against the data
folder, and an exported vault keeps the same ``media/`` folder beside its notes,
so the same text works in pkm, in the export and in Obsidian.

What is checked before anything is written: the size (a journal is not a video
archive: MAX_BYTES) and, for a file that claims to be an image by its name, that
its bytes are an image of a format the preview can show; a file named
``photo.jpg`` that is really something else is refused with a sentence saying so,
and the import keeps the note without it. Other files (PDF, documents) are kept
as attachments, with their own extension.

Files are written atomically (temp file + rename), before the entry that
refers to them is committed, so a committed entry never refers to a file that
is not there. Nothing here ever deletes a file: another entry, a revision or a
backup may still refer to it.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pkm.core.errors import BadInput

FOLDER = "media"
MAX_BYTES = 50 * 1024 * 1024  # a photo is a few MB; a 50 MB "image" is a video or a mistake
MAX_PREVIEW_BYTES = 20 * 1024 * 1024  # the preview decodes on the GUI thread: not beyond this

# Magic numbers of the image formats Qt's preview and every browser show.
_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp", "heic", "heif", "bmp", "tif", "tiff"}
SHOWN_FORMATS = ("png", "jpg", "gif", "webp")
# media/<64 hex>.<ext>: the only paths the preview will load
REF_RE = re.compile(r"^media/([0-9a-f]{64})\.([a-z0-9]{1,8})$")
_SAFE_EXT = re.compile(r"^[a-z0-9]{1,8}$")


def sniff_image(data: bytes) -> str | None:
    """The image format of these bytes ('png', 'jpg', 'gif', 'webp'), or None."""
    for magic, fmt in _IMAGE_MAGIC:
        if data.startswith(magic):
            return fmt
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _extension(name: str) -> str:
    ext = PurePosixPath(name.replace("\\", "/")).suffix.lower().lstrip(".")
    return ext if _SAFE_EXT.match(ext) else ""


@dataclass(frozen=True)
class Stored:
    """A file in the media store: its Markdown path and whether it is an image."""

    ref: str  # "media/<sha256>.<ext>", relative to the data folder (or an exported vault)
    is_image: bool
    size: int
    new: bool  # False when the same bytes were already there


def check(data: bytes, name: str) -> tuple[str, bool]:
    """(extension to store under, is an image) or BadInput naming the file and the fix."""
    shown = name or "an attachment"
    if len(data) > MAX_BYTES:
        raise BadInput(
            f"{shown} was left out: it is {len(data) / 1e6:.0f} MB, over the {MAX_BYTES // 1_000_000} MB a journal "
            "keeps per file; keep it elsewhere and link to it."
        )
    if not data:
        raise BadInput(f"{shown} is empty, so there is nothing to keep.")
    fmt = sniff_image(data)
    ext = _extension(name)
    if fmt is not None:
        return fmt, True
    if ext in IMAGE_EXTENSIONS:
        if ext in SHOWN_FORMATS or ext == "jpeg":
            raise BadInput(
                f"{shown} is named as a {ext.upper()} image but its content is not one "
                "(the file is damaged or misnamed); it was left out."
            )
        # HEIC, TIFF, BMP: real photos pkm cannot show; kept as attachments, not refused
        return ext, False
    return ext or "bin", False


class MediaStore:
    """The ``media/`` folder of one data folder. ``dry_run`` checks and names, writes nothing."""

    def __init__(self, home: Path, *, dry_run: bool = False) -> None:
        self.home = Path(home)
        self.folder = self.home / FOLDER
        self.dry_run = dry_run

    def path_of(self, ref: str) -> Path | None:
        """The file a ``media/…`` reference names, or None if it is not one of ours."""
        if not REF_RE.match(ref):
            return None
        return self.home / ref

    def add(self, data: bytes, name: str = "") -> Stored:
        """Store the bytes (once) and return their reference; BadInput if they cannot be kept."""
        ext, is_image = check(data, name)
        digest = hashlib.sha256(data).hexdigest()
        ref = f"{FOLDER}/{digest}.{ext}"
        path = self.home / ref
        if path.exists() and path.stat().st_size == len(data):
            return Stored(ref, is_image, len(data), new=False)
        if not self.dry_run:
            self._write(path, data)
        return Stored(ref, is_image, len(data), new=True)

    def _write(self, path: Path, data: bytes) -> None:
        self.folder.mkdir(mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".incoming.", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def refs_in(self, text: str) -> list[str]:
        """The media references a Markdown text makes, in order, each once."""
        return list(dict.fromkeys(m.group(0) for m in _REF_IN_TEXT.finditer(text)))


_REF_IN_TEXT = re.compile(r"media/[0-9a-f]{64}\.[a-z0-9]{1,8}")


def markdown_for(stored: Stored, label: str) -> str:
    """How an entry shows the file: an image inline, anything else as a link."""
    label = label.replace("[", "(").replace("]", ")").strip() or "attachment"
    return f"![{label}]({stored.ref})" if stored.is_image else f"[{label}]({stored.ref})"
