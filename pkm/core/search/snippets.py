"""Fast highlighted snippets for search hits.

Why not Whoosh's highlighter: it re-runs the analyzer pipeline (a Token per
word per filter) and its fragment scoring over the whole text; on a 2 KB
body that costs milliseconds per hit. Here one regex pass over the text, the
same cached stemmer as the index (so "running" lights up for a search on
"runs"), looking only at tokens that start like a query term, and a sliding
window over the match offsets: well under 0.1 ms per 2 KB hit.

Text with non-ASCII characters is matched the way the index analysed it
(``schema.raw_tokens``: NFKC, lowercase, CJK bigrams), every token keyed
with ``schema.stem`` (accents folded), on a normalised copy whose offsets
map back to the original: "réunion" lights up for ``reunion``, the whole
of "Re\u0301union" (stored decomposed) or of "ﬁnance" is in bold, and
overlapping bigrams become one bold run.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Collection, Sequence
from functools import lru_cache

from pkm.core.search.schema import TOKEN_RE, fold, normalize, stem, token_spans

_SPACES = re.compile(r"\s+")
ELLIPSIS = "…"


@lru_cache(maxsize=64)
def _candidates(heads: frozenset[str]) -> re.Pattern[str]:
    """Regex for the tokens that may match: those starting with a head, in
    lowercased text. The heads come first, with no look-behind and no
    IGNORECASE, so that the regex engine skips ahead to a head's first
    letter: 6x faster over a 3 KB body (issue 16, "Scale"); a match that
    starts inside a word is dropped by :func:`_matches`."""
    alts = "|".join(re.escape(h) for h in sorted(heads, key=len, reverse=True))
    end = r"(?:(?<=[^\W\d_])(?:\+\+|#)(?![\w+#]))?"  # c++, c# (TOKEN_RE)
    return re.compile(rf"(?:{alts})\w*(?:\.?\w+)*{end}")


def _head(stem_: str) -> str:
    """What a word with this stem starts with: Porter2 only rewrites the end
    of a word ("happy" -> "happi", "hoping" -> "hope"), so drop one char;
    it leaves "c++" and "c#" as they are."""
    if stem_[-1:] in ("+", "#"):
        return stem_
    return stem_[:-1] if len(stem_) > 2 else stem_


def _phrase_end(text: str, pos: int, rest: Sequence[str]) -> int:
    """End offset if the tokens after ``pos`` (stopwords skipped) are ``rest``, else -1."""
    k = 0
    end = pos
    while k < len(rest):
        m = TOKEN_RE.search(text, pos)
        if m is None:
            return -1
        s = stem(m.group().lower())
        pos = m.end()
        if not s:
            continue
        if s != rest[k]:
            return -1
        end = pos
        k += 1
    return end


def _normalized(text: str) -> tuple[str, list[int] | None]:
    """(``schema.normalize(text)``, for each of its characters the offset of
    the original character it came from plus one for the end, or None when
    the offsets are the same)."""
    low = normalize(text)
    if len(low) == len(text) and unicodedata.is_normalized("NFKC", text):
        return low, None
    out: list[str] = []
    offsets: list[int] = []
    i, n = 0, len(text)
    while i < n:  # a character with the marks (or Hangul jamo) that follow it
        j = i + 1
        while j < n and (unicodedata.combining(text[j]) or "\u1160" <= text[j] <= "\u11ff"):
            j += 1
        part = normalize(text[i:j])
        out.append(part)
        offsets.extend([i] * len(part))
        i = j
    offsets.append(n)
    return "".join(out), offsets


def _matches_unicode(
    text: str,
    stems: Collection[str],
    prefixes: Collection[str],
    phrases: Sequence[Sequence[str]],
) -> list[tuple[int, int, str]]:
    """:func:`_matches` for text with non-ASCII characters: every token
    looked at, on the normalised text, spans mapped back and merged."""
    norm, offsets = _normalized(text)
    toks = [t for t in token_spans(norm) if t[3]]
    pres = tuple(prefixes)
    found: list[tuple[int, int, str]] = []
    for s, e, tok, key in toks:
        if key in stems or (pres and fold(tok).startswith(pres)):
            found.append((s, e, key))
    keys = [t[3] for t in toks]
    for p in phrases:
        n = len(p)
        for i in range(len(keys) - n + 1):
            if keys[i] == p[0] and keys[i : i + n] == list(p):
                found.append((toks[i][0], toks[i + n - 1][1], " ".join(p)))
    found.sort(key=lambda t: (t[0], -t[1]))
    merged: list[tuple[int, int, str]] = []
    for t in found:  # overlapping bigrams and phrases: one run
        if merged and t[0] < merged[-1][1]:
            if t[1] > merged[-1][1]:
                merged[-1] = (merged[-1][0], t[1], merged[-1][2])
            continue
        merged.append(t)
    if offsets is None:
        return merged
    return [(offsets[s], offsets[e], t) for s, e, t in merged]


def _matches(
    text: str,
    stems: Collection[str],
    prefixes: Collection[str],
    phrases: Sequence[Sequence[str]],
) -> list[tuple[int, int, str]]:
    """(start, end, term) of every word of ``text`` the query matched.

    Only tokens starting like a query term are looked at (one regex pass);
    phrases are checked forward from their first word.
    """
    phrases = [p for p in phrases if p]
    if not text.isascii():
        return _matches_unicode(text, stems, prefixes, phrases)
    heads = {_head(x) for x in stems} | set(prefixes) | {_head(p[0]) for p in phrases}
    heads.discard("")
    if not heads:
        return []
    pres = tuple(prefixes)
    out: list[tuple[int, int, str]] = []
    low = text.lower()  # ASCII: the same offsets
    for m in _candidates(frozenset(heads)).finditer(low):
        start = m.start()
        if start and (low[start - 1].isalnum() or low[start - 1] == "_"):
            continue  # inside a word
        word = m.group()
        s = stem(word)
        if (s and s in stems) or (pres and word.startswith(pres)):
            out.append((m.start(), m.end(), s or word))
        for p in phrases:
            if s == p[0]:
                end = _phrase_end(text, m.end(), p[1:])
                if end != -1:
                    out.append((m.start(), end, " ".join(p)))
    if phrases:  # phrase spans may overlap single-word matches: keep the widest
        out.sort(key=lambda t: (t[0], -t[1]))
        merged: list[tuple[int, int, str]] = []
        for t in out:
            if merged and t[0] < merged[-1][1]:
                continue
            merged.append(t)
        return merged
    return out


def _window(matches: list[tuple[int, int, str]], width: int) -> tuple[int, int]:
    """Span (first match start, last match end) of the densest ``width`` window:
    most distinct terms, then most matches."""
    best = (0, 0)
    span = (matches[0][0], matches[0][1])
    r = 0
    for left in range(len(matches)):
        r = max(r, left)
        while r + 1 < len(matches) and matches[r + 1][1] - matches[left][0] <= width:
            r += 1
        window = matches[left : r + 1]
        score = (len({t for _, _, t in window}), len(window))
        if score > best:
            best, span = score, (matches[left][0], matches[r][1])
    return span


def _render(text: str, start: int, end: int, matches: list[tuple[int, int, str]]) -> str:
    """Escape ``text[start:end]``, bold the matches inside, collapse spaces."""
    parts = []
    pos = start
    for s, e, _ in matches:
        if s < start or e > end:
            continue
        parts.append(html.escape(_SPACES.sub(" ", text[pos:s])))
        parts.append("<b>" + html.escape(_SPACES.sub(" ", text[s:e])) + "</b>")
        pos = e
    parts.append(html.escape(_SPACES.sub(" ", text[pos:end])))
    return "".join(parts)


def _last_space(text: str, lo: int, hi: int) -> re.Match[str] | None:
    """The last run of whitespace in ``text[lo:hi]``, or None."""
    found = None
    for found in _SPACES.finditer(text, lo, hi):  # noqa: B007 (the last one is wanted)
        pass
    return found


def _word_bounds(
    text: str, start: int, end: int, matches: list[tuple[int, int, str]]
) -> tuple[int, int]:
    """Move ``start`` and ``end`` to word boundaries, so "…" never sits inside
    a word (issue 16: the cut used to land inside the first or last word of
    the text, or after a newline).

    ``start`` goes back to just after the nearest whitespace within 20 chars,
    or to 0 when the text begins within them (the cut was in its first word);
    failing both, forward to the next whitespace before the first match.
    ``end`` goes forward to the next whitespace within 20 chars, or to the
    end of the text when it ends within them (the cut was in its last word);
    failing both, back to the last whitespace after the last match. Only a
    single "word" longer than the snippet (a huge URL) is still cut.
    """
    first = min((s for s, e, _ in matches if s >= start), default=end)
    last = max((e for s, e, _ in matches if e <= end), default=start)
    if start > 0 and not text[start - 1].isspace():
        lo = max(0, start - 20)
        m = _last_space(text, lo, start)
        if m is not None:
            start = m.end()
        elif lo == 0:
            start = 0
        else:
            m = _SPACES.search(text, start, max(start, first))
            if m is not None:
                start = m.end()
    if end < len(text) and not text[end].isspace():
        hi = min(len(text), end + 20)
        m = _SPACES.search(text, end, hi)
        if m is not None:
            end = m.start()
        elif hi == len(text):
            end = len(text)
        else:
            m = _last_space(text, min(last, end), end)
            if m is not None:
                end = m.start()
    return start, end


def make_snippet(
    text: str,
    stems: Collection[str] = (),
    prefixes: Collection[str] = (),
    phrases: Sequence[Sequence[str]] = (),
    width: int = 200,
) -> str:
    """HTML-safe excerpt of about ``width`` chars around the best matches.

    ``stems`` are query stems, ``prefixes`` lowercase word prefixes,
    ``phrases`` stem sequences that must be adjacent. ``width=0`` renders the
    whole text (titles). No match: the beginning of the text. Cut ends get "…".
    """
    if not text:
        return ""
    matches = _matches(text, stems, prefixes, phrases) if (stems or prefixes or phrases) else []
    if width <= 0 or len(text) <= width:
        return _render(text, 0, len(text), matches).strip()
    if matches:
        ms, me = _window(matches, width)
        slack = max(0, width - (me - ms))
        start = max(0, ms - slack // 3)
        end = min(len(text), max(me, start + width))
        start = max(0, min(start, end - width))
    else:
        start, end = 0, width
    start, end = _word_bounds(text, start, end, matches)
    body = _render(text, start, end, matches).strip()
    return (ELLIPSIS if start > 0 else "") + body + (ELLIPSIS if end < len(text) else "")
