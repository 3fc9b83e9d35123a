"""The user's query language, parsed into a small plan the index executes.

Why not ``whoosh.qparser`` and ``whoosh.query``: Whoosh's matcher-based
execution scores one posting at a time through several Python method calls,
too slow for very common words and phrases on a large journal.
``index.py`` executes these plan nodes term-at-a-time over Whoosh's own
posting blocks instead (same BM25F formula): ``python
tests/benchmarks/search.py`` compares the two per query type. The nodes are
plain frozen dataclasses, easy to test.

Language (busy people type it; it must never crash):
words (AND), ``"exact phrase"``, ``prefix*``, ``word~`` / ``word~2`` (fuzzy),
``OR``, ``NOT`` / ``-word``, parentheses, ``tag:x``, ``kind:item|note|daily|
clip|entry|post|response`` (``journal`` = entry), ``source:ft`` / ``source:"Financial
Times"``, ``title:word``, ``day:2024-05-01`` / ``day:2024-05`` / ``day:2024`` /
``day:[2024-01-01 TO 2024-03-31]``, ``after:D`` (from D on, inclusive) and
``before:D`` (up to the day before D), Gmail-style. Unbalanced quotes and
parentheses count as closed. Only field values that cannot mean anything
(``day:notadate``, ``kind:banana``) raise :class:`QueryError`.

Bounds, so that no query can crash or stall a search (issue 11): a query
longer than MAX_QUERY_CHARS, or with parentheses nested deeper than
MAX_DEPTH, raises QueryError with what to do (the parser and the engine
recurse once per level: 1,000 "(" was a RecursionError). A run of NOTs is
read in a loop, two cancelling out ("NOT NOT x" is x), so 2,000 of them need
no recursion. A fuzzy word longer than MAX_FUZZY is searched as a plain word:
Whoosh's Levenshtein automaton costs ~1 ms per letter to build (a
5,000-letter ``word~2`` took 1-8 s), and no real word is that long. An edit
distance of more than 2 is 2, however many digits it has.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from pkm.core.errors import QueryError
from pkm.core.search.schema import (
    PREFIX_MAX,
    TOKEN_RE,
    analyze,
    fold,
    normalize,
    stem,
    tokenize,
    words,
)


@dataclass(frozen=True)
class Word:
    """A stem scored by BM25F over title (boosted) and body, or title only.

    ``word`` is the word as typed (normalised): the engine stems it in the
    index's other languages too, and gives the form typed a bonus. It takes
    no part in equality: a plan is its stems."""

    stem: str
    title_only: bool = False
    word: str = field(default="", compare=False)


@dataclass(frozen=True)
class Prefix:
    """Words starting with ``text`` (lowercase, unstemmed)."""

    text: str
    title_only: bool = False


@dataclass(frozen=True)
class Fuzzy:
    """Words within ``maxdist`` edits of ``word`` (first letter fixed)."""

    word: str
    maxdist: int = 1
    title_only: bool = False


@dataclass(frozen=True)
class Phrase:
    """Adjacent stems (stopwords ignored), in title or body or title only."""

    stems: tuple[str, ...]
    title_only: bool = False


@dataclass(frozen=True)
class Keyword:
    """Unscored exact match in a keyword field (tags, kinds, source)."""

    field: str
    value: str
    prefix: bool = False


@dataclass(frozen=True)
class DayRange:
    """Unscored day filter; date ordinals, inclusive, None = open."""

    lo: int | None
    hi: int | None


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Word | Prefix | Fuzzy | Phrase | Keyword | DayRange | And | Or | Not

KINDS = {
    "entry": "entry",
    "entries": "entry",
    "journal": "entry",
    "note": "note",
    "notes": "note",
    "daily": "daily",
    "clip": "clip",
    "clips": "clip",
    "item": "item",
    "items": "item",
    "post": "post",
    "posts": "post",
    "response": "response",
    "responses": "response",
}
FIELDS = {"tag", "tags", "kind", "source", "title", "day", "date", "after", "before"}
DAY_HELP = "a day is YYYY-MM-DD, YYYY-MM or YYYY, or a range like day:[2020-01-01 TO 2020-03-31]."
#: Longest query, in characters (2,000 characters of words search in ~0.15 s on 5,000 docs).
MAX_QUERY_CHARS = 2000
#: Deepest nesting of parentheses.
MAX_DEPTH = 50
#: Longest word searched fuzzily (``word~``); longer ones are plain words.
MAX_FUZZY = 40

_LEX = re.compile(
    r"""\s*(?:
      (?P<lp>\() | (?P<rp>\)) |
      "(?P<phrase>[^"]*)"? |
      (?P<field>[A-Za-z]+):(?:"(?P<fq>[^"]*)"?|(?P<fr>[\[{][^\]}]*[\]}]?)|(?P<fv>[^\s()"]*)) |
      (?P<neg>-)(?=[^\s-]) | \+ |
      (?P<word>[^\s()"]+)
    )""",
    re.VERBOSE,
)


def _lex(text: str) -> list[tuple[str, str, str]]:
    """(kind, a, b) tokens: ("(" / ")" / "-" / "OR" / "AND" / "NOT", ...),
    ("phrase", text, ""), ("field", name, value), ("word", text, "")."""
    out: list[tuple[str, str, str]] = []
    pos = 0
    while pos < len(text):
        m = _LEX.match(text, pos)
        if m is None or m.end() == pos:  # only whitespace left
            break
        pos = m.end()
        if m["lp"]:
            out.append(("(", "", ""))
        elif m["rp"]:
            out.append((")", "", ""))
        elif m["phrase"] is not None:
            out.append(("phrase", m["phrase"], ""))
        elif m["field"] and m["field"].lower() in FIELDS:
            name = m["field"].lower()
            if m["fq"] is not None:
                out.append(("field", name, '"' + m["fq"]))
            else:
                out.append(("field", name, m["fr"] or m["fv"] or ""))
        elif m["field"]:  # unknown field: plain text such as "re:" or "10:30"
            out.append(("word", m.group().strip(), ""))
        elif m["neg"]:
            out.append(("-", "", ""))
        elif m["word"]:
            w = m["word"]
            out.append((w, "", "") if w in ("OR", "AND", "NOT", "||", "&&") else ("word", w, ""))
    return out


def _words(text: str, title_only: bool = False) -> Node | None:
    """Free text (one token as typed) -> Word, Phrase (several stems) or None."""
    stems, found = tokenize(text)
    if not stems:
        return None
    if len(stems) == 1:
        return Word(stems[0], title_only, found[0])
    return Phrase(tuple(stems), title_only)


def _prefix(text: str, title_only: bool = False) -> Node | None:
    """``foo-ba*``: earlier words must appear, the last one is a prefix
    (folded: ``reu`` and ``réu`` both find "réunion")."""
    toks = TOKEN_RE.findall(normalize(text))
    if not toks:
        return None
    last = Prefix(fold(toks[-1]), title_only)
    rest = [_words(t, title_only) for t in toks[:-1]]
    return _and([n for n in rest if n is not None] + [last])


def _term(text: str, title_only: bool = False, as_prefix: bool = False) -> Node | None:
    """A bare word as typed: plain, ``prefix*``, or ``fuzzy~N``."""
    if text.endswith("*"):
        return _prefix(text.rstrip("*"), title_only)
    m = re.fullmatch(r"(.*?)~(\d*)", text)
    if m and m[1]:
        found = words(m[1])
        if len(found) == 1 and len(found[0]) <= MAX_FUZZY:
            dist = 2 if len(m[2]) > 1 else min(max(int(m[2] or 1), 1), 2)
            return Fuzzy(found[0], dist, title_only)
        return _words(m[1], title_only)
    node = _words(text, title_only)
    toks = TOKEN_RE.findall(normalize(text)) if as_prefix else []
    if toks and len(toks[-1]) >= 2:  # "c", "x.", "a-": no one-letter prefix
        pre = _prefix(text, title_only)
        return pre if node is None else _or([node, pre])
    return node


def _and(nodes: list[Node]) -> Node | None:
    return None if not nodes else nodes[0] if len(nodes) == 1 else And(tuple(nodes))


def _or(nodes: list[Node]) -> Node | None:
    return None if not nodes else nodes[0] if len(nodes) == 1 else Or(tuple(nodes))


def _period(spec: str, raw: str) -> tuple[int, int]:
    """First and last day ordinal of YYYY, YYYY-MM or YYYY-MM-DD."""
    m = re.fullmatch(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?", spec.strip())
    try:
        if not m:
            raise ValueError(spec)
        y = int(m[1])
        if m[3]:
            d = dt.date(y, int(m[2]), int(m[3]))
            return d.toordinal(), d.toordinal()
        if m[2]:
            mo = int(m[2])
            last = calendar.monthrange(y, mo)[1]
            return dt.date(y, mo, 1).toordinal(), dt.date(y, mo, last).toordinal()
        return dt.date(y, 1, 1).toordinal(), dt.date(y, 12, 31).toordinal()
    except (ValueError, calendar.IllegalMonthError) as e:
        raise QueryError(f"Cannot search for '{raw}': {DAY_HELP}") from e


def _day(name: str, value: str) -> Node | None:
    raw = f"{name}:{value}"
    if name in ("after", "before"):
        lo, hi = _period(value, raw)
        return DayRange(lo, None) if name == "after" else DayRange(None, lo - 1)
    if value[:1] in "[{":
        inner = value[1:].rstrip("]}")
        if not inner.strip():
            return None  # "day:[" while typing
        parts = re.split(r"\s+TO\s+", inner.strip(), flags=re.IGNORECASE)
        if len(parts) != 2:
            raise QueryError(f"Cannot search for '{raw}': {DAY_HELP}")
        a, b = (p.strip() for p in parts)
        lo = None if a in ("*", "") else _period(a, raw)[0]
        hi = None if b in ("*", "") else _period(b, raw)[1]
        return DayRange(lo, hi)
    return DayRange(*_period(value, raw))


def _field(name: str, value: str, as_prefix: bool) -> Node | None:
    """One ``name:value`` token -> node; None when the value is still empty."""
    quoted = value.startswith('"')
    text = value[1:] if quoted else value
    if not text.strip():
        return None
    if name in ("tag", "tags"):
        tag = text.strip().lower().lstrip("#")
        if tag.endswith("*") and not quoted:
            return Keyword("tags", tag.rstrip("*"), prefix=True) if tag.rstrip("*") else None
        return Keyword("tags", tag) if tag else None
    if name == "kind":
        v = text.strip().lower()
        # the name, or an unambiguous beginning of one ("kind:it", "kind:jour")
        starts = {kind for name, kind in KINDS.items() if name.startswith(v)}
        kind = KINDS.get(v) or (starts.pop() if len(starts) == 1 else None)
        if kind is None:
            raise QueryError(
                f"Cannot search for 'kind:{text}': "
                "use kind:entry (or journal), kind:daily, kind:note, kind:clip, kind:item, "
                "kind:post or kind:response."
            )
        return Keyword("kinds", kind)
    if name == "source":
        return _and([Keyword("source", s) for s in analyze(text)])
    if name == "title":
        if quoted:
            return _words(text, title_only=True)
        return _term(text, title_only=True, as_prefix=as_prefix)
    return _day("day" if name == "date" else name, text.strip())


class _Parser:
    """Recursive descent over :func:`_lex` tokens; forgiving by design."""

    def __init__(self, tokens: list[tuple[str, str, str]], as_you_type: bool) -> None:
        self.toks = tokens
        self.i = 0
        self.depth = 0
        # index of the token to complete as a prefix (as-you-type), or -1
        self.complete = -1
        if as_you_type and tokens and tokens[-1][0] == "word":
            self.complete = len(tokens) - 1

    def peek(self) -> str | None:
        return self.toks[self.i][0] if self.i < len(self.toks) else None

    def parse(self) -> Node | None:
        nodes = []
        while self.peek() is not None:
            node = self.or_expr()
            if node is not None:
                nodes.append(node)
            if self.peek() == ")":  # stray closing parenthesis: ignore it
                self.i += 1
        return _and(nodes)

    def or_expr(self) -> Node | None:
        nodes = [self.and_expr()]
        while self.peek() in ("OR", "||"):
            self.i += 1
            nodes.append(self.and_expr())
        return _or([n for n in nodes if n is not None])

    def and_expr(self) -> Node | None:
        nodes: list[Node] = []
        while self.peek() not in (None, ")", "OR", "||"):
            if self.peek() in ("AND", "&&"):
                self.i += 1
                continue
            node = self.unary()
            if node is not None:
                nodes.append(node)
        return _and(nodes)

    def unary(self) -> Node | None:
        negate = False
        while self.peek() in ("NOT", "-"):  # a loop, not recursion: "NOT " * 2000
            self.i += 1
            negate = not negate
        if self.peek() in (None, ")", "OR", "||"):
            return None  # dangling NOT while typing
        if negate:
            child = self.unary()
            return None if child is None else Not(child)
        kind = self.peek()
        if kind == "(":
            if self.depth >= MAX_DEPTH:
                raise QueryError(
                    f"This search nests parentheses more than {MAX_DEPTH} deep; "
                    "remove some and search again."
                )
            self.i += 1
            self.depth += 1
            node = self.or_expr()
            if self.peek() == ")":
                self.i += 1
            self.depth -= 1
            return node
        kind, a, b = self.toks[self.i]
        last = self.i == self.complete
        self.i += 1
        if kind == "phrase":
            return _words(a)
        if kind == "field":
            return _field(a, b, last)
        return _term(a, as_prefix=last)


def parse(text: str, as_you_type: bool = False) -> Node | None:
    """Parse a query; None means "nothing to search for" (no hits, no error).

    With ``as_you_type`` the last bare word (if its last token has at least
    2 chars and no space follows) also matches as a prefix: "strat" finds
    "strategy"; "c++" is the word c++, never the prefix "c".
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"This search is {len(text):,} characters long; pkm searches up to "
            f"{MAX_QUERY_CHARS:,}. Shorten it and search again."
        )
    tokens = _lex(text)
    if as_you_type and text[-1:].isspace():
        as_you_type = False
    return _Parser(tokens, as_you_type).parse()


