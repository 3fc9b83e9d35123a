"""The Whoosh schema of the search index, and the one text analysis it uses.

Why custom field types: Whoosh's analyzer pipeline builds a Python ``Token``
per word per filter, which makes bulk indexing crawl (~200-400 docs/s). Here
:func:`tokenize` turns text into terms (regex ``findall`` on the lowercased
text, a stopword set, a dict-cached Porter2 stemmer, C-level ``map`` calls)
and :func:`doc_fields` turns an :class:`IndexDoc` into ready-made term lists
that the field types only count. Queries are analysed by the *same*
functions (``query.py``), so index-time and query-time terms cannot drift
apart (a test checks it).

Fields (only ``key``, ``kinds``, ``title`` and ``day`` are stored; SQLite
holds the bodies):

* ``title`` / ``body``: the lowercase *words* (stopwords dropped), weight =
  term frequency, no positions (decoding positions made every common-word
  query ~4x slower). A query stem is looked up as all the words with that
  stem (a stem -> words map is saved beside each segment), their postings
  merged: BM25 over stems, while prefixes longer than PREFIX_MAX and fuzzy
  matches expand exactly over real words with no extra postings.
* ``prefix`` / ``tprefix``: the 1..PREFIX_MAX-char prefixes of the distinct
  words of body / title, weight 1. ``smo*`` is one posting list per field
  instead of an expansion to thousands of words.
* ``pairs``: "a b" bigrams of adjacent stems when *both* are in the index's
  common-word set (chosen at rebuild). A phrase of two common words is one
  posting list; every other phrase has a rarer word, so few candidates, which
  are verified against ``seq``.
* ``seq``: a column with the 31-bit hashes of the doc's stems in order (title,
  a 0 separator, body): exact phrase verification with ``bytes.find``.
* ``tags``, ``kinds``: exact keywords. ``source``: stems.
* ``newest``: a column ``day ordinal << 32 | updated``, for "newest first"
  sorting and day filters (no range terms needed).

Every language (issue 16). Text is NFKC-normalised and lowercased before it
is split (:func:`normalize`: NFD text, full-width letters and ligatures such
as ``ﬁ`` become what people type; the "i" of a lowercased Turkish ``İ`` loses
its combining dot). The *words* are indexed as written (``réunion``,
``straße``); what a query matches is a word's *key*, its stem with accents
folded (:func:`fold`: ``reunion``, ``strass``), so ``reunion`` finds
"Réunion" and ``strasse`` finds "Straße", and the engine gives the word as
typed a small bonus (``engine.EXACT_BONUS``), so the exact form ranks first.
Runs of Chinese, Japanese and Korean characters have no spaces between
words, so they are indexed as overlapping bigrams (``知識共有`` is
``知識 識共 共有``, as Lucene's CJKBigramFilter does); a query is split the
same way, and a query of several bigrams is a phrase of them, so ``知識``
and ``知識共有`` are found inside longer runs. A one-character run is kept
as it is.

Stemming by language: every Latin-script word gets its English (Porter2)
key; a note written in another language Whoosh has a stemmer for
(:data:`STEM_LANGS`) also groups its words under that language's stems
(``доверие`` and ``доверия`` under ``довер``). The language is the entry's
``lang-xx`` tag if it has one (``lang-en``: English only), else detected by
:func:`detect_languages`: counting each language's stopwords among the
words (Whoosh's lists), one dict lookup per word. (A statistical detector
from PyPI, such as langdetect or lingua, scores character n-grams of the
whole text against models loaded at start-up: work of the order of
indexing the note, for what the stopwords of a note tell as well in the
languages that have a stemmer.) English text (a quarter or more of its
tokens English stopwords) skips the count. A wrong guess costs little: the
language's stems are *added* to the English ones, never instead of them.
The words each language stemmed are saved beside the segment
(``bulk.py``), and a query word is stemmed in the languages its index holds
(``engine.py``). Stems group *words*, not notes: a word stemmed in German
because a German note has it is found by its German stem in every note.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain, compress, pairwise, repeat
from typing import Any
from zlib import crc32

from whoosh import columns, fields, formats
from whoosh import lang as whoosh_lang
from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.support.charset import accent_map

from pkm.core.search import whoosh_version
from pkm.core.search.stemming import stem as _porter_stem

#: Bump when the schema or the analysis changes (2: ``c++`` / ``c#`` are
#: words; 3: NFKC, folded keys and grams, CJK bigrams, stems by language;
#: 4: posting blocks of arrays, ``postings.ARRAY_MIN``).
FORMAT = 4
#: Written beside the index at rebuild: anything else on disk means the index
#: must be rebuilt from SQLite. The Whoosh release is part of it because the
#: engine writes Whoosh's format itself (``whoosh_version.py``).
INDEX_VERSION = f"{FORMAT}+{whoosh_version.DISTRIBUTION}-{whoosh_version.VERSION_TEXT}"

#: Longest prefix indexed as an n-gram (see module docstring).
PREFIX_MAX = 3
#: Title matches weigh this much more than body matches (an integer: title
#: occurrences are counted this many times in ``pairs``).
TITLE_BOOST = 3
#: Weights (term frequencies) are capped here so that the bulk writer can
#: pack docnum and weight into one int.
MAX_WEIGHT = 0xFFFF
#: A stem is "common" (gets ``pairs`` bigrams) if it is in at least this
#: fraction of the documents sampled at rebuild.
COMMON_DF = 0.15
#: Separator between title and body hashes in ``seq`` (term hashes are odd).
SEQ_SEP = 0
#: The prefix-gram fields and the word fields they are the grams of: a
#: rebuild derives them from those fields' postings (see ``bulk.py``).
GRAM_FIELDS = {"prefix": "body", "tprefix": "title"}

_SEP_BYTES = SEQ_SEP.to_bytes(4, "little")
#: Words, with inner dots kept ("e.g", "3.14"). Same matches as the older
#: r"\w+(?:\.?\w+)*" (after a greedy \w+ a dot-less repeat can never match),
#: ~10% faster, with no backtracking to try.
#:
#: A word ending in a letter may also end in "++" or "#" when no other word
#: character follows: ``c++``, ``g++``, ``C#``, ``F#``, ``notepad++`` are
#: whole words (issue 16: they were the one-letter word "c", dropped, and a
#: one-letter prefix as you typed). ``#tag``, ``a#b`` and ``C++11`` are not
#: (the last is "c" and "11"). ``.NET`` stays the word "net".
TOKEN_RE = re.compile(r"\w+(?:\.\w+)*(?:(?<=[^\W\d_])(?:\+\+|#)(?![\w+#]))?")
#: TOKEN_RE without the "++" / "#" ending, for text with neither "+" nor "#"
#: (the same tokens; the optional ending costs ~15% of tokenizing).
WORD_RE = re.compile(r"\w+(?:\.\w+)*")
#: The same for ASCII text, where Unicode and ASCII \w are the same
#: characters ([A-Za-z0-9_]): ~25% faster than checking Unicode classes.
_ASCII_WORD_RE = re.compile(WORD_RE.pattern, re.ASCII)
_SNOWBALL_ENGLISH = """i me my myself we our ours ourselves you your yours yourself yourselves
    he him his himself she her hers herself it its itself they them their theirs themselves
    what which who whom this that these those am is are was were be been being have has had
    having do does did doing would should could ought a an the and but if or because as until
    while of at by for with about against between into through during before after above
    below to from up down in out on off over under again further then once here there when
    where why how all any both each few more most other some such no nor not only own same so
    than too very"""
#: Whoosh's stopwords plus the Snowball English list (the stopwords that go
#: with the Porter2 stemmer). Function words are ~40% of English tokens; not
#: indexing them shrinks every posting structure and the phrase bigrams.
STOPWORDS: frozenset[str] = frozenset(STOP_WORDS) | frozenset(_SNOWBALL_ENGLISH.split())


@dataclass(frozen=True)
class IndexDoc:
    """One document as the index sees it; SQLite stays the source of truth."""

    key: str  # "entry:12" or "item:40" — unique key
    kinds: tuple[str, ...]  # ("entry", "daily") / ("entry", "note") / ("item",) ...
    title: str
    body: str  # plain text (markdown already stripped by the caller)
    day: str  # "YYYY-MM-DD"
    tags: tuple[str, ...] = ()  # lowercase, without '#'
    source: str = ""  # feed title / clip source name
    updated: float = 0.0  # unix time, tie-breaker for "newest"
    #: The language the note is written in ("fr"), "" to take it from a
    #: ``lang-xx`` tag or detect it (``schema.doc_languages``).
    lang: str = ""


#: Accent folding, applied to words with non-ASCII letters only: Whoosh's
#: ``accent_map`` (Sphinx's Latin table) with the letters it folds to one
#: letter where people type two (``ß`` -> ``ss``: it gave ``s``), the
#: ligatures, the combining dot of a lowercased ``İ``, and Russian ``ё`` ->
#: ``е`` (most Russian text is typed without ``ё``). Cyrillic, Greek and CJK
#: are left alone (``й`` stays ``й``).
FOLD: dict[int, str] = {
    **accent_map,
    ord("ß"): "ss",
    ord("æ"): "ae",
    ord("œ"): "oe",
    ord("þ"): "th",
    ord("ё"): "е",
    0x0307: "",
}
#: Han, kana, Hangul (syllables and jamo), CJK compatibility ideographs:
#: scripts written without spaces between words (see module docstring).
CJK_RE = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff]+"
)
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
#: Languages whose stemmer runs on the words of a note written in them:
#: those Whoosh has a Snowball stemmer for, Latin
#: script, and Russian (Cyrillic); Romanian has no stopword list, so it is
#: never detected, only set by a tag. Turkish has no stemmer in Whoosh: its
#: words are folded (``istanbul``), not stemmed.
STEM_LANGS: tuple[str, ...] = (
    "da", "de", "es", "fi", "fr", "hu", "it", "nl", "no", "pt", "ro", "ru", "sv",
)  # fmt: skip
#: A language tag on an entry (``#lang-fr``) sets its language; see IndexDoc.
LANG_TAG_RE = re.compile(r"lang[-_/:]([a-z]{2})")


def normalize(text: str) -> str:
    """``text`` as both the index and queries see it: NFKC, lowercase.

    ASCII text (nearly all of it, in English) is just lowercased. A
    lowercased ``İ`` is "i" plus a combining dot, which would split the
    word; the dot goes.
    """
    if text.isascii():
        return text.lower()
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    low = text.lower()
    return low.replace("i\u0307", "i") if "\u0307" in low else low


def fold(word: str) -> str:
    """``word`` without accents (see FOLD); ASCII words as they are."""
    return word if word.isascii() else word.translate(FOLD)


def _split_cjk(toks: list[str]) -> list[str]:
    """Tokens with each CJK run replaced by its overlapping bigrams."""
    out: list[str] = []
    for tok in toks:
        if tok.isascii() or CJK_RE.search(tok) is None:
            out.append(tok)
            continue
        pos = 0
        for m in CJK_RE.finditer(tok):
            if m.start() > pos:
                out.append(tok[pos : m.start()])
            run = m.group()
            out.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
            pos = m.end()
        if pos < len(tok):
            out.append(tok[pos:])
    return out


def raw_tokens(text: str) -> list[str]:
    """The tokens of ``text`` before stopwords go: normalised, lowercase,
    CJK runs as bigrams (what snippets match against, token by token)."""
    low = normalize(text)
    if "+" in low or "#" in low:
        toks = TOKEN_RE.findall(low)
    elif low.isascii():
        return _ASCII_WORD_RE.findall(low)
    else:
        toks = WORD_RE.findall(low)
    return toks if low.isascii() or CJK_RE.search(low) is None else _split_cjk(toks)


def token_spans(norm: str) -> list[tuple[int, int, str, str]]:
    """(start, end, token, key) of the tokens of text already normalised
    (:func:`normalize`), CJK runs as overlapping bigrams, as
    :func:`raw_tokens` splits them; stopwords have the key "". For
    highlighting and the Whoosh-compatible analyzer, which need offsets."""
    rx = TOKEN_RE if ("+" in norm or "#" in norm) else WORD_RE
    out = []
    for m in rx.finditer(norm):
        tok, start = m.group(), m.start()
        if tok.isascii() or CJK_RE.search(tok) is None:
            out.append((start, m.end(), tok, stem(tok)))
            continue
        pos = 0
        for c in CJK_RE.finditer(tok):
            if c.start() > pos:
                piece = tok[pos : c.start()]
                out.append((start + pos, start + c.start(), piece, stem(piece)))
            run, base = c.group(), start + c.start()
            if len(run) == 1:
                out.append((base, base + 1, run, run))
            for k in range(len(run) - 1):
                out.append((base + k, base + k + 2, run[k : k + 2], run[k : k + 2]))
            pos = c.end()
        if pos < len(tok):
            out.append((start + pos, m.end(), tok[pos:], stem(tok[pos:])))
    return out


# word (lowercase) -> stem, or "" for a word that is not indexed (stopword or
# shorter than 2 chars); word -> its prefix grams. Module-level so every
# analysis shares them; bounded so a stream of junk cannot grow them forever.
_STEMS: dict[str, str] = {}
_GRAMS: dict[str, tuple[str, ...]] = {}
_HASHES: dict[str, int] = {}
_SEQ_PARTS: dict[str, bytes] = {}  # stem -> term_hash as 4 little-endian bytes
_CACHE_MAX = 300_000


def _stem_slow(word: str) -> str:
    if word.isascii():
        result = "" if len(word) < 2 or word in STOPWORDS else _porter_stem(word)
    elif CJK_RE.match(word):
        result = word  # a bigram, or a one-character run
    else:
        folded = fold(word)
        if len(folded) < 2 or folded in STOPWORDS:
            result = ""
        else:  # Porter2 on Latin words; other scripts are their own key
            result = _porter_stem(folded) if folded.isascii() else folded
    if len(_STEMS) < _CACHE_MAX:
        _STEMS[word] = result
    return result


def stem(word: str) -> str:
    """The key of one normalised word: its Porter2 stem with accents folded
    (other scripts: the folded word, CJK: itself); "" if the word is a
    stopword or too short."""
    result = _STEMS.get(word)
    return _stem_slow(word) if result is None else result


def grams(word: str, longest: int = PREFIX_MAX) -> tuple[str, ...]:
    """The ``prefix`` terms of one word: the first 1..longest chars of it
    with accents folded (queries fold their prefixes too: ``reu`` and
    ``réu`` both find "réunion"). Longer prefixes are expanded over the
    words of ``title`` / ``body``."""
    g = _GRAMS.get(word) if longest == PREFIX_MAX else None
    if g is None:
        f = fold(word)
        g = tuple(f[:i] for i in range(1, min(len(f), longest) + 1))
        if longest == PREFIX_MAX and len(_GRAMS) < _CACHE_MAX:
            _GRAMS[word] = g
    return g


def _stems_of(toks: list[str]) -> list[str]:
    """Stem (or "") of each token; a C-level map when all are cached (a
    KeyError is cheaper than looking for None in the result: ~8 us)."""
    try:
        return list(map(_STEMS.__getitem__, toks))
    except KeyError:
        return list(map(stem, toks))


def tokenize(text: str) -> tuple[list[str], list[str]]:
    """(stems, words) of ``text`` in order: lowercase, stopwords and 1-char
    tokens dropped; ``words`` are the same tokens unstemmed (for prefixes).

    Positions are list indexes, so stopwords leave no gaps (like Whoosh's
    ``StopFilter(renumber=True)``): the phrase "state of the art" is "state art".
    """
    toks = raw_tokens(text)
    sl = _stems_of(toks)
    return list(filter(None, sl)), list(compress(toks, sl))


def _tokenize_counted(text: str) -> tuple[list[str], list[str], int]:
    """:func:`tokenize` and the number of tokens before stopwords went."""
    toks = raw_tokens(text)
    sl = _stems_of(toks)
    return list(filter(None, sl)), list(compress(toks, sl)), len(toks)


def prefix_grams(words_: Collection[str]) -> set[str]:
    """The ``prefix`` terms of distinct ``words_`` (see :func:`grams`); C-level
    ``map`` calls when every word's grams are cached."""
    gl = list(map(_GRAMS.get, words_))
    if None in gl:
        gl = [grams(w) for w in words_]
    return set(chain.from_iterable(gl))


