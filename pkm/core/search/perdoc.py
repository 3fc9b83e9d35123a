"""Per-document data (stored fields, field lengths, columns) in Whoosh's
column formats, written a whole column at a time.

Whoosh's per-document writer takes one document at a time, through several
layers of Python calls per field for every document; the bulk writer
buffers the values and appends them here in one write per column, producing
what those calls would have written. Stored fields are zlib streams made
without ``zlib.compress`` (see :func:`zlib_stored`).
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from collections.abc import Callable, Sequence
from functools import cache
from itertools import accumulate, repeat
from typing import Any

from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.util.numeric import length_to_byte

#: Field lengths below this are turned into length bytes by a table lookup.
_LENGTH_TABLE_SIZE = 1 << 14
_STORED_BLOCK = struct.Struct("<BHH")
_ADLER = struct.Struct(">I")


def zlib_stored(data: bytes) -> bytes:
    """``data`` as a zlib stream of *stored* (uncompressed) deflate blocks.

    Whoosh's stored-fields column is read back with ``zlib.decompress``, so
    it must hold zlib streams; ``zlib.compress`` sets up a whole deflate
    state each call and releases the GIL every document, which starves a
    waiting GUI thread (see ``bulk.py``). The few bytes compression saves on
    a pickle this small are not worth it. ``zlib.adler32`` keeps the GIL
    below 5 KB (CPython's threshold).
    """
    out = [b"\x78\x01"]  # zlib header: deflate, 32K window, "fastest" level, valid check bits
    n = len(data)
    for i in range(0, max(n, 1), 0xFFFF):
        chunk = data[i : i + 0xFFFF]
        final = 1 if i + 0xFFFF >= n else 0
        out += (_STORED_BLOCK.pack(final, len(chunk), len(chunk) ^ 0xFFFF), chunk)
    out.append(_ADLER.pack(zlib.adler32(data)))
    return b"".join(out)


@cache
def _length_bytes() -> bytes:
    """``length_to_byte`` of 0.._LENGTH_TABLE_SIZE-1, for C-level lookups."""
    return bytes(map(length_to_byte, range(_LENGTH_TABLE_SIZE)))


def length_byte_string(lengths: Sequence[int]) -> bytes:
    """``length_to_byte`` of every length (what Whoosh's length columns hold)."""
    if not lengths:
        return b""
    if max(lengths) < _LENGTH_TABLE_SIZE:
        return bytes(map(_length_bytes().__getitem__, lengths))
    return bytes(map(length_to_byte, lengths))


def append_fixed(writer: Any, start: int, data: bytes, width: int) -> None:
    """Append the values of docs ``start``.. (``data``: ``width`` bytes each,
    default value = all zero bytes) to a Whoosh FixedBytes/Numeric column
    writer. Like its ``add()``: default values after the last other one are
    not written (readers return the default past the end), earlier ones are."""
    size = len(data.rstrip(b"\x00"))
    size = -(-size // width) * width  # up to the end of the last non-default value
    if not size:
        return
    writer.fill(start)
    writer._dbfile.write(data[:size])
    writer._count = start + size // width


def _extend_growable(ga: Any, values: Sequence[int]) -> None:
    """``GrowableArray.extend`` (which appends one value at a time) in one go:
    the same widening to a bigger type when a value does not fit."""
    if not values:
        return
    try:
        more = array(ga.array.typecode, values)
    except (OverflowError, TypeError, AttributeError):  # too big, or already a list
        ga._retype(max(values))
        if not isinstance(ga.array, array):
            ga.array.extend(values)
            return
        more = array(ga.array.typecode, values)
    ga.array.extend(more)


def append_varbytes(writer: Any, start: int, values: Sequence[bytes]) -> None:
    """Append the values of docs ``start``.. to a Whoosh VarBytes column writer
    (what ``add()`` for each would write: the bytes, lengths and offsets)."""
    if not values:
        return
    writer.fill(start)
    lengths = list(map(len, values))
    writer._dbfile.write(b"".join(values))
    offsets = list(accumulate(lengths[:-1], initial=writer._offset_base))
    _extend_growable(writer._lengths, lengths)
    _extend_growable(writer._offsets, offsets)
    writer._offset_base += sum(lengths)
    writer._count = start + len(values)


class ColumnBuffer:
    """Buffered values of one column (numbers or bytes) for the docs not yet
    handed to the per-document writer."""

    def __init__(self, field: Any) -> None:
        ctype = field.column_type
        self.ctype = ctype
        self.convert: Callable[[Any], Any] = field.to_column_value
        if isinstance(ctype, NumericColumn):
            if ctype._default != 0:
                raise TypeError("bulk writer: numeric columns must default to 0")
            self.values: Any = array(ctype._typecode)
            self.default: Any = 0
        elif isinstance(ctype, VarBytesColumn):
            self.values = []
            self.default = b""
        else:
            raise TypeError(f"bulk writer: unsupported column type {ctype!r}")

    def add(self, index: int, value: Any) -> None:
        """Value of the ``index``-th buffered doc (docs skipped get the default)."""
        values = self.values
        if len(values) < index:
            values.extend(repeat(self.default, index - len(values)))
        values.append(self.convert(value))

    def write(self, writer: Any, start: int) -> None:
        """Append the buffered values to the column's Whoosh writer, then forget them."""
        if isinstance(self.values, array):
            data = self.values
            if data.itemsize > 1 and sys.byteorder == "little":
                data.byteswap()  # Whoosh packs numbers big-endian ("!")
            append_fixed(writer, start, data.tobytes(), data.itemsize)
            self.values = array(data.typecode)
        else:
            append_varbytes(writer, start, self.values)
            self.values = []
