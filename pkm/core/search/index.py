"""``SearchIndex``: the Whoosh index of entries and feed items, built for speed.

Whoosh stores everything: segments, term dictionary, posting blocks, stored
fields, columns, deletions, locking, atomic commits, merge policies. Its
generic Python machinery is bypassed on the hot paths, because measurements
on the 20k-doc benchmark said so:

* Writing (:class:`_BulkWriter`, for rebuilds *and* updates): Whoosh's writer
  pushes every posting through a sorting pool and a per-posting ``add()``
  (~15 us a posting: ~400 docs/s, and merges of a few hundred docs took
  seconds). Here postings go into per-term arrays with C-level ``map`` calls
  and are written a whole block at a time in the W3 codec's exact format.
* Searching (:class:`Run`): term-at-a-time BM25F over whole decoded posting
  blocks, instead of Whoosh's per-posting matcher calls (a very common word:
  60-90 ms with matchers, ~5 ms here), with decoded postings cached between
  keystrokes.

Sections: the bulk writer; reading postings and the per-segment cache; the
query engine; ``SearchIndex``.
"""

from __future__ import annotations

import contextlib
import heapq
import pathlib
import pickle
import shutil
import sys
import threading
import time
import zlib
from array import array
from bisect import bisect_left
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, islice, pairwise, repeat
from math import log
from operator import add, and_, lshift, or_, rshift, sub
from pickle import dumps
from typing import Any

from whoosh import index as whoosh_index
from whoosh.automata.fsa import find_all_matches
from whoosh.codec.base import Automata
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3TermInfo,
)
from whoosh.columns import FixedBytesColumn
from whoosh.filedb.filetables import _lengths as _KV_LENGTHS
from whoosh.matching import ListMatcher
from whoosh.reading import TermNotFound
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from pkm.core.errors import StorageError
from pkm.core.search import query as q
from pkm.core.search.schema import (
    INDEX_VERSION,
    MAX_WEIGHT,
    SEQ_SEP,
    TITLE_BOOST,
    IndexDoc,
    build_schema,
    common_terms,
    doc_fields,
    seq_bytes,
    stem,
    word_index,
)
from pkm.core.search.snippets import make_snippet

_SEP4 = SEQ_SEP.to_bytes(4, "little")
VERSION_FILE = "pkm-index-version"
#: Beside each segment we write: its stem -> words maps (the name makes it
#: one of the segment's files: Whoosh deletes it or packs it with the rest).
VARIANTS_EXT = ".pkmvariants"
#: Marks a stem in a (field, term) part: all words of the field with that stem.
STEM = "\x00"
COMMON_FILE = "pkm-index-common"
#: Name prefixes of the files a rebuild may delete (Whoosh's and ours).
OWN_FILES = ("MAIN_", "_MAIN_", VERSION_FILE, COMMON_FILE)
#: Docs sampled at rebuild to choose the common words (see ``schema.pairs``).
SAMPLE = 2000
#: Docs per segment written by rebuild (bounds memory: ~60 MB per segment),
#: and how often the bulk writer compacts its posting lists into arrays.
SEGMENT_DOCS = 25_000
COMPACT_DOCS = 2_000
#: zlib level of posting blocks; terms with at most INLINE postings live in
#: the term dictionary itself (no block to read).
COMPRESSION = 0
INLINE = 2


def _codec() -> W3Codec:
    """Bigger blocks than Whoosh's 128: we decode whole lists, and fewer
    blocks mean fewer pickles. (Whoosh's own writer cannot inline rare terms:
    ``set_inline`` vs ``set_inlined`` in 2.7.5; the bulk writer does.)"""
    return W3Codec(blocklimit=512, compression=COMPRESSION)


@dataclass(frozen=True)
class Hit:
    """One search result, ready to show."""

    key: str
    kinds: tuple[str, ...]
    title: str
    day: str
    snippet: str  # HTML-escaped, matches in <b>…</b>, ~200 chars, "…" at cut ends
    title_html: str  # title HTML-escaped with matches in <b>
    score: float


@dataclass(frozen=True)
class SearchResults:
    """Hits of one search. ``total`` is exact (the engine sees every match)."""

    hits: list[Hit]
    total: int
    elapsed_ms: float


