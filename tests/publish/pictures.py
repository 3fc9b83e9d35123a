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


HILLS = (62, 128, 72)  # the colour of the hills in `landscape`, for tests that look for it


def landscape(width: int = 900, height: int = 500) -> bytes:
    """A picture a person recognises (sky, hills, a lake), for screenshots that show one."""
    import math

    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            ridge = height * (0.48 + 0.07 * math.sin(x / width * 6.0) + 0.03 * math.sin(x / 37))
            if y > height * 0.78:  # the lake, lighter towards the shore
                t = (y - height * 0.78) / (height * 0.22)
                px = (40 + int(30 * t), 92 + int(30 * t), 150 + int(20 * t))
            elif y > ridge:
                px = HILLS
            else:  # the sky, paler towards the horizon
                t = y / (height * 0.55)
                px = (110 + int(90 * t), 165 + int(60 * t), 220 + int(25 * t))
            row += bytes(px)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    head = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))  # fmt: skip
