"""Issue 16, "as-you-type and the small things": the CLI completes the last
word, one letter lists recent titles, ``c++`` / ``C#`` are whole words,
snippets never cut a word in half."""

from __future__ import annotations

import html
import random
import re

from pkm.core.search.schema import stem, words
from pkm.core.search.snippets import ELLIPSIS, make_snippet

_SPACES = re.compile(r"\s+")


def _cut_mid_word(text: str, snippet: str) -> bool:
    plain = html.unescape(re.sub(r"<[^>]+>", "", snippet)).strip(ELLIPSIS)
    col = _SPACES.sub(" ", text)
    i = col.find(plain)
    assert i >= 0, (plain, col)
    j = i + len(plain)
    return (i > 0 and col[i - 1].isalnum() and plain[0].isalnum()) or (
        j < len(col) and col[j].isalnum() and plain[-1].isalnum()
    )


def test_snippet_cut_in_first_word_starts_at_the_text():
    text = "Extraordinarily " + "plain filler words " * 3 + "target " + "tail words " * 30
    sn = make_snippet(text, {stem("target")})
    assert not _cut_mid_word(text, sn), sn
    assert not sn.startswith(ELLIPSIS)


def test_snippet_cut_in_last_word_ends_at_the_text():
    text = "head words " * 2 + "target " + "more filler " * 14 + "Extraordinarily" * 2
    sn = make_snippet(text, {stem("target")})
    assert not _cut_mid_word(text, sn), sn


def test_snippet_cut_after_newlines_keeps_words_whole():
    text = "\n".join(["incomprehensibilities"] * 20 + ["target"] + ["incomprehensibilities"] * 20)
    sn = make_snippet(text, {stem("target")})
    assert not _cut_mid_word(text, sn), sn


def test_snippets_never_cut_a_word_in_half():
    rng = random.Random(5)
    vocab = ["a", "of", "strategy", "ox", "incomprehensibilities", "plan", "x" * 15, "market"]
    bad = []
    for _ in range(400):
        sep = rng.choice([" ", "\n", " \n"])
        text = sep.join(rng.choice(vocab) for _ in range(rng.randint(30, 90)))
        ws = words(text)
        for w in (ws[0], ws[-1], rng.choice(ws)):
            sn = make_snippet(text, {stem(w)})
            if _cut_mid_word(text, sn):
                bad.append(sn)
    assert not bad, bad[:3]