Analysis = tuple[list[str], list[str], list[str], list[str], tuple[str, ...]]

_STOP_LANGS: dict[str, tuple[str, ...]] = {}


def _stop_langs() -> dict[str, tuple[str, ...]]:
    """word -> the STEM_LANGS it is a stopword of (built on first use: the
    lists are loaded only when a note is not plainly English)."""
    if not _STOP_LANGS:
        found: dict[str, list[str]] = {}
        for code in STEM_LANGS:
            if not whoosh_lang.has_stopwords(code):  # Romanian: by its tag only
                continue
            for w in whoosh_lang.stopwords_for_language(code):
                w = normalize(w)
                if len(w) > 1 and w not in STOPWORDS:  # the same tokens as the words
                    found.setdefault(w, []).append(code)
        _STOP_LANGS.update({w: tuple(c) for w, c in found.items()})
    return _STOP_LANGS


def _plainly_english(n_tokens: int, n_words: int, is_ascii: bool) -> bool:
    """See :func:`detect_languages`."""
    return n_tokens >= 8 and (4 if is_ascii else 3) * (n_tokens - n_words) >= n_tokens


def detect_languages(words_: Sequence[str], n_tokens: int, is_ascii: bool) -> tuple[str, ...]:
    """The STEM_LANGS a note's indexed ``words_`` are written in (ties all
    kept: Danish and Norwegian share most stopwords), or () for English.

    ``n_tokens`` counts the tokens before English stopwords (and one-letter
    words) were dropped: text of which a quarter (ASCII) or a third (other
    text: Russian has many one-letter words) were dropped is English, with
    no lookups (English prose: ~45%; the French, German, Spanish and Russian
    notes of the tests: 3-17%). Otherwise the language whose stopwords are most frequent wins,
    if it has two (one in a note of under 12 words); failing that, Cyrillic
    words are Russian.
    """
    if _plainly_english(n_tokens, len(words_), is_ascii):
        return ()
    table = _stop_langs()
    counts = Counter(chain.from_iterable(filter(None, map(table.get, words_))))
    if counts:
        best = max(counts.values())
        if best >= 2 or len(words_) < 12:
            return tuple(sorted(c for c, n in counts.items() if n == best))
    if not is_ascii and any(_CYRILLIC_RE.search(w) for w in words_):
        return ("ru",)
    return ()


