"""The query engine: term-at-a-time BM25F over whole decoded posting blocks.

Instead of Whoosh's per-posting matcher calls (several Python method calls
for every posting, too slow for a very common word as you type), each
query-plan node evaluates per segment to {docnum: score}, reading postings
through :class:`SegmentCache`. ``python tests/benchmarks/search.py`` prints
both engines' latency per query type.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import islice, pairwise
from math import log
from typing import Any

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
        #: Languages besides English that the index's notes are stemmed in.
        self.langs = sorted(frozenset().union(*(cache.langs(r, seg) for r, seg in self.leaves)))
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

    def eval(self, node: q.Node, i: int, within: Any = None) -> dict:
        if isinstance(node, q.Word):
            return self.score(i, self.word_parts(node, i), within)
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
