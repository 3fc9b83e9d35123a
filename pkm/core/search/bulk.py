"""``_BulkWriter``: writes Whoosh's on-disk format fast, for rebuilds *and* updates.

Whoosh's writer pushes every posting through a sorting pool and a
per-posting ``add()`` (~15 us a posting: ~400 docs/s, and merges of a few
hundred docs took seconds). Here postings go into per-term arrays with
C-level ``map`` calls and are written a whole block at a time in the W3
codec's exact format.
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections import defaultdict, deque
from collections.abc import Iterable
from itertools import repeat
from operator import add, and_, lshift, or_, rshift, sub
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.filedb.filetables import _lengths as _KV_LENGTHS
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from pkm.core.search.cache import VARIANTS_EXT, _decode
from pkm.core.search.schema import MAX_WEIGHT, word_index

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