def doc_languages(doc: IndexDoc) -> tuple[str, ...] | None:
    """The languages set for ``doc`` (its ``lang``, else a ``lang-xx`` tag),
    or None to detect them. English, or a language with no stemmer, is ()."""
    code = doc.lang
    if not code:
        for t in doc.tags:
            m = LANG_TAG_RE.fullmatch(t.lower().lstrip("#")) if "lang" in t.lower() else None
            if m:
                code = m[1]
                break
    if not code:
        return None
    code = code.lower()[:2]
    return (code,) if code in STEM_LANGS else ()


def analyze_doc(doc: IndexDoc) -> Analysis:
    """(title stems, title words, body stems, body words, languages) of one
    document: the one text analysis a rebuild does per document (for the
    common-word sample and then for :func:`doc_fields`)."""
    tstems, twords, tn = _tokenize_counted(doc.title)
    bstems, bwords, bn = _tokenize_counted(doc.body)
    langs = doc_languages(doc) if doc.lang or doc.tags else None
    if langs is None:
        is_ascii = doc.body.isascii() and doc.title.isascii()
        n = tn + bn
        if _plainly_english(n, len(twords) + len(bwords), is_ascii):
            langs = ()
        else:
            langs = detect_languages(twords + bwords, n, is_ascii)
    return tstems, twords, bstems, bwords, langs


