"""What pkm needs to know about an image file without decoding it: its size in pixels.

The core has no Qt and no imaging library, and needs neither to lay out an
export: the PDF writer (Qt's QTextDocument) draws an image at its natural
size, so a 4,000-pixel phone photo would run off the page unless the HTML
gives it a width. The headers of the four formats pkm shows (PNG, JPEG, GIF,
WebP) say their size in their first bytes; this reads only those.
"""

from __future__ import annotations

import struct
from pathlib import Path

# A JPEG's size sits in its first SOF segment; EXIF thumbnails come before it and may be
# large, so the search reads this much of the file at most.
_HEAD_BYTES = 256 * 1024
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def pixel_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the header of a PNG, JPEG, GIF or WebP; None if unreadable."""
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
            return struct.unpack(">II", data[16:24])
        if data[:6] in (b"GIF87a", b"GIF89a"):
            return struct.unpack("<HH", data[6:10])
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp(data)
        if data.startswith(b"\xff\xd8"):
            return _jpeg(data)
    except struct.error:
        return None
    return None


def file_pixel_size(path: Path) -> tuple[int, int] | None:
    try:
        with open(path, "rb") as fh:
            return pixel_size(fh.read(_HEAD_BYTES))
    except OSError:
        return None


def fit_within(size: tuple[int, int] | None, width: int, height: int) -> tuple[int, int] | None:
    """The size to draw at so the image fits width × height, keeping its proportions;
    None when it already fits (or its size is unknown): draw it as it is."""
    if size is None or (size[0] <= width and size[1] <= height) or min(size) <= 0:
        return None
    scale = min(width / size[0], height / size[1])
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _webp(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 ":  # lossy: the frame header after the start code 9d 01 2a
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L":  # lossless: 14 bits each, minus one
        b = int.from_bytes(data[21:25], "little")
        return (b & 0x3FFF) + 1, ((b >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":  # extended: 24 bits each, minus one
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def _jpeg(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # padding
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker in _SOF:
            h, w = struct.unpack(">HH", data[i + 5 : i + 9])
            return w, h
        i += 2 + length
    return None
