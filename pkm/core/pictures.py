"""A picture put into an entry (pasted or dropped in the editor): checked, then kept.

The media store (pkm.core.media) keeps any file; a picture shown inline in
the text must be one pkm can show (PNG, JPEG, GIF, WebP). So before a byte
is written: the size (a file's size is read from the disk before the file,
so a 4 GB video is refused without reading it), then the bytes' own format,
whatever the name says. Anything else gets one sentence that says what is
wrong and what to do, and nothing is stored or inserted.

The same bytes kept twice are one file (``media/<sha256>.<ext>``).
"""

from __future__ import annotations

from pathlib import Path

from pkm.core.errors import BadInput
from pkm.core.media import MAX_BYTES, SHOWN_FORMATS, MediaStore, Stored, check, sniff_image

_CANNOT_SHOW = {"heic", "heif", "tif", "tiff", "bmp"}


def read_picture(path: Path) -> bytes:
    """The bytes of a picture file, or BadInput (too big, unreadable) before reading it."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BadInput(
                f"“{name}” was not added: it is {size / 1e6:.0f} MB and an entry keeps pictures "
                f"up to {MAX_BYTES // 1_000_000} MB. Make it smaller (or keep it elsewhere and "
                "link to it)."
            )
        return path.read_bytes()
    except OSError as exc:
        raise BadInput(f"“{name}” could not be read ({exc.strerror or exc}).") from exc


def keep_picture(media: MediaStore, data: bytes, name: str) -> Stored:
    """Store the bytes once if they are a picture pkm shows; BadInput otherwise."""
    shown = f"“{name}”" if name else "The pasted picture"
    check(data, name)  # size and emptiness, in the media store's own words
    if sniff_image(data) is None:
        ext = Path(name).suffix.lower().lstrip(".")
        if ext in _CANNOT_SHOW:
            raise BadInput(
                f"{shown} is a {ext.upper()} picture, which pkm cannot show; save it as JPEG "
                "or PNG and add that."
            )
        kinds = ", ".join(f.upper() for f in SHOWN_FORMATS)
        raise BadInput(f"{shown} is not a picture ({kinds}); nothing was added.")
    return media.add(data, name)