_LANG_KEYS: dict[tuple[str, str], str] = {}


def exact_key(word: str) -> str:
    """``word``'s Porter2 stem *without* folding accents: the words of a
    stem group written as a query word was typed share it with that word
    (``engine.EXACT_BONUS``)."""
    return _porter_stem(word) if fold(word).isascii() else word


@cache
def _stemmer(code: str) -> Callable[[str], str]:
    """Whoosh's stemmer for ``code`` (made once: it builds a class per call)."""
    return whoosh_lang.stemmer_for_language(code)


def lang_key(code: str, word: str) -> str:
    """The key of ``word`` in language ``code`` (its Snowball stem, folded),
    or "" when that stemmer does not apply: Russian stems Cyrillic words,
    the others Latin words; CJK and short words are never stemmed."""
    k = (code, word)
    result = _LANG_KEYS.get(k)
    if result is None:
        result = ""
        folded = fold(word)
        applies = _CYRILLIC_RE.search(word) is not None if code == "ru" else folded.isascii()
        if len(folded) > 2 and applies:
            result = fold(_stemmer(code)(word))
        if len(_LANG_KEYS) < _CACHE_MAX:
            _LANG_KEYS[k] = result
    return result


def analyze(text: str) -> list[str]:
    """The stems of ``text``, in order (what queries, pairs and phrases use)."""
    return tokenize(text)[0]


