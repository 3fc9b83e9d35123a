"""A field's postings and term infos in the W3 codec's format, and the
prefix grams of a field's words derived from the words' postings.

The bulk writer keeps each term's postings in a ``bytearray`` of native
uint32s: weight then docnum in weighted fields, the docnum alone in others.
Byte buffers rather than ``array.array``: the garbage collector does not
track them (it tracks arrays since Python 3.10), so one per term, for
every term of a segment, does not make long full collections happen during
a rebuild (``tests/benchmarks/search.py --writer`` times one of each).
"""

from __future__ import annotations

import struct
import zlib
from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain, groupby, starmap
from operator import itemgetter, sub
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.filedb.filetables import _pointer as _HASH_POINTER
from whoosh.system import pack_int, pack_long

from pkm.core.search.schema import PREFIX_MAX

#: zlib level of posting blocks; terms with at most INLINE postings live in
#: the term dictionary itself (no block to read).
COMPRESSION = 0
INLINE = 2
#: Postings per block (Whoosh's default is 128, see ``codec``).
BLOCK_LIMIT = 512
#: A block of at least this many postings holds its deltas and weights as
#: ``array.array``s of the smallest unsigned type that fits (pickle protocol
#: 4 stores an array as its raw bytes), not as tuples of ints: the engine
#: reads them with ``np.frombuffer``, where a tuple of ints cost ~30 ns a
#: posting to unpickle and convert (a common word's first search at 100k
#: documents decodes 100k postings), and Whoosh's own reader iterates an
#: array as it does a tuple. The pickle of an array costs ~60 bytes more,
#: so rare terms keep tuples (FORMAT 4).
ARRAY_MIN = 64
#: One uint32 of a posting buffer, and those of the small weights (the
#: others are packed as they come).
U32 = struct.Struct("=I")
WEIGHT_BYTES = [U32.pack(w) for w in range(1024)]

Postings = Sequence[int]  # sorted docnums (a list, an array or a uint32 view)
_tipack = W3TermInfo._struct.pack


def codec() -> W3Codec:
    """Bigger blocks than Whoosh's 128: we decode whole lists, and fewer
    blocks mean fewer pickles. (Whoosh's own writer cannot inline rare terms:
    ``set_inline`` vs ``set_inlined`` in 2.7.5; the bulk writer does.)"""
    return W3Codec(blocklimit=BLOCK_LIMIT, compression=COMPRESSION)


def no_pause() -> None:
    """The default ``pause`` of a writer: none."""


def _union(lists: Iterable[Postings]) -> Postings:
    """Sorted union of sorted docnum lists."""
    it = iter(lists)
    first = next(it)
    second = next(it, None)
    if second is None:
        return first
    merged = set(first)
    merged.update(second)
    for more in it:
        merged.update(more)
    return sorted(merged)


def _regroup(
    items: Iterable[tuple[str, Postings]], n: int, out: dict[str, array], pause: Callable[[], None]
) -> Iterator[tuple[str, Postings]]:
    """Merge sorted (key, docnums) by their first ``n`` chars; the merged
    postings of keys of exactly ``n`` chars are those of that prefix gram."""
    for g, group in groupby(items, key=lambda kv: kv[0][:n]):
        pause()
        ids = _union(map(itemgetter(1), group))
        if len(g) == n:
            out[g] = array("I", ids)
        yield g, ids


def gram_postings(
    words: Iterable[tuple[str, Postings]],
    longest: int = PREFIX_MAX,
    pause: Callable[[], None] = no_pause,
) -> dict[str, array]:
    """Postings of the prefix grams (``schema.grams``) of a field's words, from
    the words' postings (``words``: sorted by word, docnums sorted).

    A gram's docs are the union of the docs of the words it starts: what
    indexing every doc's grams gives, for a fraction of the work (a doc has
    hundreds of grams, each made and inverted; here words sharing a prefix
    are neighbours in sorted order, so each level merges the one below it;
    ``search.py --writer`` times both).
    Streams: only the postings of the prefixes being merged are held.
    """
    out: dict[str, array] = {}
    level: Iterable[tuple[str, Postings]] = words
    for n in range(longest, 0, -1):
        level = _regroup(level, n, out, pause)
    deque(level, 0)
    return out


