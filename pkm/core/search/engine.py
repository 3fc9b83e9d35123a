"""The query engine: term-at-a-time BM25F over whole posting lists, as arrays.

Instead of Whoosh's per-posting matcher calls (several Python method calls
for every posting, too slow for a very common word as you type), each
query-plan node evaluates per segment to a :class:`Docs`: a boolean mask and
a score per document of the segment, computed with numpy over the decoded
posting arrays that :class:`SegmentCache` keeps. Why dense arrays and numpy
(issue 16, "Scale"): at 100k documents a very common word has ~25k postings
per segment, and any per-posting Python work (a dict comprehension to
score, ``heapq.nlargest`` to rank, a dict lookup per posting to intersect)
cost 10-30 ms a query, over the 20 ms the issue allows; the same work as
array operations over a segment's 25k slots costs tens of microseconds, and
needs none of the pruning tricks (max-score, WAND) whose bookkeeping is
itself Python work per posting. The scores are the same floating-point
operations in the same order as before (``tests/test_search_index.py``
checks them against Whoosh's own BM25F); ``python
tests/benchmarks/search.py`` prints both engines' latency per query type.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import islice, pairwise
from math import log
from typing import Any

import numpy as np
from whoosh.automata.fsa import find_all_matches
from whoosh.codec.base import Automata
from whoosh.util.numeric import byte_to_length

from pkm.core.search import query as q
from pkm.core.search.cache import KEYS_SEP, STEM, SegmentCache
from pkm.core.search.schema import (
    SEQ_SEP,
    TITLE_BOOST,
    exact_key,
    lang_key,
    seq_bytes,
    stem,
)

_SEP4 = SEQ_SEP.to_bytes(4, "little")
K1, B = 1.2, 0.75  # Whoosh's BM25F defaults; scores equal Whoosh's BM25F.
#: Most terms a long prefix or a tag prefix expands to.
MAX_EXPANSION = 1024
#: The words of a query word's stem group that are written as it was typed
#: (accents and all) score this much more, as a share of the word's boost:
#: ``reunion`` ranks "reunion" above "réunion", ``straße`` "Straße" above
#: "Strasse" (issue 16). Only where accents are involved, so English
#: rankings are exactly as before.
EXACT_BONUS = 0.25
#: One length-byte decoded per byte value (Whoosh's length encoding).
_LENGTHS = [byte_to_length(b) for b in range(256)]


def _norm_table(avg: float) -> list[float]:
    """K1 * (1 - B + B * length / avg) for each length byte."""
    return [K1 * ((1 - B) + B * n / avg) for n in _LENGTHS]


class Docs:
    """The documents of one segment a node matches (``mask``) and their
    scores (``score``; 0 where unscored or unmatched), both of the
    segment's length. ``d in docs`` asks about one docnum."""

    __slots__ = ("mask", "score")

    def __init__(self, mask: np.ndarray, score: np.ndarray) -> None:
        self.mask = mask
        self.score = score

    @classmethod
    def none(cls, n: int) -> Docs:
        return cls(np.zeros(n, dtype=bool), np.zeros(n, dtype=np.float64))

    def __contains__(self, d: int) -> bool:
        return bool(self.mask[d])

    def __len__(self) -> int:
        return int(np.count_nonzero(self.mask))

    def any(self) -> bool:
        return bool(self.mask.any())

    def ids(self) -> np.ndarray:
        """The matching docnums, ascending."""
        return np.flatnonzero(self.mask)


def _best(docs: Docs, newest: np.ndarray, limit: int, by_newest: bool) -> np.ndarray:
    """Top ``limit`` docnums of one segment: by score then newest (then
    docnum), or by newest then score. Partitions find the cut-offs (on the
    first key, then among its ties on the second), so only a few are sorted
    even when thousands tie (a filter alone scores them all 0)."""
    ids = docs.ids()
    if not len(ids):
        return ids
    sc = docs.score[ids]
    nw = newest[ids]
    first, second = (nw, sc) if by_newest else (sc, nw)
    n = len(ids)
    if n > limit:
        cutoff = np.partition(first, n - limit)[n - limit]
        keep = first > cutoff
        tied = np.flatnonzero(first == cutoff)
        need = limit - int(np.count_nonzero(keep))
        if len(tied) > need:
            sec = second[tied]
            c2 = np.partition(sec, len(tied) - need)[len(tied) - need]
            tied = tied[sec >= c2]
        keep[tied] = True
        ids, first, second = ids[keep], first[keep], second[keep]
    # lexsort: the last key is the primary one; docnum ascending breaks ties
    order = np.lexsort((ids, -second, -first))
    return ids[order[:limit]]


