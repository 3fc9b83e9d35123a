"""Reading postings, and the per-segment cache the query engine reads through.

Postings are decoded a whole W3 block at a time (one unpickle per block)
instead of through Whoosh's per-posting matcher calls, and kept between
searches: search-as-you-type re-reads the same terms at every keystroke.
"""

from __future__ import annotations

import pathlib
import pickle
import sys
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from itertools import accumulate, repeat
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.columns import FixedBytesColumn
from whoosh.matching import ListMatcher
from whoosh.reading import TermNotFound

from pkm.core.search.schema import word_index

#: Beside each segment we write: its stem -> words maps (the name makes it
#: one of the segment's files: Whoosh deletes it or packs it with the rest).
VARIANTS_EXT = ".pkmvariants"
#: Marks a stem in a (field, term) part: all words of the field with that stem.
STEM = "\x00"
#: Cached decoded postings (ids + weights, 8 bytes each) at most.
CACHE_POSTINGS = 4_000_000


def _read_postings(
    reader: Any, field: str, term: str | bytes
) -> tuple[Sequence[int], Sequence[float]]:
    """All (docnums, weights) of a term in one segment, deleted docs included."""
    tb = term.encode("utf-8") if isinstance(term, str) else term
    try:
        m = reader._terms.matcher(field, tb, reader.schema[field].format)
    except (KeyError, TermNotFound):
        return (), ()
    return _decode(m)


def _decode(m: Any) -> tuple[Sequence[int], Sequence[float]]:
    """Every (docnum, weight) of a matcher. Reads W3 blocks whole (one
    unpickle per block, ids un-delta'd with ``accumulate``); falls back to
    the generic matcher API for anything else."""
    if isinstance(m, W3LeafMatcher) and not m._byteids:
        ids: array = array("I")
        ws: array = array("f")
        while True:
            m._read_data()
            ids.extend(accumulate(m._data[0]))
            w = m._data[1]
            n = m._blocklength
            if w is None or isinstance(w, float):
                ws.extend(repeat(1.0 if w is None else w, n))
            else:
                ws.extend(w)
            if m._lastblock:
                return ids, ws
            m._goto(m._nextoffset)
    if isinstance(m, ListMatcher):
        return m._ids, m._weights or (1.0,) * len(m._ids)
    ids_l, ws_l = [], []
    while m.is_active():
        ids_l.append(m.id())
        ws_l.append(m.weight())
        m.next()
    return ids_l, ws_l


def _fixed_column(reader: Any, name: str, column: Any, typecode: str) -> array:
    """A whole fixed-width column of one segment as an array (one read)."""
    n = reader.doc_count_all()
    try:
        cr = reader._perdoc.column_reader(name, column) if reader._perdoc.has_column(name) else None
    except Exception:
        cr = None
    if cr is None:
        return array(typecode, bytes(array(typecode).itemsize * n))
    if isinstance(cr, FixedBytesColumn.Reader):
        a = array(typecode, cr._dbfile.get(cr._basepos, cr._count * cr._fixedlen))
        if sys.byteorder == "little" and a.itemsize > 1:
            a.byteswap()  # Whoosh writes "!" (big-endian) numbers
    else:
        a = array(typecode, list(cr))
    if len(a) < n:
        a.extend(array(typecode, bytes(a.itemsize * (n - len(a)))))
    return a


