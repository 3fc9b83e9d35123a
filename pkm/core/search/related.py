"""Related notes: the few notes and articles most like the text being written, and why.

The seeds' "links between ideas", offline. This is Whoosh's ``more_like_this``
idea on pkm's own engine: the text's key terms (its words weighted by how
often it uses them and how rare they are in the whole index: tf·idf), asked
as one OR query, best matches first, with the terms each match shares
("shares: trust, networks"). Words in almost every note (the index's common
terms) and words only this note has say nothing about a connection and are
left out.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from pkm.core.search import query as q
from pkm.core.search.engine import Run
from pkm.core.search.schema import COMMON_DF, stem, words

KEY_TERMS = 12  # terms asked; more mostly adds noise (and time) for a note of any length
MIN_WORD = 3  # shorter words are rarely what a note is about
SHARED_SHOWN = 3  # "shares: a, b, c"
#: Words that say nothing about what a note is about. A large index drops them as common
#: terms anyway; this keeps a young journal's (a few dozen notes) connections meaningful.
WEAK = frozenset(
    [
        "one",
        "two",
        "three",
        "also",
        "want",
        "wants",
        "wanted",
        "like",
        "get",
        "got",
        "make",
        "made",
        "new",
        "use",
        "used",
        "need",
        "needs",
        "way",
        "thing",
        "things",
        "just",
        "really",
        "much",
        "many",
        "good",
        "time",
        "today",
        "week",
        "still",
    ]
)


@dataclass(frozen=True)
class Related:
    key: str  # "entry:12" / "item:4"
    kinds: tuple[str, ...]
    title: str
    day: str
    score: float
    shares: tuple[str, ...]  # the words it shares with the text, most telling first

    def as_dict(self) -> dict:
        prefix, _, num = self.key.partition(":")
        return {
            "id": int(num) if num.isdigit() else num,
            "kind": self.kinds[-1] if self.kinds else prefix,
            "title": self.title,
            "day": self.day,
            "score": round(self.score, 4),
            "shares": list(self.shares),
        }


def key_terms(
    run: Run, text: str, limit: int = KEY_TERMS, *, indexed: bool = True
) -> list[tuple[q.Word, str, float]]:
    """(query word, the word as written, weight) of the text's most telling terms.

    ``indexed``: the text is (nearly) a document of the index, so every count of
    documents includes that one; a word only it has links it to nothing.
    """
    own = 1 if indexed else 0
    counts: Counter[str] = Counter()
    surface: dict[str, str] = {}
    for w in words(text):
        if len(w) < MIN_WORD or w.isdigit() or w in WEAK:
            continue
        s = stem(w)
        if not s:  # a stopword
            continue
        counts[s] += 1
        surface.setdefault(s, w)
    n = max(run.n_all, 1)
    # "Nearly every note": the index's common share, but never fewer than half of a small index.
    too_common = max(COMMON_DF * n, n / 2)
    scored = []
    for s, tf in counts.items():
        if s in run.common:
            continue
        node = q.Word(s, word=surface[s])
        term = run.word_term(node)
        # documents, roughly (a word is often in both fields), not counting the text's own
        df = max(run.df("title", term), run.df("body", term)) - own
        if df < 1 or df > too_common:  # in no other note, or in nearly every note
            continue
        weight = (1 + math.log(tf)) * math.log((n + 1) / (df + own))
        scored.append((node, surface[s], weight))
    scored.sort(key=lambda t: -t[2])
    return scored[:limit]


def related(
    run: Run, text: str, exclude: set[str], limit: int, *, indexed: bool = True
) -> list[Related]:
    """The ``limit`` documents most like ``text``, none of ``exclude`` (keys)."""
    terms = key_terms(run, text, indexed=indexed)
    if not terms:
        return []
    node = q.Or(tuple(t[0] for t in terms))
    top, _total = run.top(node, limit + len(exclude), newest=False)
    picked = []
    for seg, d, score in top:
        stored = run.stored(seg, d)
        if stored["key"] in exclude:
            continue
        picked.append((seg, d, score, stored))
        if len(picked) == limit:
            break
    # Why: which of the key terms each match holds (per segment, one evaluation a term).
    has: dict[tuple[int, int], list[str]] = {(seg, d): [] for seg, d, _, _ in picked}
    for word_node, written, _w in terms:
        for seg in {seg for seg, _d in has}:
            found = run.eval(word_node, seg)
            for (s, d), shared in has.items():
                if s == seg and d in found and len(shared) < SHARED_SHOWN:
                    shared.append(written)
    return [
        Related(
            key=stored["key"],
            kinds=tuple(stored.get("kinds") or ()),
            title=stored.get("title") or "",
            day=stored.get("day") or "",
            score=score,
            shares=tuple(has[(seg, d)]),
        )
        for seg, d, score, stored in picked
    ]