def words(text: str) -> list[str]:
    """The indexed words of ``text``, in order (what ``title`` / ``body`` hold)."""
    return tokenize(text)[1]


def term_hash(term: str) -> int:
    """Stable odd 32-bit hash of a stem, for ``seq`` (never equals SEQ_SEP)."""
    h = _HASHES.get(term)
    if h is None:
        h = crc32(term.encode("utf-8")) | 1
        if len(_HASHES) < _CACHE_MAX:
            _HASHES[term] = h
    return h


def _seq_part(term: str) -> bytes:
    part = term_hash(term).to_bytes(4, "little")
    if len(_SEQ_PARTS) < _CACHE_MAX:
        _SEQ_PARTS[term] = part
    return part


def seq_bytes(terms: Sequence[str]) -> bytes:
    """Little-endian uint32 hashes of ``terms``: the pattern searched in ``seq``
    (cached 4-byte parts joined: C-level calls when all are cached)."""
    try:
        return b"".join(map(_SEQ_PARTS.__getitem__, terms))
    except KeyError:
        return b"".join([_SEQ_PARTS.get(t) or _seq_part(t) for t in terms])


def prefixes(words: Iterable[str], longest: int = PREFIX_MAX) -> set[str]:
    """The ``prefix`` terms (see :func:`grams`) of ``words``."""
    return {g for w in words for g in grams(w, longest)}