class SegmentCache:
    """Data of immutable segments kept between searches: decoded postings
    (LRU, bounded), field lengths, days. Search-as-you-type re-reads the same
    terms at every keystroke, so this saves most of the work."""

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path
        self.postings: OrderedDict[tuple[str, str, str], tuple[Any, Any]] = OrderedDict()
        self.size = 0
        self.columns: dict[tuple[str, str], array] = {}
        self.norm_lists: dict[tuple[str, str], tuple[float, list]] = {}
        self.variant_maps: dict[str, dict[str, tuple[dict[str, tuple[str, ...]], str]]] = {}
        self.word_lists: dict[tuple[str, str], list[str]] = {}

    def clear(self) -> None:
        self.word_lists.clear()
        self.postings.clear()
        self.columns.clear()
        self.norm_lists.clear()
        self.variant_maps.clear()
        self.size = 0

    def prune(self, live: set[str]) -> None:
        """Forget segments that were merged away or deleted."""
        for key in [k for k in self.postings if k[0] not in live]:
            self.size -= len(self.postings.pop(key)[0])
        for key in [k for k in self.columns if k[0] not in live]:
            del self.columns[key]
        for key in [k for k in self.norm_lists if k[0] not in live]:
            del self.norm_lists[key]
        for segid in [k for k in self.variant_maps if k not in live]:
            del self.variant_maps[segid]
        for key in [k for k in self.word_lists if k[0] not in live]:
            del self.word_lists[key]

    def _word_index(self, reader: Any, segid: str, field: str) -> tuple[dict, str]:
        """``schema.word_index`` of a title/body field of one segment: from the
        file written beside the segment, else by scanning its lexicon."""
        maps = self.variant_maps.get(segid)
        if maps is None:
            try:  # the segment's storage also looks inside compound segment files
                with reader.storage().open_file(segid + VARIANTS_EXT) as f:
                    maps = pickle.loads(f.read())
            except Exception:  # missing or unreadable: scan the lexicon instead
                maps = {}
            self.variant_maps[segid] = maps
        found = maps.get(field)
        if found is None:
            found = maps[field] = word_index(t.decode("utf-8") for t in reader.lexicon(field))
        return found

    def variants(self, reader: Any, segid: str, field: str, stem_: str) -> tuple[str, ...]:
        """The words of ``field`` in this segment that have this stem."""
        return self._word_index(reader, segid, field)[0].get(stem_, (stem_,))

    def words(self, reader: Any, segid: str, field: str) -> list[str]:
        """The words of ``field`` (title/body) in this segment, sorted."""
        key = (segid, f"words:{field}")
        hit = self.word_lists.get(key)
        if hit is None:
            joined = self._word_index(reader, segid, field)[1]
            hit = self.word_lists[key] = joined.split("\n") if joined else []
        return hit

    def get(self, reader: Any, segid: str, field: str, term: str) -> tuple[Any, Any]:
        """Postings of ``term``; "\x00stem" = all words with that stem, merged
        (tf summed), so BM25 over words equals BM25 over stems."""
        key = (segid, field, term)
        hit = self.postings.get(key)
        if hit is not None:
            self.postings.move_to_end(key)
            return hit
        if term[:1] == STEM:
            group = self.variants(reader, segid, field, term[1:])
            if len(group) == 1:
                hit = self.get(reader, segid, field, group[0])
            else:
                merged: dict[int, float] = {}
                for word in group:
                    ids, ws = self.get(reader, segid, field, word)
                    for d, w in zip(ids, ws, strict=True):
                        merged[d] = merged.get(d, 0.0) + w
                order = sorted(merged)
                hit = (array("I", order), array("f", map(merged.__getitem__, order)))
        else:
            hit = _read_postings(reader, field, term)
        self.postings[key] = hit
        self.size += len(hit[0])
        while self.size > CACHE_POSTINGS and len(self.postings) > 1:
            _, old = self.postings.popitem(last=False)
            self.size -= len(old[0])
        return hit

    def norms(self, reader: Any, segid: str, field: str, avg: float, table: list[float]) -> list:
        """Per-doc BM25 length norms of one field (``table`` per length byte),
        kept until the average length changes (i.e. the index changes)."""
        key = (segid, f"norms:{field}")
        hit = self.norm_lists.get(key)
        if hit is None or hit[0] != avg:
            hit = (avg, list(map(table.__getitem__, self.column(reader, segid, field))))
            self.norm_lists[key] = hit
        return hit[1]

    def column(self, reader: Any, segid: str, name: str) -> array:
        key = (segid, name)
        col = self.columns.get(key)
        if col is None:
            if name == "newest":
                col = _fixed_column(reader, name, reader.schema[name].column_type, "q")
            else:  # field lengths, as length bytes
                col = _fixed_column(reader, f"_{name}_len", LENGTHS_COLUMN, "B")
            self.columns[key] = col
        return col