#: How many titles one letter lists (see :func:`single_letter`).
LETTER_TITLES = 30


def single_letter(text: str) -> str | None:
    """The letter (or digit), lowercase, when the whole query is one; else None.

    Decision (issue 16): a word of one letter is not indexed, and as a prefix
    it would match nearly everything, so a trailing one-letter word is never
    completed ("board s" is "board"). The one exception is a query of just
    one letter typed as you type (the window, and ``pkm search`` unless it
    ends with a space): it lists up to LETTER_TITLES entries and items whose
    title has a word starting with that letter, newest first, as
    ``title:x*`` sorted by newest would, and says so (``SearchResults.note``)
    so the user knows why these came up.
    """
    t = text.strip()
    if len(t) == 1 and t.isalnum() and text[-1:] == t:
        return t.lower()
    return None


def letter_titles(letter: str) -> Node:
    """The query behind :func:`single_letter`: titles with a word starting so
    (folded, as the prefix grams are: "é" lists "Équipe" and "Ecole")."""
    return Prefix(fold(normalize(letter)), title_only=True)


def highlight_terms(node: Node | None) -> tuple[set[str], set[str], list[tuple[str, ...]]]:
    """(stems, prefixes, phrases) a hit may show in bold; negated parts excluded."""
    stems: set[str] = set()
    pres: set[str] = set()
    phrases: list[tuple[str, ...]] = []

    def walk(n: Node | None) -> None:
        if isinstance(n, Word):
            stems.add(n.stem)
        elif isinstance(n, Fuzzy):
            stems.add(stem(n.word))
        elif isinstance(n, Prefix):
            pres.add(n.text)
        elif isinstance(n, Phrase):
            phrases.append(n.stems)
        elif isinstance(n, And | Or):
            for c in n.children:
                walk(c)

    walk(node)
    return stems, pres, phrases


def is_long_prefix(text: str) -> bool:
    """Prefixes longer than PREFIX_MAX expand over whole words at search time."""
    return len(text) > PREFIX_MAX


__all__ = [
    "And",
    "DayRange",
    "Fuzzy",
    "Keyword",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "Prefix",
    "Word",
    "highlight_terms",
    "is_long_prefix",
    "letter_titles",
    "parse",
    "single_letter",
]