def word_index(
    words_: Iterable[str], lang_words: Mapping[str, Collection[str]] | None = None
) -> tuple[dict[str, tuple[str, ...]], str]:
    """How a segment finds its words by key: {key: words} for the keys whose
    words are not just the key itself (a key missing here stands for
    itself), and all the words, sorted, joined by newlines (for prefixes and
    fuzzy matching). Small to store and quick to load.

    ``lang_words``: {language: the words of notes in it}; those words are
    also filed under their :func:`lang_key` in that language (a word may so
    be in several groups)."""
    ordered = sorted(words_)
    groups: dict[str, list[str]] = {}
    for w in ordered:
        s = stem(w)
        if s:
            groups.setdefault(s, []).append(w)
    if lang_words:
        present = set(ordered)
        for code, ws in sorted(lang_words.items()):
            for w in sorted(present.intersection(ws)):
                k = lang_key(code, w)
                if k and k != stem(w):
                    g = groups.setdefault(k, [])
                    if w not in g:
                        g.append(w)
    special = {s: tuple(sorted(g)) for s, g in groups.items() if g != [s]}
    return special, "\n".join(ordered)


def pairs(stems: list[str], common: Collection[str]) -> list[str]:
    """Bigrams "a b" of adjacent stems that are both common (see ``pairs``).

    (A comprehension: C-level ``map``/``compress`` over ``pairwise`` measured
    ~40% slower, building a tuple for every adjacent pair.)"""
    return [f"{a} {b}" for a, b in pairwise(stems) if a in common and b in common]


