"""``_BulkWriter``: writes Whoosh's on-disk format fast, for rebuilds *and* updates.

Whoosh's writer pushes every posting through a sorting pool and a
per-posting ``add()``: with hundreds of postings a document, indexing
crawls, and merging even small segments makes a save wait. Here postings go
into per-term byte buffers with C-level ``map`` calls and are written a
whole block at a time in the W3 codec's exact format (``postings.py``);
per-document data (stored fields, field lengths, columns) is kept in flat
buffers and written a whole column at a time (``perdoc.py``).

Built to share the process with a GUI thread:

* No call that drops and re-takes the GIL for every document or every few
  hundred bytes written (``zlib.compress`` of stored fields did, and so did
  Whoosh's slot-by-slot hash table writes): a thread waiting for the GIL is
  woken each time, loses the race for it to the writer, and waits again, so
  the window froze while it lasted.
* No long-lived containers the garbage collector scans (see ``postings.py``).

``python tests/benchmarks/search.py --writer`` measures each of these
reasons: Whoosh's writer per posting and per document, merges, and the
GUI thread's waits with the avoided calls put back.
"""

from __future__ import annotations

import pickle
from array import array
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Mapping
from functools import partial
from itertools import chain, repeat
from operator import add
from pickle import dumps
from typing import Any, NamedTuple

from whoosh.analysis import IDTokenizer
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.filedb.filetables import _lengths as _KV_LENGTHS
from whoosh.formats import Existence
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from pkm.core.search.cache import LANGS_KEY, VARIANTS_EXT, _decode, segment_langs
from pkm.core.search.perdoc import (
    ColumnBuffer,
    append_fixed,
    append_varbytes,
    length_byte_string,
    zlib_stored,
)
from pkm.core.search.postings import (
    U32,
    WEIGHT_BYTES,
    codec,
    docnums,
    gram_lengths,
    gram_postings,
    no_pause,
    split_postings,
    term_value,
    write_hashes,
)
from pkm.core.search.schema import MAX_WEIGHT, fold, word_index

#: Docs per segment written by rebuild: bounds a rebuild's memory, since a
#: segment's postings are held until it is written (``search.py --writer``
#: prints the traced peak).
SEGMENT_DOCS = 25_000


def _weighted(doc: bytes, weights: Iterable[int] | None) -> Iterable[bytes]:
    """Each posting's bytes (weight then docnum) for a doc's terms: one
    buffer append each, the few distinct ones made once."""
    if weights is None:
        return repeat(WEIGHT_BYTES[1] + doc)
    if not isinstance(weights, Collection):
        weights = list(weights)
    top = max(weights, default=0)
    if top < len(WEIGHT_BYTES):
        table = list(map(add, WEIGHT_BYTES[: top + 1], repeat(doc)))
        return map(table.__getitem__, weights)
    return map(add, map(U32.pack, weights), repeat(doc))


class _Plan(NamedTuple):
    """How ``add_document`` handles one field (worked out once per writer)."""

    inv: defaultdict[Any, bytearray] | None  # term -> postings, if indexed
    by_postings: bool  # our field types: ``field.postings(value)``
    whole: bool  # a Whoosh ID field: the value is the one term
    weighted: bool
    scorable: bool
    stored: bool
    column: ColumnBuffer | None