class _BulkWriter(SegmentWriter):
    """A SegmentWriter for rebuilds that skips Whoosh's per-posting machinery.

    ``add_document`` appends ``docnum << 16 | weight`` (just the docnum in
    unweighted fields) to per-term lists with C-level ``map`` calls, compacted
    into arrays every COMPACT_DOCS docs; ``_flush_segment`` writes each term's
    blocks and term info in exactly the W3 codec's format (a test checks the
    result against Whoosh's own writer). Term infos carry the field's min/max
    length rather than the term's: the bounds stay valid for Whoosh's
    block-quality skipping.
    """

    def __init__(self, ix: Any, compound: bool = False) -> None:
        super().__init__(ix, codec=_codec(), compound=compound)
        self._inv: dict[str, defaultdict[Any, list[int]]] = {}  # recent docs
        self._arrays: dict[str, dict[Any, array]] = {}  # compacted postings
        self._lens: dict[str, array] = {}

    def _compact(self) -> None:
        """Move the recent per-term lists (8-byte slots + an int object per
        weighted posting) into arrays (4 or 8 bytes a posting): ~60 MB
        instead of ~250 MB for 25k docs, for ~5% of the time."""
        for name, inv in self._inv.items():
            store = self._arrays.setdefault(name, {})
            code = "Q" if getattr(self.schema[name], "weighted", True) else "I"
            for t, postings in inv.items():
                a = store.get(t)
                if a is None:
                    store[t] = array(code, postings)
                else:
                    a.extend(postings)
            inv.clear()

    def add_reader(self, reader: Any) -> None:
        """Merge a segment (Whoosh's merge policies call this at commit):
        per-doc data through Whoosh, postings by whole decoded blocks instead
        of Whoosh's per-posting pool (~15 us a posting: a merge of a few
        hundred docs took seconds)."""
        self._check_state()
        self._compact()  # keep every term's postings in docnum order
        basedoc = self.docnum
        schema = self.schema
        docmap = self.write_per_doc(set(schema.names()), reader)
        live = sorted(docmap) if docmap is not None else range(reader.doc_count_all())
        for name in schema.names():
            field = schema[name]
            if not field.indexed:
                continue
            lens = self._lens.setdefault(name, array("I"))
            lens.extend(repeat(0, basedoc - len(lens)))
            if field.scorable:
                lens.extend(reader.doc_field_length(d, name) or 0 for d in live)
            else:
                lens.extend(repeat(0, len(live)))
        terms = reader._terms  # walk the term dictionary once, in order
        for (name, tb), terminfo in terms.items():
            if name not in schema:
                continue
            field = schema[name]
            m = terms._codec.postings_reader(terms._postfile, terminfo, field.format)
            ids, ws = _decode(m)
            if docmap is not None:
                keep = [i for i, d in enumerate(ids) if d in docmap]
                ids = [docmap[ids[i]] for i in keep]
                ws = [ws[i] for i in keep]
                if not ids:
                    continue
            else:
                ids = list(map(add, ids, repeat(basedoc)))
            weighted = getattr(field, "weighted", True)
            if weighted:
                values: Iterable[int] = map(or_, map(lshift, ids, repeat(16)), map(int, ws))
            else:
                values = ids
            store = self._arrays.setdefault(name, {})
            term = tb.decode("utf-8") if hasattr(field, "postings") else tb
            a = store.get(term)
            if a is None:
                store[term] = array("Q" if weighted else "I", values)
            else:
                a.extend(values)
        self._added = True

    def add_document(self, **fields: Any) -> None:
        docnum = self.docnum
        pdw = self.perdocwriter
        schema = self.schema
        append = list.append
        pdw.start_doc(docnum)
        for name, value in fields.items():
            if name[0] == "_" or value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                inv = self._inv.get(name)
                if inv is None:
                    inv = self._inv[name] = defaultdict(list)
                    self._lens[name] = array("I", bytes(4 * docnum))
                if hasattr(field, "postings"):
                    terms, weights, length = field.postings(value)
                else:  # plain Whoosh field (the unique key): bytes terms
                    items = list(field.index(value))
                    terms = [t for t, _, _, _ in items]
                    weights = [min(int(w), MAX_WEIGHT) for _, _, w, _ in items]
                    length = sum(f for _, f, _, _ in items)
                # C-level inversion: append the docnum (docnum << 16 | weight in
                # weighted fields) to each term's list
                if not getattr(field, "weighted", True):
                    packed: Iterable[int] = repeat(docnum)
                elif weights is None:
                    packed = repeat(docnum << 16 | 1)
                else:
                    packed = map(or_, repeat(docnum << 16), weights)
                deque(map(append, map(inv.__getitem__, terms), packed), 0)
                if not field.scorable:
                    length = 0
                lens = self._lens[name]
                if len(lens) < docnum:
                    lens.extend(repeat(0, docnum - len(lens)))
                lens.append(length)
            stored = fields.get("_stored_" + name, value) if field.stored else None
            pdw.add_field(name, field, stored, length)
            if field.column_type is not None:
                pdw.add_column_value(name, field.column_type, field.to_column_value(value))
        pdw.finish_doc()
        self._added = True
        self.docnum += 1
        if self.docnum % COMPACT_DOCS == 0:
            self._compact()

    def _flush_segment(self) -> None:
        """Write every term: posting blocks (``W3PostingsWriter._write_block``
        format) and term infos (``W3TermInfo.to_bytes``) into the field
        writer's files, batching the file writes."""
        self.perdocwriter.close()
        self._compact()
        fw = self.fieldwriter
        postfile, tindex = fw._postfile, fw._tindex
        blocklimit = self.codec._blocklimit
        tipack = W3TermInfo._struct.pack
        hashfn, buckets, index_append = tindex.hashfn, tindex.buckets, tindex.index.append
        ppos, tpos = postfile.tell(), tindex.dbfile.tell()
        variants: dict[str, tuple[dict[str, tuple[str, ...]], str]] = {}
        for name in sorted(self._arrays):
            field = self.schema[name]
            weighted = getattr(field, "weighted", True)
            inv = self._arrays.pop(name)
            lens = [x for x in self._lens.pop(name) if x] or [0]
            minlen, maxlen = (min(lens), max(lens)) if field.scorable else (0, 0)
            minlb, maxlb = length_to_byte(minlen), length_to_byte(maxlen)
            fw.start_field(name, field)
            keyprefix = pack_ushort(fw._fieldid)
            posts: list[bytes] = []
            recs: list[bytes] = []
            key = b""
            terms = sorted((t if isinstance(t, bytes) else t.encode("utf-8"), t) for t in inv)
            for tb, t in terms:
                packed = inv[t]
                n = len(packed)
                weights: list[int] | None = None
                if weighted:
                    ids = list(map(rshift, packed, repeat(16)))
                    weights = list(map(and_, packed, repeat(0xFFFF)))
                    if weights.count(1) == n:
                        weights = None
                else:
                    ids = packed.tolist()
                total = float(sum(weights)) if weights else float(n)
                maxweight = float(max(weights)) if weights else 1.0
                head = tipack(n <= INLINE, total, n, minlb, maxlb, maxweight, ids[0], ids[-1])
                if n <= INLINE:
                    ws = tuple(weights) if weights else (1,) * n
                    # values must be bytes: Whoosh's merge re-reads them
                    value = head + dumps((tuple(ids), ws, (b"",) * n), 2)
                else:
                    out = [WHOOSH3_HEADER_MAGIC]
                    for i in range(0, n, blocklimit):
                        chunk = ids[i : i + blocklimit]
                        wchunk = weights[i : i + blocklimit] if weights else None
                        # ints pickle to 2-3 bytes, floats to 9; readers accept both
                        wmini = None if wchunk is None else tuple(wchunk)
                        data = dumps((tuple(map(sub, chunk, [0, *chunk[:-1]])), wmini, None), 2)
                        comp = COMPRESSION if len(data) > 64 else 0
                        if comp:
                            data = zlib.compress(data, comp)
                        maxw = float(max(wchunk)) if wchunk else 1.0
                        info = dumps((len(chunk), chunk[-1], maxw, comp, minlb, maxlb), 2)
                        size = len(info) + len(data)
                        out += (pack_int(-size if i + blocklimit >= n else size), info, data)
                    block = b"".join(out)
                    posts.append(block)
                    value = head + pack_long(ppos) + pack_int(len(block))
                    ppos += len(block)
                # OrderedHashWriter.add, batched
                key = keyprefix + tb
                rec = _KV_LENGTHS.pack(len(key), len(value)) + key + value
                recs.append(rec)
                h = hashfn(key)
                buckets[h & 255].append((h, tpos))
                index_append(tpos)
                tpos += len(rec)
            postfile.write(b"".join(posts))
            tindex.dbfile.write(b"".join(recs))
            tindex.lastkey = key
            fw.finish_field()
            if name in ("title", "body"):
                variants[name] = word_index(t for _, t in terms)
        fw.close()
        with self.storage.create_file(self.newsegment.make_filename(VARIANTS_EXT)) as f:
            f.write(pickle.dumps(variants, pickle.HIGHEST_PROTOCOL))