def day_ordinal(day: str) -> int:
    """Date ordinal of "YYYY-MM-DD" (0 if the caller passed something else)."""
    try:
        return dt.date.fromisoformat(day[:10]).toordinal()
    except ValueError:
        return 0


def newest_key(day: str, updated: float) -> int:
    """Sort key for "newest first": the day, then the update time."""
    return (day_ordinal(day) << 32) | (int(updated) & 0xFFFFFFFF)


def doc_fields(
    doc: IndexDoc,
    common: frozenset[str],
    analysis: Analysis | None = None,
    with_grams: bool = True,
) -> dict[str, Any]:
    """The keyword arguments for ``writer.add_document`` of one document.

    Used by both the bulk rebuild and incremental updates, so both write the
    exact same postings. ``analysis`` is :func:`analyze_doc` of ``doc`` if the
    caller has it already. Without ``with_grams`` the GRAM_FIELDS are left
    out, for a writer that derives them. Title and body are Counters of their
    words (the field types take counts as they are); a (body, title) pair of
    Counters is a field whose title occurrences weigh TITLE_BOOST (see
    :class:`TermsField`).
    """
    tstems, twords, bstems, bwords, langs = analysis or analyze_doc(doc)
    tcounts, bcounts = Counter(twords), Counter(bwords)
    tpairs = Counter(pairs(tstems, common)) if len(tstems) > 1 else Counter()
    fields = {
        "key": doc.key,
        "kinds": [k.lower() for k in doc.kinds],
        "title": tcounts,
        "_stored_title": doc.title,
        "body": bcounts,
        "pairs": (Counter(pairs(bstems, common)), tpairs),
        "tags": [t.lower().lstrip("#") for t in doc.tags],
        "source": analyze(doc.source) if doc.source else [],
        "day": doc.day,
        "newest": newest_key(doc.day, doc.updated),
        "seq": seq_bytes(tstems) + _SEP_BYTES + seq_bytes(bstems),
    }
    if langs:  # not a field: the bulk writer files these words by language
        fields["_langs"] = langs
    if with_grams:
        fields["prefix"] = prefix_grams(bcounts)
        fields["tprefix"] = prefix_grams(tcounts)
    return fields


def common_terms(docs: Iterable[IndexDoc], fraction: float = COMMON_DF) -> frozenset[str]:
    """Stems present in at least ``fraction`` of ``docs`` (a rebuild's sample).

    Only performance depends on this choice, never results: a phrase uses the
    ``pairs`` field only if both stems are in the set the index was built with.
    """
    return common_stems([analyze_doc(d) for d in docs], fraction)


def common_stems(analyses: Collection[Analysis], fraction: float = COMMON_DF) -> frozenset[str]:
    """:func:`common_terms` of documents already analysed (:func:`analyze_doc`)."""
    df: Counter[str] = Counter()
    for tstems, _, bstems, _, _ in analyses:
        df.update(set(tstems).union(bstems))
    n = len(analyses)
    if n < 20:
        return frozenset()
    return frozenset(t for t, c in df.items() if c >= fraction * n)


class PkmAnalyzer(Tokenizer):
    """Whoosh-compatible analyzer yielding exactly the terms of :func:`words`
    (or of :func:`analyze` if ``stemmed``).

    Indexing does not use it (see module docstring); it makes the schema a
    normal Whoosh schema (``field.process_text``, tests).
    """

    def __init__(self, stemmed: bool = False) -> None:
        self.stemmed = stemmed
        self.is_morph = stemmed

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PkmAnalyzer) and other.stemmed == self.stemmed

    __hash__ = None  # type: ignore[assignment]

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        # offsets are those of the normalised text (the same for ASCII text)
        for start, end, tok, s in token_spans(normalize(value)):
            if not s:
                continue
            t.text, t.boost, t.stopped = (s if self.stemmed else tok), 1.0, False
            if keeporiginal:
                t.original = tok
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            pos += 1
            yield t