class _BulkWriter(SegmentWriter):
    """A SegmentWriter that skips Whoosh's per-posting and per-document machinery.

    ``add_document`` appends the weight and the docnum (just the docnum in
    unweighted fields) to per-term buffers with C-level ``map`` calls, and
    buffers the per-document data; ``_write_perdoc`` hands that to Whoosh's
    column writers a whole column at a time; ``_flush_segment`` writes each
    term's blocks and term info in exactly the W3 codec's format (a test
    checks the result against Whoosh's own writer). Term infos carry the
    field's min/max length rather than the term's: the bounds stay valid for
    Whoosh's block-quality skipping.
    """

    def __init__(
        self,
        ix: Any,
        compound: bool = False,
        derive: Mapping[str, str] | None = None,
        pause: Callable[[], None] | None = None,
    ) -> None:
        """``derive``: {gram field: word field} whose grams this writer
        derives at flush (:func:`gram_postings`) rather than being given
        them with each doc; only for a writer that merges no segment.
        ``pause`` is called between terms while the segment is written (a
        rebuild's ``build.GilPause``: that takes seconds)."""
        super().__init__(ix, codec=codec(), compound=compound)
        self._derive = dict(derive or {})
        self._pause = pause or no_pause
        self._inv: dict[str, defaultdict[Any, bytearray]] = {}
        self._lens: dict[str, array] = {}  # field -> length of every doc (docnum-indexed)
        self._plans: dict[str, _Plan] = {}
        self._columns: dict[str, ColumnBuffer] = {}
        self._stored: list[bytes] = []  # zlib streams of the buffered docs
        self._pd_start = 0  # first doc not yet given to the per-document writer
        #: language -> the words of this segment's notes in it (``schema.word_index``)
        self._lang_words: dict[str, set[str]] = {}

    # -- per document ------------------------------------------------------

    def _plan(self, name: str) -> _Plan:
        plan = self._plans.get(name)
        if plan is None:
            field = self.schema[name]
            weighted = getattr(field, "weighted", True)
            inv = None
            if field.indexed:
                inv = self._inv[name] = defaultdict(bytearray)
                self._lens[name] = array("I")
            column = None
            if field.column_type is not None:
                column = self._columns[name] = ColumnBuffer(field)
            plan = _Plan(
                inv,
                hasattr(field, "postings"),
                type(field.analyzer) is IDTokenizer and type(field.format) is Existence,
                weighted,
                field.scorable,
                field.stored,
                column,
            )
            self._plans[name] = plan
        return plan

    def add_document(self, **fields: Any) -> None:
        docnum = self.docnum
        stored: dict[str, Any] = {}
        langs = fields.get("_langs")
        if langs:  # a note not in English: its words get that language's stems too
            for code in langs:
                ws = self._lang_words.setdefault(code, set())
                ws.update(fields.get("title") or ())
                ws.update(fields.get("body") or ())
        for name, value in fields.items():
            if name[0] == "_" or value is None:
                continue
            plan = self._plans.get(name) or self._plan(name)
            if plan.inv is not None:
                length = self._invert(plan, name, docnum, value)
                lens = self._lens[name]
                if len(lens) < docnum:
                    lens.extend(repeat(0, docnum - len(lens)))
                lens.append(length if plan.scorable else 0)
            if plan.stored:
                stored[name] = fields.get("_stored_" + name, value)
            if plan.column is not None:
                plan.column.add(docnum - self._pd_start, value)
        self._stored.append(zlib_stored(dumps(stored, 2)) if stored else b"")
        self._added = True
        self.docnum += 1

    def _invert(self, plan: _Plan, name: str, docnum: int, value: Any) -> int:
        """Append the doc's posting (weight and docnum, or the docnum alone)
        to the buffer of each of the value's terms, with C-level ``map``
        calls; returns the field length."""
        field = self.schema[name]
        doc = U32.pack(docnum)
        if not plan.weighted:
            terms, length = self._terms(plan, field, value)[::2]
            posting: Iterable[bytes] = repeat(doc)
        else:
            terms, weights, length = self._terms(plan, field, value)
            posting = _weighted(doc, weights)
        deque(map(bytearray.extend, map(plan.inv.__getitem__, terms), posting), 0)  # type: ignore[union-attr]
        return length

    @staticmethod
    def _terms(plan: _Plan, field: Any, value: Any) -> tuple[Any, Any, int]:
        """(terms, integer weights or None for all 1, field length) of a value."""
        if plan.by_postings:
            return field.postings(value)
        if plan.whole and isinstance(value, str) and value:  # what Whoosh's ID would do
            return [value.encode("utf-8")], None, 1
        items = list(field.index(value))  # other Whoosh fields: bytes terms
        weights = [min(int(w), MAX_WEIGHT) for _, _, w, _ in items]
        return [t for t, _, _, _ in items], weights, sum(f for _, f, _, _ in items)

    def _write_perdoc(self) -> None:
        """Hand the buffered docs' stored fields, field lengths and column
        values to Whoosh's per-document writer, one write per column (what
        its start_doc/add_field/finish_doc calls for each doc would write)."""
        start, end = self._pd_start, self.docnum
        if end == start:
            return
        pdw = self.perdocwriter
        pdw._doccount = end
        append_varbytes(pdw._colwriters["_stored"]._child, start, self._stored)
        self._stored = []
        for name, lens in self._lens.items():
            if len(lens) < end:
                lens.extend(repeat(0, end - len(lens)))
            part = lens[start:end]
            total = sum(part)
            if not total:
                continue
            pdw._fieldlengths[name] += total
            column = f"_{name}_len"
            if not pdw._has_column(column):
                pdw._create_column(column, LENGTHS_COLUMN)
            append_fixed(pdw._colwriters[column], start, length_byte_string(part), 1)
        for name, col in self._columns.items():
            if not pdw._has_column(name):
                pdw._create_column(name, col.ctype)
            col.write(pdw._colwriters[name], start)
        self._pd_start = end

    # -- merging (Whoosh's merge policies call this at commit) ----------------

    def add_reader(self, reader: Any) -> None:
        """Merge a segment: per-doc data through Whoosh, postings by whole
        decoded blocks instead of Whoosh's per-posting pool, which makes
        even a merge of a few hundred docs slow enough to feel."""
        self._check_state()
        if self._derive:
            raise RuntimeError("a writer deriving gram fields cannot merge segments")
        self._write_perdoc()  # Whoosh's per-doc writer takes docs in docnum order
        basedoc = self.docnum
        schema = self.schema
        docmap = self.write_per_doc(set(schema.names()), reader)
        self._pd_start = self.docnum
        for code, ws in segment_langs(reader).items():
            self._lang_words.setdefault(code, set()).update(ws)
        live = sorted(docmap) if docmap is not None else range(reader.doc_count_all())
        for name in schema.names():
            field = schema[name]
            if not field.indexed:
                continue
            self._plan(name)
            lens = self._lens[name]
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
            plan = self._plan(name)
            values = (
                chain.from_iterable(zip(map(int, ws), ids, strict=True)) if plan.weighted else ids
            )
            term = tb.decode("utf-8") if plan.by_postings else tb
            plan.inv[term].extend(array("I", values))  # type: ignore[index]
        self._added = True

    # -- the segment's files ---------------------------------------------------

    def _flush_segment(self) -> None:
        """Write the per-doc data, then every term: posting blocks
        (``W3PostingsWriter._write_block`` format) and term infos
        (``W3TermInfo.to_bytes``) into the field writer's files, batching the
        file writes."""
        derived = self._derive_grams()
        self._write_perdoc()
        self.perdocwriter.close()
        variants: dict[str, Any] = {}
        for name in sorted(self._inv.keys() | derived.keys()):
            if name in derived:
                grams = derived.pop(name)
                if not grams:
                    continue
                self._write_field(name, ((g, grams[g].tolist(), None) for g in sorted(grams)))
                continue
            inv = self._inv.pop(name)
            terms = sorted(inv)  # str order = UTF-8 bytes order (and bytes sort as bytes)
            weighted = getattr(self.schema[name], "weighted", True)
            self._write_field(name, ((t, *split_postings(inv[t], weighted)) for t in terms))
            if name in ("title", "body"):
                variants[name] = word_index(terms, self._lang_words)
        if self._lang_words:  # for merges, and for the engine to know the languages
            variants[LANGS_KEY] = {c: sorted(ws) for c, ws in self._lang_words.items()}
        tindex = self.fieldwriter._tindex
        tindex._write_hashes = partial(write_hashes, tindex)  # one write, not one per slot
        self.fieldwriter.close()
        with self.storage.create_file(self.newsegment.make_filename(VARIANTS_EXT)) as f:
            f.write(pickle.dumps(variants, pickle.HIGHEST_PROTOCOL))

    def _derive_grams(self) -> dict[str, dict[str, array]]:
        """The postings of the ``derive`` gram fields, from their word fields;
        their per-doc lengths go into ``_lens`` like those of given fields."""
        derived: dict[str, dict[str, array]] = {}
        for name, source in self._derive.items():
            inv = self._inv.get(source, {})
            weighted = getattr(self.schema[source], "weighted", True)
            order = sorted(inv)
            if not all(map(str.isascii, order)):  # grams are folded (schema.grams)
                order.sort(key=fold)
            words = ((fold(w), docnums(inv[w], weighted)) for w in order)
            grams = derived[name] = gram_postings(words, pause=self._pause)
            self._lens[name] = gram_lengths(grams, self.docnum)
        return derived

    def _write_field(
        self, name: str, postings: Iterable[tuple[Any, list[int], list[int] | None]]
    ) -> None:
        """One field's (term, docnums, weights or None) in term order into
        the postings and term files."""
        fw = self.fieldwriter
        field = self.schema[name]
        lens = [x for x in self._lens.pop(name) if x] or [0]
        minlen, maxlen = (min(lens), max(lens)) if field.scorable else (0, 0)
        minlb, maxlb = length_to_byte(minlen), length_to_byte(maxlen)
        postfile, tindex = fw._postfile, fw._tindex
        hashfn, buckets, index_append = tindex.hashfn, tindex.buckets, tindex.index.append
        ppos, tpos = postfile.tell(), tindex.dbfile.tell()
        fw.start_field(name, field)
        keyprefix = pack_ushort(fw._fieldid)
        posts: list[bytes] = []
        recs: list[bytes] = []
        key = b""
        pause = self._pause
        for t, ids, weights in postings:
            pause()
            value, block = term_value(ids, weights, minlb, maxlb, ppos)
            if block:
                posts.append(block)
                ppos += len(block)
            # OrderedHashWriter.add, batched
            key = keyprefix + (t if isinstance(t, bytes) else t.encode("utf-8"))
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