K1, B = 1.2, 0.75  # Whoosh's BM25F defaults; scores equal Whoosh's BM25F.
#: Cached decoded postings (ids + weights, 8 bytes each) at most.
CACHE_POSTINGS = 4_000_000
#: Most terms a long prefix or a tag prefix expands to.
MAX_EXPANSION = 1024


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


def _best(res: dict[int, float], newest: array, limit: int, by_newest: bool) -> list[int]:
    """Top ``limit`` docnums of one segment: by score then newest, or by
    newest. C-level ``nlargest`` keys; tuples only for the few ties."""
    if not res:
        return []
    if by_newest:
        return heapq.nlargest(limit, res, key=newest.__getitem__)
    top = heapq.nlargest(limit, res, key=res.__getitem__)
    cutoff = res[top[-1]]
    if cutoff == res[top[0]]:  # all tied (e.g. filters only): newest first
        tied = [d for d, x in res.items() if x == cutoff]
        return heapq.nlargest(limit, tied, key=newest.__getitem__)
    cands = [d for d, x in res.items() if x >= cutoff]
    return heapq.nlargest(limit, cands, key=lambda d: (res[d], newest[d]))


class Run:
    """One query execution over the searcher's segments, term-at-a-time.

    Each node evaluates, per segment, to {docnum: score}; filters score 0.
    ``within`` (docs still possible) lets And skip scoring the others.
    """

    def __init__(self, searcher: Any, cache: SegmentCache, common: frozenset[str]) -> None:
        self.s = searcher
        self.cache = cache
        self.common = common
        self.leaves = [
            (r, seg.segment_id())
            for r, _ in searcher.reader().leaf_readers()
            if (seg := r.segment()) is not None  # an empty index has no segment
        ]
        self.n_all = searcher.doc_count_all()
        self.expanded: set[str] = set()
        self._df: dict[tuple[str, str], int] = {}
        self._norms: dict[tuple[int, str], list[float]] = {}
        self._expansions: dict[tuple[str, str, str], list[str]] = {}

    # -- statistics ----------------------------------------------------

    def df(self, field: str, term: str) -> int:
        """Docs containing ``term`` (deleted ones too, like Whoosh's idf)."""
        key = (field, term)
        n = self._df.get(key)
        if n is None:
            if term[:1] == STEM:  # a stem: size of the union of its words' docs
                n = sum(len(self.cache.get(r, seg, field, term)[0]) for r, seg in self.leaves)
            else:
                n = int(self.s.doc_frequency(field, term))
            self._df[key] = n
        return n

    def norms(self, i: int, field: str) -> list[float]:
        """Per doc of segment ``i``: K1 * (1 - B + B * length / avg length)."""
        nd = self._norms.get((i, field))
        if nd is None:
            reader, segid = self.leaves[i]
            avg = self.s.avg_field_length(field) or 1.0
            table = [K1 * ((1 - B) + B * byte_to_length(b) / avg) for b in range(256)]
            nd = self._norms[i, field] = self.cache.norms(reader, segid, field, avg, table)
        return nd

    # -- leaves --------------------------------------------------------

    def score(self, i: int, parts: Iterable[tuple[str, str, float]], within: Any = None) -> dict:
        """BM25F: sum over (field, term, boost) of boost * BM25(term in field)."""
        reader, segid = self.leaves[i]
        acc: dict[int, float] = {}
        for field, term, boost in parts:
            ids, ws = self.cache.get(reader, segid, field, term)
            if not ids:
                continue
            k = boost * (log(self.n_all / (self.df(field, term) + 1)) + 1) * (K1 + 1)
            nd = self.norms(i, field)
            if within is None:
                sc = {d: k * w / (w + nd[d]) for d, w in zip(ids, ws, strict=True)}
            else:
                sc = {d: k * w / (w + nd[d]) for d, w in zip(ids, ws, strict=True) if d in within}
            if len(sc) > len(acc):
                acc, sc = sc, acc
            get = acc.get
            for d, x in sc.items():
                acc[d] = get(d, 0.0) + x
        return acc

    def expand(self, field: str, text: str, mode: str, maxdist: int = 0) -> list[str]:
        """Terms of ``field`` starting with ``text`` ("prefix"), or within
        ``maxdist`` edits of it, first letter fixed ("fuzzy": Whoosh's
        Levenshtein automaton walked over the in-memory sorted word list;
        over the on-disk term index it took ~100 ms for two edits)."""
        key = (field, text, f"{mode}{maxdist}")
        terms = self._expansions.get(key)
        if terms is None:
            found: set[str] = set()
            dfa = Automata.levenshtein_dfa(text, maxdist, prefix=1) if mode == "fuzzy" else None
            for reader, segid in self.leaves:
                if field not in ("title", "body"):  # keywords: few terms
                    it: Iterable[str] = (
                        t.decode("utf-8") for t in reader.expand_prefix(field, text)
                    )
                    found.update(islice(it, MAX_EXPANSION))
                    continue
                words = self.cache.words(reader, segid, field)
                if dfa is None:
                    lo = bisect_left(words, text)
                    found.update(words[lo : bisect_left(words, text + "\U0010ffff", lo)])
                else:

                    def lookup(s: str, words: list[str] = words) -> str | None:
                        i = bisect_left(words, s)
                        return words[i] if i < len(words) else None

                    found.update(islice(find_all_matches(dfa, lookup), MAX_EXPANSION))
            terms = sorted(found)[:MAX_EXPANSION]
            self._expansions[key] = terms
        return terms

    def expansions(self, node: q.Prefix | q.Fuzzy) -> list[tuple[str, str, float]]:
        """(field, term, boost) parts of a prefix or fuzzy node. Prefixes up to
        PREFIX_MAX chars are one n-gram term per field; longer ones, and fuzzy
        words, expand over the words of title and body."""
        fields = [("title", 1.0 if node.title_only else TITLE_BOOST)]
        if not node.title_only:
            fields.append(("body", 1.0))
        if isinstance(node, q.Prefix) and not q.is_long_prefix(node.text):
            grams = {"title": "tprefix", "body": "prefix"}
            return [(grams[field], node.text, boost) for field, boost in fields]
        parts = []
        for field, boost in fields:
            if isinstance(node, q.Prefix):
                terms = self.expand(field, node.text, "prefix")
            else:
                terms = self.expand(field, node.word, "fuzzy", node.maxdist)
            self.expanded.update(stem(t) for t in terms)
            parts.extend((field, t, boost) for t in terms)
        return parts

    def verify(self, i: int, docs: dict, stems: Sequence[str], title_only: bool) -> dict:
        """Keep docs whose ``seq`` column holds ``stems`` adjacent (in order)."""
        reader = self.leaves[i][0]
        cr = reader.column_reader("seq", translate=False)
        pattern = seq_bytes(stems)
        out = {}
        for d, x in docs.items():
            b = cr[d]
            end = len(b)
            if title_only:
                end = b.find(_SEP4)
                while end % 4 and end != -1:
                    end = b.find(_SEP4, end + 1)
                end = len(b) if end == -1 else end
            j = b.find(pattern, 0, end)
            while j != -1 and j % 4:
                j = b.find(pattern, j + 1, end)
            if j != -1:
                out[d] = x
        return out

    # -- nodes ---------------------------------------------------------

    def cost(self, node: q.Node) -> int:
        """Rough size of a node's result, to evaluate small ones first."""
        if isinstance(node, q.Word):
            title = self.df("title", STEM + node.stem)
            return title if node.title_only else title + self.df("body", STEM + node.stem)
        if isinstance(node, q.Keyword) and not node.prefix:
            return self.df(node.field, node.value)
        if isinstance(node, q.Prefix) and not q.is_long_prefix(node.text):
            return self.df("tprefix", node.text) + self.df("prefix", node.text)
        if isinstance(node, q.Phrase):
            field = "title" if node.title_only else "body"
            return min(self.df(field, STEM + s) for s in node.stems)
        return self.n_all

    def eval(self, node: q.Node, i: int, within: Any = None) -> dict:
        if isinstance(node, q.Word):
            if node.title_only:
                return self.score(i, [("title", STEM + node.stem, 1.0)], within)
            parts = [("title", STEM + node.stem, TITLE_BOOST), ("body", STEM + node.stem, 1.0)]
            return self.score(i, parts, within)
        if isinstance(node, q.Prefix | q.Fuzzy):
            return self.score(i, self.expansions(node), within)
        if isinstance(node, q.Phrase):
            return self.phrase(node, i, within)
        if isinstance(node, q.Keyword):
            terms = self.expand(node.field, node.value, "prefix") if node.prefix else [node.value]
            reader, segid = self.leaves[i]
            acc: dict[int, float] = {}
            for t in terms:
                acc.update(dict.fromkeys(self.cache.get(reader, segid, node.field, t)[0], 0.0))
            return acc if within is None else {d: 0.0 for d in acc if d in within}
        if isinstance(node, q.DayRange):
            return self.days(i, node, self.everything(i) if within is None else within)
        if isinstance(node, q.Or):
            acc = {}
            for child in node.children:
                for d, x in self.eval(child, i, within).items():
                    acc[d] = acc.get(d, 0.0) + x
            return acc
        if isinstance(node, q.Not):
            base = self.everything(i) if within is None else dict(within)
            for d in self.eval(node.child, i, base):
                base.pop(d, None)
            return base
        return self.conj(node.children, i, within)

    def everything(self, i: int) -> dict:
        return dict.fromkeys(range(self.leaves[i][0].doc_count_all()), 0.0)

    def days(self, i: int, node: q.DayRange, docs: Any) -> dict:
        reader, segid = self.leaves[i]
        newest = self.cache.column(reader, segid, "newest")
        lo = (node.lo or 0) << 32
        hi = ((node.hi + 1) << 32) if node.hi is not None else 1 << 62
        if isinstance(docs, dict):
            return {d: x for d, x in docs.items() if lo <= newest[d] < hi}
        return {d: 0.0 for d in docs if lo <= newest[d] < hi}

    def conj(self, children: Sequence[q.Node], i: int, within: Any = None) -> dict:
        """And: cheapest positive child first, then the others within it."""
        pos = sorted((c for c in children if not isinstance(c, q.Not)), key=self.cost)
        neg = [c.child for c in children if isinstance(c, q.Not)]
        acc = None if within is None else dict(within)
        if not pos:
            acc = self.everything(i) if acc is None else acc
        for child in pos:
            r = self.eval(child, i, acc)
            acc = r if acc is None else {d: x + r[d] for d, x in acc.items() if d in r}
            if not acc:
                return {}
        assert acc is not None
        for child in neg:
            for d in self.eval(child, i, acc):
                acc.pop(d, None)
        return acc

    def phrase(self, node: q.Phrase, i: int, within: Any) -> dict:
        stems = node.stems
        if len(stems) == 1:
            return self.eval(q.Word(stems[0], node.title_only), i, within)
        grams = list(pairwise(stems))
        common = self.common
        if not node.title_only and all(a in common and b in common for a, b in grams):
            acc = within
            for a, b in grams:  # every bigram present: exact for two words
                r = self.score(i, [("pairs", f"{a} {b}", 1.0)], acc)
                acc = (
                    r
                    if acc is None or acc is within
                    else {d: x + r[d] for d, x in acc.items() if d in r}
                )
            if len(stems) == 2:
                return acc if acc is not within else {}
        else:
            acc = self.conj([q.Word(s, node.title_only) for s in stems], i, within)
        return self.verify(i, acc or {}, stems, node.title_only)

    # -- results -------------------------------------------------------

    def top(
        self, node: q.Node, limit: int, newest: bool
    ) -> tuple[list[tuple[int, int, float]], int]:
        """Best ``limit`` (segment, docnum, score) and the exact match count."""
        best: list[tuple[tuple[float, int] | tuple[int, float], int, int, float]] = []
        total = 0
        for i, (reader, segid) in enumerate(self.leaves):
            res = self.eval(node, i)
            if reader.has_deletions():
                for d in reader.deleted_docs_set:
                    res.pop(d, None)
            total += len(res)
            nw = self.cache.column(reader, segid, "newest")
            for d in _best(res, nw, limit, newest):
                x = res[d]
                best.append(((nw[d], x) if newest else (x, nw[d]), i, d, x))
        best.sort(key=lambda t: t[0], reverse=True)
        return [(i, d, x) for _, i, d, x in best[:limit]], total

    def stored(self, i: int, docnum: int) -> dict:
        return self.leaves[i][0].stored_fields(docnum)