def gram_lengths(grams: Mapping[str, array], doccount: int) -> array:
    """Per doc, how many grams it has (the gram field's length)."""
    counts: Counter[int] = Counter()
    for ids in grams.values():
        counts.update(ids)
    lens = array("I", bytes(4 * doccount))
    for d, c in counts.items():
        lens[d] = c
    return lens


def docnums(buffer: bytearray, weighted: bool) -> memoryview:
    """The docnums of one term's postings, as a view (no list of ints made)."""
    u32 = memoryview(buffer).cast("I")
    return u32[1::2] if weighted else u32


def split_postings(buffer: bytearray, weighted: bool) -> tuple[list[int], list[int] | None]:
    """Docnums and weights (None if all 1) of one term's postings."""
    u32 = memoryview(buffer).cast("I")
    if not weighted:
        return u32.tolist(), None
    weights = u32[0::2].tolist()
    return u32[1::2].tolist(), None if weights.count(1) == len(weights) else weights


def term_value(
    ids: list[int], weights: list[int] | None, minlb: int, maxlb: int, ppos: int
) -> tuple[bytes, bytes]:
    """(term info bytes, posting blocks or b"" when inlined) of one term."""
    n = len(ids)
    total = float(sum(weights)) if weights else float(n)
    maxweight = float(max(weights)) if weights else 1.0
    head = _tipack(n <= INLINE, total, n, minlb, maxlb, maxweight, ids[0], ids[-1])
    if n <= INLINE:
        ws = tuple(weights) if weights else (1,) * n
        # values must be bytes: Whoosh's merge re-reads them
        return head + dumps((tuple(ids), ws, (b"",) * n), 2), b""
    block = _blocks(ids, weights, minlb, maxlb)
    return head + pack_long(ppos) + pack_int(len(block)), block


def _blocks(ids: list[int], weights: list[int] | None, minlb: int, maxlb: int) -> bytes:
    """The posting blocks of one term (``W3PostingsWriter._write_block``)."""
    blocklimit = BLOCK_LIMIT
    n = len(ids)
    out = [WHOOSH3_HEADER_MAGIC]
    for i in range(0, n, blocklimit):
        chunk = ids[i : i + blocklimit]
        wchunk = weights[i : i + blocklimit] if weights else None
        # deltas from the previous id; each block starts from 0
        deltas = tuple(map(sub, chunk, chain((0,), chunk)))
        if len(chunk) >= ARRAY_MIN:  # see ARRAY_MIN
            w_arr = None if wchunk is None else array("B" if max(wchunk) < 256 else "H", wchunk)
            d_arr = array("H" if max(deltas) < 65536 else "I", deltas)
            data = dumps((d_arr, w_arr, None), 4)
        else:  # ints pickle to 2-3 bytes, floats to 9; readers accept both
            wmini = None if wchunk is None else tuple(wchunk)
            data = dumps((deltas, wmini, None), 2)
        comp = COMPRESSION if len(data) > 64 else 0
        if comp:
            data = zlib.compress(data, comp)
        maxw = float(max(wchunk)) if wchunk else 1.0
        info = dumps((len(chunk), chunk[-1], maxw, comp, minlb, maxlb), 2)
        size = len(info) + len(data)
        out += (pack_int(-size if i + blocklimit >= n else size), info, data)
    return b"".join(out)


def write_hashes(tindex: Any) -> None:
    """``HashWriter._write_hashes`` (the term file's 256 hash tables), with
    one file write instead of one per slot: the bytes are the same, but
    the small writes, one per slot, released and re-took the GIL every few
    hundred slots, starving a thread waiting for it (see ``bulk.py``)."""
    null = (0, 0)
    pos = tindex.dbfile.tell()
    out = []
    for entries in tindex.buckets:
        numslots = 2 * len(entries)
        tindex.directory.append((pos, numslots))
        hashtable = [null] * numslots
        for hashval, position in entries:
            slot = (hashval >> 8) % numslots
            while hashtable[slot] != null:
                slot = (slot + 1) % numslots
            hashtable[slot] = (hashval, position)
        out.append(b"".join(starmap(_HASH_POINTER.pack, hashtable)))
        pos += numslots * _HASH_POINTER.size
    tindex.dbfile.write(b"".join(out))
