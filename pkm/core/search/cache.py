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
from collections.abc import Callable, Sequence
from itertools import accumulate, repeat
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.columns import FixedBytesColumn
from whoosh.matching import ListMatcher
from whoosh.reading import TermNotFound

from pkm.core.search.schema import fold, word_index

#: Beside each segment we write: its stem -> words maps (the name makes it
#: one of the segment's files: Whoosh deletes it or packs it with the rest).
VARIANTS_EXT = ".pkmvariants"
#: The entry of that file holding {language: words of the segment's notes in it}.
LANGS_KEY = "_langs"
#: Joins the keys of a part that stands for several stem groups (a query
#: word's stems in several languages): "\x00k1\x1fk2".
KEYS_SEP = "\x1f"
#: Marks a stem in a (field, term) part: all words of the field with that stem.
STEM = "\x00"
#: Cached decoded postings (ids + weights, 8 bytes each) at most.
CACHE_POSTINGS = 4_000_000

#: Postings as the engine reads them: docnums (ascending, int32) and weights
#: (term frequencies, float32), numpy arrays over the decoded buffers.
Postings = tuple[np.ndarray, np.ndarray]
_EMPTY: Postings = (np.zeros(0, np.int32), np.zeros(0, np.float32))


def _as_arrays(ids: Sequence[int], ws: Sequence[float]) -> Postings:
    """Decoded postings as numpy arrays: no copy for the W3 blocks' arrays."""
    if not len(ids):
        return _EMPTY
    if isinstance(ids, array) and ids.itemsize == 4:
        a = np.frombuffer(ids, dtype=np.uint32).view(np.int32)
    else:
        a = np.asarray(ids, dtype=np.int32)
    if isinstance(ws, array) and ws.typecode == "f":
        w = np.frombuffer(ws, dtype=np.float32)
    else:
        w = np.asarray(ws, dtype=np.float32)
    return a, w


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


def _read_arrays(reader: Any, field: str, term: str) -> Postings:
    """:func:`_read_postings` as numpy arrays (what the engine reads).

    Blocks of FORMAT 4 hold arrays (``postings.ARRAY_MIN``): each is one
    ``np.frombuffer``; blocks of tuples (rare terms, or Whoosh's own
    writer) are converted. The deltas of all blocks are joined, each
    block's first one made relative to the previous block's last docnum
    (each block's deltas start from 0), and summed once."""
    try:
        m = reader._terms.matcher(field, term.encode("utf-8"), reader.schema[field].format)
    except (KeyError, TermNotFound):
        return _EMPTY
    if not isinstance(m, W3LeafMatcher) or m._byteids:
        return _as_arrays(*_decode(m))
    deltas: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    lasts: list[int] = []
    last = 0
    while True:
        m._read_data()
        d, w = m._data[0], m._data[1]
        n = m._blocklength
        if isinstance(d, array):
            deltas.append(np.frombuffer(d, dtype=f"u{d.itemsize}"))
        else:
            deltas.append(np.array(d, dtype=np.int64))
        lasts.append(last)
        last = m._maxid
        if w is None or isinstance(w, float):
            weights.append(np.full(n, 1.0 if w is None else w, dtype=np.float32))
        elif isinstance(w, array):
            weights.append(np.frombuffer(w, dtype=f"u{w.itemsize}"))
        else:
            weights.append(np.array(w, dtype=np.float32))
        if m._lastblock:
            break
        m._goto(m._nextoffset)
    ids = np.concatenate(deltas).astype(np.int64)
    if len(deltas) > 1:
        starts = np.cumsum([0] + [len(x) for x in deltas[:-1]])
        ids[starts] -= np.array(lasts, dtype=np.int64)
    return np.cumsum(ids).astype(np.int32), np.concatenate(weights).astype(np.float32)


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
            else:  # a tuple, or an array of another type (FORMAT 4)
                ws.extend(w.tolist() if isinstance(w, array) else w)
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


def _read_variants(reader: Any, segid: str) -> dict[str, Any]:
    """The file ``bulk.py`` writes beside a segment, or {} if it cannot be read."""
    try:  # the segment's storage also looks inside compound segment files
        with reader.storage().open_file(segid + VARIANTS_EXT) as f:
            maps = pickle.loads(f.read())
    except Exception:  # missing or unreadable: scan the lexicon instead
        return {}
    return maps if isinstance(maps, dict) else {}


def segment_langs(reader: Any) -> dict[str, list[str]]:
    """{language: words} of a segment's notes not in English (for a merge)."""
    seg = reader.segment()
    if seg is None:
        return {}
    return _read_variants(reader, seg.segment_id()).get(LANGS_KEY) or {}


