"""Real image files for tests, made with the standard library (no imaging package).

`png(w, h, rgb)` is a valid PNG of one colour (every viewer, Qt and every server
decode it); `entry_with_image` stores one in the media store the way a paste does
and writes an entry that shows it.
"""

from __future__ import annotations

import struct
import zlib

from pkm.core.media import MediaStore, Stored, markdown_for


def png(width: int = 40, height: int = 30, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height, 9)
    head = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def store(ws, data: bytes, name: str = "photo.png") -> Stored:
    return MediaStore(ws.home).add(data, name)


def entry_with_image(ws, *, alt: str = "Board offsite", data: bytes | None = None,
                     title: str = "An offsite", before: str = "We met by the lake.",
                     after: str = "Trust came first.", tags: tuple[str, ...] = ("offsite",)):  # fmt: skip
    stored = store(ws, data if data is not None else png())
    body = f"{before}\n\n{markdown_for(stored, alt)}\n\n{after}\n"
    return ws.journal.create(kind="note", title=title, body=body, tags=tags), stored