class SearchIndex:
    """Full-text index of journal entries and feed items (derived from SQLite).

    One writer at a time (guaranteed by the caller); ``search`` may run on
    another thread and is serialised with a lock around the shared searcher.
    """

    def __init__(self, path: pathlib.Path) -> None:
        self.path = pathlib.Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._ix: Any = None
        self._searcher: Any = None
        self._common: frozenset[str] | None = None
        self._cache = SegmentCache(self.path)
        self._building = False

    # -- state -------------------------------------------------------------

    def _read_state(self) -> tuple[Any, frozenset[str]] | None:
        """Open the index if it is complete and current, else None."""
        try:
            version = (self.path / VERSION_FILE).read_text(encoding="utf-8").strip()
            if version != str(INDEX_VERSION):
                return None
            common = (self.path / COMMON_FILE).read_text(encoding="utf-8").split()
            ix = whoosh_index.open_dir(str(self.path))
            if set(ix.schema.names()) != set(build_schema().names()):
                return None
            with ix.reader() as r:  # opens every segment's files
                r.doc_count()
            return ix, frozenset(common)
        except Exception:
            return None

    def needs_rebuild(self) -> bool:
        """True if there is no usable index of this INDEX_VERSION."""
        with self._lock:
            if self._building:
                return True
            if self._ix is not None:
                return False
        return self._read_state() is None

    def _open(self) -> bool:
        """Open the index and a searcher if needed (lock held)."""
        if self._building:
            return False
        if self._ix is None:
            state = self._read_state()
            if state is None:
                return False
            self._ix, self._common = state
        # Not ``searcher.refresh()``: in whoosh-reloaded 2.7.5 it reuses readers
        # by segment, so it misses deletions and keeps merged-away segments.
        # A new searcher costs ~1 ms; decoded postings survive in the cache.
        if self._searcher is None or self._searcher.reader().generation() != (
            self._ix.latest_generation()
        ):
            self._close_searcher()
            self._searcher = self._ix.searcher()
            # An empty index has an EmptyReader, which has no segment.
            live = {
                seg.segment_id()
                for r, _ in self._searcher.reader().leaf_readers()
                if (seg := r.segment()) is not None
            }
            self._cache.prune(live)
        return True

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            with contextlib.suppress(Exception):
                self._searcher.close()
        self._searcher = None

    def close(self) -> None:
        """Release open files (the index stays on disk)."""
        with self._lock:
            self._close_searcher()
            self._ix = None
            self._cache.clear()

    # -- writing -----------------------------------------------------------

    def rebuild(
        self,
        docs: Iterable[IndexDoc],
        total: int | None = None,
        progress: Callable[[int, int | None], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> int:
        """Wipe the index and build it from ``docs``; returns the number indexed.

        The version file is written last, so a crash or ``cancel()`` returning
        True leaves ``needs_rebuild()`` True (and the index empty).
        """
        with self._lock:
            self._building = True
            self._close_searcher()
            self._ix = None
            self._cache.clear()
        try:
            (self.path / VERSION_FILE).unlink(missing_ok=True)
            for child in self.path.iterdir():  # only our files: the folder may hold others
                if child.is_file() and child.name.startswith(OWN_FILES):
                    child.unlink(missing_ok=True)
                elif child.is_dir() and child.name == "MAIN.tmp":  # a crashed writer's
                    shutil.rmtree(child, ignore_errors=True)
            ix = whoosh_index.create_in(str(self.path), build_schema())
            it = iter(docs)
            sample = list(islice(it, SAMPLE))
            common = common_terms(sample)
            (self.path / COMMON_FILE).write_text("\n".join(sorted(common)), encoding="utf-8")
            count = 0
            writer = _BulkWriter(ix)
            try:
                for doc in chain(sample, it):
                    if cancel is not None and count % 64 == 0 and cancel():
                        writer.cancel()
                        return count
                    writer.add_document(**doc_fields(doc, common))
                    count += 1
                    if count % SEGMENT_DOCS == 0:
                        writer.commit(merge=False)
                        writer = _BulkWriter(ix)
                    if progress is not None and count % 250 == 0:
                        progress(count, total)
                writer.commit(merge=False)
            except BaseException:
                with contextlib.suppress(Exception):
                    writer.cancel()
                raise
            if progress is not None:
                progress(count, total)
            (self.path / VERSION_FILE).write_text(f"{INDEX_VERSION}\n", encoding="utf-8")
            return count
        finally:
            with self._lock:
                self._building = False

    def update(self, docs: Iterable[IndexDoc] = (), delete_keys: Iterable[str] = ()) -> None:
        """Add or replace ``docs`` and delete ``delete_keys``, in one commit.

        Writes a small segment with the bulk writer; small segments are merged
        now and then (Whoosh's MERGE_SMALL policy, our fast merge); big ones
        are left alone, so this stays fast. Deletions apply before additions.
        Does nothing if the index needs a rebuild: the rebuild reads
        everything from SQLite anyway.
        """
        with self._lock:
            if not self._open():
                return
            ix, common = self._ix, self._common
        assert common is not None
        latest = {d.key: d for d in docs}  # the same key twice: the last one wins
        try:  # a compound segment: one file per small segment, not a dozen
            writer = _BulkWriter(ix, compound=True)
        except Exception as e:
            raise StorageError(f"Cannot write the search index in {self.path}: {e}.") from e
        try:
            for key in delete_keys:
                writer.delete_by_term("key", key)
            for doc in latest.values():
                writer.update_document(**doc_fields(doc, common))
            writer.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                writer.cancel()
            raise

    # -- reading -----------------------------------------------------------

    def doc_count(self) -> int:
        """Number of (live) documents in the index; 0 if it needs a rebuild."""
        with self._lock:
            if not self._open():
                return 0
            return int(self._searcher.doc_count())

    def search(
        self,
        query: str,
        limit: int = 20,
        fetch_text: Callable[[Sequence[str]], Mapping[str, str]] | None = None,
        sort: str = "relevance",
        as_you_type: bool = False,
    ) -> SearchResults:
        """Run a query (see ``query.py`` for the language).

        ``fetch_text(keys)`` returns the plain bodies of the hits, used only
        for their snippets; without it snippets are empty. ``sort`` is
        "relevance" (BM25F, ties newest first) or "newest". With
        ``as_you_type`` the last word typed also matches as a prefix.
        Raises QueryError for a query that cannot mean anything.
        """
        start = time.perf_counter()
        if sort not in ("relevance", "newest"):
            raise ValueError(f"sort must be 'relevance' or 'newest', not {sort!r}")
        node = q.parse(query, as_you_type=as_you_type)
        with self._lock:
            if node is None or limit <= 0 or not self._open():
                return SearchResults([], 0, (time.perf_counter() - start) * 1000)
            run = Run(self._searcher, self._cache, self._common or frozenset())
            top, total = run.top(node, limit, newest=sort == "newest")
            rows = [(run.stored(seg, d), score) for seg, d, score in top]
        stems, prefixes, phrases = q.highlight_terms(node)
        stems |= run.expanded
        texts = fetch_text([r["key"] for r, _ in rows]) if fetch_text and rows else {}
        hits = []
        for r, score in rows:
            title = r.get("title") or ""
            body = texts.get(r["key"], "")
            hits.append(
                Hit(
                    key=r["key"],
                    kinds=tuple(r.get("kinds") or ()),
                    title=title,
                    day=r.get("day") or "",
                    snippet=make_snippet(body, stems, prefixes, phrases) if body else "",
                    title_html=make_snippet(title, stems, prefixes, phrases, width=0),
                    score=score,
                )
            )
        return SearchResults(hits, total, (time.perf_counter() - start) * 1000)