def _capped(weights: Iterable[int], bound: int) -> Iterable[int]:
    """``weights`` capped at MAX_WEIGHT; as they are if none can exceed it
    (``bound``: their largest possible value), which is always, in practice."""
    return weights if bound <= MAX_WEIGHT else map(min, weights, repeat(MAX_WEIGHT))


class TermsField(fields.FieldType):
    """A scorable field whose value is already analysed.

    The value is a list of terms (one per occurrence), a Counter, a set
    (every weight 1: prefix grams), a plain string (analysed with
    :func:`analyze`), or a (body, title) pair of Counters where a title
    occurrence weighs TITLE_BOOST. Postings carry the weight and no positions
    (the Existence format stores no per-posting value; W3 blocks keep weights).
    """

    def __init__(self, stored: bool = False, weighted: bool = True, stemmed: bool = False) -> None:
        analyzer = PkmAnalyzer(stemmed)
        super().__init__(formats.Existence(), analyzer, scorable=True, stored=stored)
        self.weighted = weighted
        self.stemmed = stemmed

    def postings(self, value: Any) -> tuple[Collection[str], Iterable[int] | None, int]:
        """(terms, their integer weights or None for all 1, field length): the
        bulk writer's input. Terms are distinct; weights in the same order.
        An unweighted field (prefix grams) counts each distinct term once."""
        if not self.weighted or isinstance(value, set | frozenset):
            terms = value if isinstance(value, set | frozenset) else set(self._counts(value))
            return terms, None, len(terms)
        if isinstance(value, tuple) and not value[1]:  # no title occurrences
            value = value[0]
        elif isinstance(value, tuple):
            body, title = value
            merged = Counter(body)
            for t, n in title.items():
                merged[t] += TITLE_BOOST * n
            length = sum(body.values()) + sum(title.values())
            return merged, _capped(merged.values(), length * TITLE_BOOST), length
        counts = self._counts(value)
        length = sum(counts.values())
        return counts, _capped(counts.values(), length), length

    def _counts(self, value: Any) -> Counter[str]:
        if isinstance(value, str):
            value = analyze(value) if self.stemmed else words(value)
        return value if isinstance(value, Counter) else Counter(value)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        """Whoosh's writer path (updates): same terms and weights as
        :meth:`postings`; ``freq`` sums to the same field length."""
        terms, weights, _ = self.postings(value)
        if weights is None:
            for t in terms:
                yield t.encode("utf-8"), 1, 1.0, b""
            return
        if isinstance(value, tuple):
            body, title = value
            freqs: Mapping[str, int] = {t: body.get(t, 0) + title.get(t, 0) for t in terms}
        else:
            freqs = terms  # type: ignore[assignment]  # the Counter itself
        for t, w in zip(terms, weights, strict=True):
            yield t.encode("utf-8"), freqs[t], float(w), b""


class KeywordsField(fields.FieldType):
    """Exact, unscored keywords given as a list (tags, kinds)."""

    def __init__(self, stored: bool = False) -> None:
        super().__init__(formats.Existence(), None, scorable=False, stored=stored)

    weighted = False

    @staticmethod
    def postings(value: Any) -> tuple[Collection[str], Iterable[int] | None, int]:
        return set(value), None, 0

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        for v in set(value):
            yield v.encode("utf-8"), 1, 1.0, b""


def build_schema() -> fields.Schema:
    """The schema; changing it (or the analysis) requires bumping FORMAT."""
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        kinds=KeywordsField(stored=True),
        title=TermsField(stored=True),
        body=TermsField(),
        prefix=TermsField(weighted=False),
        tprefix=TermsField(weighted=False),
        pairs=TermsField(),
        tags=KeywordsField(),
        source=TermsField(stemmed=True),
        day=fields.STORED(),
        newest=fields.COLUMN(columns.NumericColumn("q", default=0)),
        seq=fields.COLUMN(columns.VarBytesColumn()),
    )
