"""Issue 16, "as-you-type and the small things": the CLI completes the last
word, one letter lists recent titles, ``c++`` / ``C#`` are whole words,
snippets never cut a word in half."""

from __future__ import annotations

import html
import random
import re

import pytest

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


# -- one letter, c++ / C#, the trailing one-letter word ----------------------


def _doc(n: int, title: str, body: str, day: str):
    from pkm.core.search import IndexDoc

    return IndexDoc(f"entry:{n}", ("entry", "note"), title, body, day)


_DOCS = [
    _doc(1, "Learning C++ templates", "Templates in C++ are compile-time code.", "2024-01-01"),
    _doc(2, "C# async patterns", "Tasks and await in C# and F# code.", "2024-02-01"),
    _doc(3, "Cooking curry", "Chop the carrots, cumin, coriander, chilli.", "2024-03-01"),
    _doc(4, "Board strategy", "The board discussed the strategy and the cost.", "2024-04-01"),
    _doc(5, "Chess club notes", "Castling, checks and a calm endgame.", "2024-05-01"),
    _doc(6, "Knowledge management", "Knowledge work and the knowledge base.", "2024-06-01"),
]


@pytest.fixture
def six(tmp_path):
    from pkm.core.search import SearchIndex

    index = SearchIndex(tmp_path / "index")
    assert index.rebuild(_DOCS) == len(_DOCS)
    yield index
    index.close()


def _keys(index, query, **kw):
    return [h.key for h in index.search(query, **kw).hits]


@pytest.mark.parametrize("query", ["c++", "C++", "c++ ", "learning c++"])
def test_c_plus_plus_is_a_word_not_a_one_letter_prefix(six, query):
    assert _keys(six, query, as_you_type=True) == ["entry:1"]
    assert _keys(six, query) == ["entry:1"]


@pytest.mark.parametrize(
    ("query", "key"), [("C#", "entry:2"), ("f#", "entry:2"), ("c#", "entry:2")]
)
def test_c_sharp_and_f_sharp_are_words(six, query, key):
    assert _keys(six, query, as_you_type=True) == [key]


def test_symbol_words_are_highlighted(six):
    hit = six.search(
        "C#", fetch_text=lambda ks: {d.key: d.body for d in _DOCS if d.key in ks}
    ).hits[0]
    assert "<b>C#</b>" in hit.title_html and "<b>C#</b>" in hit.snippet


def test_a_trailing_one_letter_word_is_not_a_prefix(six):
    assert _keys(six, "board c", as_you_type=True) == ["entry:4"]
    assert _keys(six, "board c-", as_you_type=True) == ["entry:4"]


def test_one_letter_lists_the_newest_titles_with_that_letter(six):
    res = six.search("c", as_you_type=True)
    assert [h.key for h in res.hits] == ["entry:5", "entry:3", "entry:2", "entry:1"]
    assert "“c”" in res.note and "titles" in res.note.lower()
    assert "<b>" in res.hits[0].title_html
    # not as you type, or with a space after it: a one-letter word finds nothing
    assert six.search("c").hits == [] and six.search("c ", as_you_type=True).hits == []
    assert six.search("c").note == ""


def test_one_letter_titles_are_capped(tmp_path):
    from pkm.core.search import SearchIndex
    from pkm.core.search.query import LETTER_TITLES

    docs = [
        _doc(i, f"Meeting {i}", "notes", f"2024-01-{1 + i % 28:02d}")
        for i in range(LETTER_TITLES + 5)
    ]
    index = SearchIndex(tmp_path / "index")
    try:
        index.rebuild(docs)
        res = index.search("m", limit=100, as_you_type=True)
        assert len(res.hits) == LETTER_TITLES and res.total == len(docs)
    finally:
        index.close()


# -- the CLI completes the last word ---------------------------------------


@pytest.mark.parametrize("query", ["kn", "kno", "knowl", "knowledge", "management kno"])
def test_cli_completes_the_last_word(cli, query):
    cli("journal", "add", "Knowledge management: a knowledge base for the team")
    found = cli("search", query, "--json")
    assert found.code == 0 and len(found.json()) == 1, (query, found.err)


@pytest.mark.parametrize("query", ["kno ", '"kno"', "knowl "])
def test_cli_trailing_space_or_quotes_mean_whole_words(cli, query):
    cli("journal", "add", "Knowledge management: a knowledge base for the team")
    found = cli("search", query, "--json")
    assert found.code == 0 and found.json() == []


def test_cli_one_letter_says_why(cli):
    cli("journal", "add", "Knowledge management")
    found = cli("search", "k")
    assert found.code == 0 and "Knowledge management" in found.out
    assert "starting with “k”" in found.err


def test_cli_help_explains_the_last_word(cli):
    out = cli("search", "--help").out
    assert "ends with a space" in out and "quoted" in out