class Run:
    """One query execution over the searcher's segments, term-at-a-time.

    Each node evaluates, per segment, to :class:`Docs`; filters score 0.
    ``within`` (docs still possible, from an enclosing And) bounds the only
    per-document Python work left: verifying phrases.
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
        self.sizes = [r.doc_count_all() for r, _ in self.leaves]
        self.n_all = searcher.doc_count_all()
        #: Languages besides English that the index's notes are stemmed in.
        self.langs = sorted(frozenset().union(*(cache.langs(r, seg) for r, seg in self.leaves)))
        self.expanded: set[str] = set()
        self._df: dict[tuple[str, str], int] = {}
        self._norms: dict[tuple[int, str], np.ndarray] = {}
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

    def norms(self, i: int, field: str) -> np.ndarray:
        """Per doc of segment ``i``: K1 * (1 - B + B * length / avg length)."""
        nd = self._norms.get((i, field))
        if nd is None:
            reader, segid = self.leaves[i]
            avg = self.s.avg_field_length(field) or 1.0
            nd = self.cache.norms(reader, segid, field, avg, _norm_table)
            self._norms[i, field] = nd
        return nd

    # -- leaves --------------------------------------------------------

    def word_term(self, node: q.Word) -> str:
        """The stem-group term of a query word: its key, and its keys in the
        index's other languages (``schema.lang_key``) joined by KEYS_SEP."""
        if not self.langs or not node.word:
            return STEM + node.stem
        keys = {node.stem}
        keys.update(k for c in self.langs if (k := lang_key(c, node.word)))
        if len(keys) == 1:
            return STEM + node.stem
        return STEM + KEYS_SEP.join(sorted(keys))

    def word_parts(self, node: q.Word, i: int) -> list[tuple[str, str, float]]:
        """(field, term, boost) of a query word in segment ``i``: its stem
        group, plus EXACT_BONUS for the group's words written as typed."""
        term = self.word_term(node)
        fields = [("title", 1.0)] if node.title_only else [("title", TITLE_BOOST), ("body", 1.0)]
        parts = [(field, term, boost) for field, boost in fields]
        reader, segid = self.leaves[i]
        for field, boost in fields:
            group = self.cache.variants(reader, segid, field, term[1:])
            if len(group) < 2:
                continue
            if KEYS_SEP in term:
                self.expanded.update(map(stem, group))  # for the highlights
            if node.word.isascii() and all(map(str.isascii, group)):
                continue  # no accents involved: plain BM25 over the group
            exact = exact_key(node.word)
            same = [w for w in group if exact_key(w) == exact]
            if same and len(same) < len(group):
                parts.extend((field, w, boost * EXACT_BONUS) for w in same)
        return parts

    def score(self, i: int, parts: Iterable[tuple[str, str, float]]) -> Docs:
        """BM25F: sum over (field, term, boost) of boost * BM25(term in field),
        the parts added in order (the same sums, to the last bit, as the
        per-posting dicts this replaced)."""
        reader, segid = self.leaves[i]
        out = Docs.none(self.sizes[i])
        for field, term, boost in parts:
            ids, ws = self.cache.get(reader, segid, field, term)
            if not len(ids):
                continue
            k = boost * (log(self.n_all / (self.df(field, term) + 1)) + 1) * (K1 + 1)
            w = ws.astype(np.float64)
            out.score[ids] += k * w / (w + self.norms(i, field)[ids])
            out.mask[ids] = True
        return out

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
                    folded, originals = self.cache.folded_words(reader, segid, field)
                    if folded:  # "reuni" finds "réunion" (prefixes are folded)
                        lo = bisect_left(folded, text)
                        found.update(originals[lo : bisect_left(folded, text + "\U0010ffff", lo)])
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

    def verify(self, i: int, docs: Docs, stems: Sequence[str], title_only: bool) -> Docs:
        """Keep docs whose ``seq`` column holds ``stems`` adjacent (in order)."""
        reader = self.leaves[i][0]
        cr = reader.column_reader("seq", translate=False)
        pattern = seq_bytes(stems)
        keep = np.zeros_like(docs.mask)
        for d in docs.ids().tolist():
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
                keep[d] = True
        return Docs(keep, np.where(keep, docs.score, 0.0))

    # -- nodes ---------------------------------------------------------

    def cost(self, node: q.Node) -> int:
        """Rough size of a node's result, to evaluate small ones first."""
        if isinstance(node, q.Word):
            term = self.word_term(node)
            title = self.df("title", term)
            return title if node.title_only else title + self.df("body", term)
        if isinstance(node, q.Keyword) and not node.prefix:
            return self.df(node.field, node.value)
        if isinstance(node, q.Prefix) and not q.is_long_prefix(node.text):
            return self.df("tprefix", node.text) + self.df("prefix", node.text)
        if isinstance(node, q.Phrase):
            field = "title" if node.title_only else "body"
            return min(self.df(field, STEM + s) for s in node.stems)
        return self.n_all

    def eval(self, node: q.Node, i: int, within: Docs | None = None) -> Docs:
        """What ``node`` matches in segment ``i``; with ``within``, only
        docs in it are guaranteed (others may be left out, or not)."""
        if isinstance(node, q.Word):
            return self.score(i, self.word_parts(node, i))
        if isinstance(node, q.Prefix | q.Fuzzy):
            return self.score(i, self.expansions(node))
        if isinstance(node, q.Phrase):
            return self.phrase(node, i, within)
        if isinstance(node, q.Keyword):
            terms = self.expand(node.field, node.value, "prefix") if node.prefix else [node.value]
            reader, segid = self.leaves[i]
            out = Docs.none(self.sizes[i])
            for t in terms:
                out.mask[self.cache.get(reader, segid, node.field, t)[0]] = True
            return out
        if isinstance(node, q.DayRange):
            return self.days(i, node)
        if isinstance(node, q.Or):
            out = Docs.none(self.sizes[i])
            for child in node.children:
                r = self.eval(child, i, within)
                out.mask |= r.mask
                out.score += r.score
            return out
        if isinstance(node, q.Not):
            mask = ~self.eval(node.child, i, within).mask
            if within is not None:
                mask &= within.mask
            return Docs(mask, np.zeros(self.sizes[i]))
        return self.conj(node.children, i, within)

    def everything(self, i: int) -> Docs:
        n = self.sizes[i]
        return Docs(np.ones(n, dtype=bool), np.zeros(n))

    def days(self, i: int, node: q.DayRange) -> Docs:
        reader, segid = self.leaves[i]
        newest = self.cache.column(reader, segid, "newest")
        lo = (node.lo or 0) << 32
        hi = ((node.hi + 1) << 32) if node.hi is not None else 1 << 62
        return Docs((newest >= lo) & (newest < hi), np.zeros(self.sizes[i]))

    def conj(self, children: Sequence[q.Node], i: int, within: Docs | None = None) -> Docs:
        """And: cheapest positive child first (it bounds the phrases to
        verify), scores summed in that order; then the negated ones out."""
        pos = sorted((c for c in children if not isinstance(c, q.Not)), key=self.cost)
        neg = [c.child for c in children if isinstance(c, q.Not)]
        # within bounds the result; its scores are its parent's to add
        acc = None if within is None else Docs(within.mask.copy(), np.zeros(self.sizes[i]))
        if not pos and acc is None:
            acc = self.everything(i)
        for child in pos:
            r = self.eval(child, i, acc)
            if acc is None:
                acc = r
            else:
                mask = acc.mask & r.mask
                acc = Docs(mask, np.where(mask, acc.score + r.score, 0.0))
            if not acc.any():
                return acc
        assert acc is not None
        for child in neg:
            acc.mask &= ~self.eval(child, i, acc).mask
        acc.score[~acc.mask] = 0.0
        return acc

    def phrase(self, node: q.Phrase, i: int, within: Docs | None) -> Docs:
        stems = node.stems
        if len(stems) == 1:
            return self.eval(q.Word(stems[0], node.title_only), i, within)
        grams = list(pairwise(stems))
        common = self.common
        if not node.title_only and all(a in common and b in common for a, b in grams):
            acc: Docs | None = None
            for a, b in grams:  # every bigram present: exact for two words
                r = self.score(i, [("pairs", f"{a} {b}", 1.0)])
                if acc is None:
                    acc = r
                else:
                    mask = acc.mask & r.mask
                    acc = Docs(mask, np.where(mask, acc.score + r.score, 0.0))
            assert acc is not None
            if len(stems) == 2:
                return acc
            if within is not None:
                acc = Docs(acc.mask & within.mask, acc.score)
        else:
            acc = self.conj([q.Word(s, node.title_only) for s in stems], i, within)
        return self.verify(i, acc, stems, node.title_only)

    # -- results -------------------------------------------------------

    def live(self, i: int, docs: Docs) -> Docs:
        """``docs`` without the segment's deleted documents."""
        reader = self.leaves[i][0]
        if reader.has_deletions():
            gone = np.fromiter(reader.deleted_docs_set, dtype=np.intp)
            docs.mask[gone] = False
        return docs

    def top(
        self, node: q.Node, limit: int, newest: bool
    ) -> tuple[list[tuple[int, int, float]], int]:
        """Best ``limit`` (segment, docnum, score) and the exact match count."""
        best: list[tuple[tuple[float, int] | tuple[int, float], int, int, float]] = []
        total = 0
        for i, (reader, segid) in enumerate(self.leaves):
            res = self.live(i, self.eval(node, i))
            total += len(res)
            nw = self.cache.column(reader, segid, "newest")
            for d in _best(res, nw, limit, newest).tolist():
                x = float(res.score[d])
                n = int(nw[d])
                best.append(((n, x) if newest else (x, n), i, d, x))
        best.sort(key=lambda t: t[0], reverse=True)
        return [(i, d, x) for _, i, d, x in best[:limit]], total

    def stored(self, i: int, docnum: int) -> dict:
        return self.leaves[i][0].stored_fields(docnum)