class SegmentCache:
    """Data of immutable segments kept between searches: decoded postings
    (LRU, bounded), field lengths, days. Search-as-you-type re-reads the same
    terms at every keystroke, so this saves most of the work."""

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path
        self.postings: OrderedDict[tuple[str, str, str], Postings] = OrderedDict()
        self.size = 0
        self.columns: dict[tuple[str, str], np.ndarray] = {}
        self.norm_lists: dict[tuple[str, str], tuple[float, np.ndarray]] = {}
        self.variant_maps: dict[str, dict[str, Any]] = {}
        self.word_lists: dict[tuple[str, str], list[str]] = {}
        self.folded_lists: dict[tuple[str, str], tuple[list[str], list[str]]] = {}

    def clear(self) -> None:
        self.word_lists.clear()
        self.folded_lists.clear()
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
        for key in [k for k in self.folded_lists if k[0] not in live]:
            del self.folded_lists[key]

    def _word_index(self, reader: Any, segid: str, field: str) -> tuple[dict, str]:
        """``schema.word_index`` of a title/body field of one segment: from the
        file written beside the segment, else by scanning its lexicon."""
        maps = self._maps(reader, segid)
        found = maps.get(field)
        if found is None:  # lost: English keys only (the languages' words were in it)
            found = maps[field] = word_index(t.decode("utf-8") for t in reader.lexicon(field))
        return found

    def _maps(self, reader: Any, segid: str) -> dict[str, Any]:
        maps = self.variant_maps.get(segid)
        if maps is None:
            maps = self.variant_maps[segid] = _read_variants(reader, segid)
        return maps

    def langs(self, reader: Any, segid: str) -> frozenset[str]:
        """The languages (besides English) this segment's notes are stemmed in."""
        return frozenset(self._maps(reader, segid).get(LANGS_KEY) or ())

    def variants(self, reader: Any, segid: str, field: str, stem_: str) -> tuple[str, ...]:
        """The words of ``field`` in this segment that have this key (or one
        of these keys, joined by KEYS_SEP)."""
        found = self._word_index(reader, segid, field)[0]
        if KEYS_SEP not in stem_:
            return found.get(stem_, (stem_,))
        words: dict[str, None] = {}
        for k in stem_.split(KEYS_SEP):
            words.update(dict.fromkeys(found.get(k, (k,))))
        return tuple(words)

    def words(self, reader: Any, segid: str, field: str) -> list[str]:
        """The words of ``field`` (title/body) in this segment, sorted."""
        key = (segid, f"words:{field}")
        hit = self.word_lists.get(key)
        if hit is None:
            joined = self._word_index(reader, segid, field)[1]
            hit = self.word_lists[key] = joined.split("\n") if joined else []
        return hit

    def folded_words(self, reader: Any, segid: str, field: str) -> tuple[list[str], list[str]]:
        """The words of ``field`` with accents or other scripts, as (their
        folded forms sorted, the words in the same order): a prefix is
        folded, so it is also looked up here (empty for English)."""
        key = (segid, field)
        hit = self.folded_lists.get(key)
        if hit is None:
            pairs = sorted(
                (fold(w), w) for w in self.words(reader, segid, field) if not w.isascii()
            )
            hit = self.folded_lists[key] = ([f for f, _ in pairs], [w for _, w in pairs])
        return hit

    def get(self, reader: Any, segid: str, field: str, term: str) -> Postings:
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
                parts = [self.get(reader, segid, field, word) for word in group]
                ids = np.concatenate([p[0] for p in parts])
                if not len(ids):
                    hit = _EMPTY
                else:  # the words' tfs summed per doc, in the group's order
                    order, where = np.unique(ids, return_inverse=True)
                    ws = np.bincount(where, weights=np.concatenate([p[1] for p in parts]))
                    hit = (order.astype(np.int32), ws.astype(np.float32))
        else:
            hit = _read_arrays(reader, field, term)
        self.postings[key] = hit
        self.size += len(hit[0])
        while self.size > CACHE_POSTINGS and len(self.postings) > 1:
            _, old = self.postings.popitem(last=False)
            self.size -= len(old[0])
        return hit

    def norms(
        self, reader: Any, segid: str, field: str, avg: float, table: Callable[[float], list]
    ) -> np.ndarray:
        """Per-doc BM25 length norms of one field (``table(avg)``: one per
        length byte), as a float64 array, kept until the average length
        changes (i.e. the index changes)."""
        key = (segid, f"norms:{field}")
        hit = self.norm_lists.get(key)
        if hit is None or hit[0] != avg:
            norm = np.asarray(table(avg), dtype=np.float64)
            hit = (avg, norm[self.column(reader, segid, field)])
            self.norm_lists[key] = hit
        return hit[1]

    def column(self, reader: Any, segid: str, name: str) -> np.ndarray:
        """A per-doc column as an array: "newest" (int64), else a field's
        length bytes (uint8)."""
        key = (segid, name)
        col = self.columns.get(key)
        if col is None:
            if name == "newest":
                raw = _fixed_column(reader, name, reader.schema[name].column_type, "q")
                col = np.frombuffer(raw, dtype=np.int64)
            else:  # field lengths, as length bytes
                raw = _fixed_column(reader, f"_{name}_len", LENGTHS_COLUMN, "B")
                col = np.frombuffer(raw, dtype=np.uint8)
            self.columns[key] = col
        return col
