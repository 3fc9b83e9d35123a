"""The Whoosh schema of the search index, and the one text analysis it uses.

Why custom field types: Whoosh's analyzer pipeline builds a Python ``Token``
per word per filter, which makes bulk indexing crawl (~200 docs/s). Here one
function, :func:`analyze`, turns text into terms (regex ``findall`` on the
lowercased text, a stopword set, a dict-cached Porter stemmer), and the field
types call it directly in ``index()``. Queries are analysed by the *same*
function (see ``query.py``), so index-time and query-time terms cannot drift
apart. A Whoosh-compatible :class:`PkmAnalyzer` wraps it for code that wants
Tokens (``field.process_text``, tests).

Fields (only ``key``, ``kinds``, ``title`` and ``day`` are stored: SQLite
holds the bodies):

* ``title`` / ``body``: stemmed words with positions (phrases), BM25F-scored.
* ``tprefix`` / ``bprefix``: edge n-grams (1..PREFIX_MAX chars) of the
  unstemmed words of title / body, plus every longer word whole. ``smo*`` is
  one term lookup instead of an expansion to thousands of terms; a prefix
  longer than PREFIX_MAX expands only over whole words, which is few.
* ``tags``, ``kinds``: exact keywords. ``source``: stemmed words.
* ``dayn``: the day as a date ordinal (NUMERIC, so ranges are a few terms);
  ``newest``: a column (day ordinal << 32 | updated) for "newest first".
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pickle import dumps
from typing import Any

from whoosh import columns, fields, formats
from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.lang.porter import stem as _porter_stem
from whoosh.system import pack_uint

#: Bump when the schema or the analysis changes: a different number on disk
#: means the index must be rebuilt from SQLite.
INDEX_VERSION = 1

#: Longest prefix indexed as an n-gram (see module docstring).
PREFIX_MAX = 4

#: Field boosts used at query time (title matches outrank body matches).
TITLE_BOOST = 2.5

TOKEN_RE = re.compile(r"\w+(?:\.?\w+)*")
STOPWORDS: frozenset[str] = frozenset(STOP_WORDS)

# word (lowercase) -> stem, or "" for a word that is not indexed (stopword or
# shorter than 2 chars). Module-level so every analysis shares it; bounded so
# a huge corpus of junk tokens cannot grow it without limit.
_STEMS: dict[str, str] = {}
_STEMS_MAX = 200_000


def _stem_slow(word: str) -> str:
    if len(word) < 2 or word in STOPWORDS:
        result = ""
    else:
        result = _porter_stem(word)
    if len(_STEMS) < _STEMS_MAX:
        _STEMS[word] = result
    return result


def stem(word: str) -> str:
    """Stem one lowercase word; "" if the word is a stopword or too short."""
    result = _STEMS.get(word)
    return _stem_slow(word) if result is None else result


def words(text: str) -> list[str]:
    """Lowercase tokens of ``text`` that are indexed (no stopwords), unstemmed."""
    get = _STEMS.get
    out = []
    for w in TOKEN_RE.findall(text.lower()):
        s = get(w)
        if s is None:
            s = _stem_slow(w)
        if s:
            out.append(w)
    return out


def analyze(text: str) -> list[str]:
    """The terms of ``text`` in order: lowercase, stopwords dropped, stemmed.

    Positions are list indexes, i.e. stopwords do not leave gaps (like
    Whoosh's ``StopFilter(renumber=True)``), so the phrase "state of the art"
    is the phrase "state art".
    """
    get = _STEMS.get
    out = []
    append = out.append
    for w in TOKEN_RE.findall(text.lower()):
        s = get(w)
        if s is None:
            s = _stem_slow(w)
        if s:
            append(s)
    return out


def prefixes(text: str, longest: int = PREFIX_MAX) -> Counter[str]:
    """Edge n-grams (1..longest chars) of the indexed words, counted; words
    longer than ``longest`` are also counted whole (for long prefixes)."""
    counts = Counter(words(text))
    grams: Counter[str] = Counter()
    for w, n in counts.items():
        for i in range(1, min(len(w), longest) + 1):
            grams[w[:i]] += n
        if len(w) > longest:
            grams[w] += n
    return grams


class PkmAnalyzer(Tokenizer):
    """Whoosh-compatible analyzer that yields exactly the terms of :func:`analyze`.

    The fields index through :func:`analyze` directly; this exists so the
    schema is a normal Whoosh schema (``process_text``, highlighting, tests).
    """

    is_morph = True

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
        for m in TOKEN_RE.finditer(value.lower()):
            s = stem(m.group())
            if not s:
                continue
            t.text = s
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = m.group()
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + m.start()
                t.endchar = start_char + m.end()
            pos += 1
            yield t


def _encode_positions(poslist: list[int]) -> bytes:
    """Same bytes as ``formats.Positions().encode`` (delta-coded, pickled)."""
    deltas = []
    base = 0
    for p in poslist:
        deltas.append(p - base)
        base = p
    return pack_uint(len(deltas)) + dumps(deltas, 2)


class StemmedText(fields.FieldType):
    """Scorable stemmed text; ``index()`` bypasses the Token pipeline."""

    def __init__(self, positions: bool = True, stored: bool = False) -> None:
        fmt = formats.Positions() if positions else formats.Frequency()
        super().__init__(fmt, PkmAnalyzer(), scorable=True, stored=stored)
        self.positions = positions

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        terms = analyze(value)
        if self.positions:
            poses: defaultdict[str, list[int]] = defaultdict(list)
            for i, t in enumerate(terms):
                poses[t].append(i)
            for t, pl in poses.items():
                n = len(pl)
                yield t.encode("utf-8"), n, float(n), _encode_positions(pl)
        else:
            for t, n in Counter(terms).items():
                yield t.encode("utf-8"), n, float(n), pack_uint(n)


class PrefixText(fields.FieldType):
    """Edge n-grams of unstemmed words (see :func:`prefixes`), with frequencies
    so a prefix query is ranked by BM25 like a word."""

    def __init__(self, longest: int = PREFIX_MAX) -> None:
        super().__init__(formats.Frequency(), PkmAnalyzer(), scorable=True)
        self.longest = longest

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        for g, n in prefixes(value, self.longest).items():
            yield g.encode("utf-8"), n, float(n), pack_uint(n)


class Keywords(fields.FieldType):
    """Exact, unscored keywords given as a sequence (tags, kinds)."""

    def __init__(self, stored: bool = False) -> None:
        super().__init__(formats.Existence(), None, stored=stored)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        for v in set(value):
            yield v.encode("utf-8"), 1, 1.0, b""


def build_schema() -> fields.Schema:
    """The schema; changing it (or the analysis) requires bumping INDEX_VERSION."""
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        kinds=Keywords(stored=True),
        title=StemmedText(stored=True),
        body=StemmedText(),
        tprefix=PrefixText(),
        bprefix=PrefixText(),
        tags=Keywords(),
        source=StemmedText(),
        dayn=fields.NUMERIC(int, bits=32, signed=False),
        day=fields.STORED(),
        newest=fields.COLUMN(columns.NumericColumn("q")),
    )
