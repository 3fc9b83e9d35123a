"""The query language: parsing into plan nodes, forgiveness while typing, errors."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest

from pkm.core.errors import QueryError
from pkm.core.search.query import (
    And,
    DayRange,
    Fuzzy,
    Keyword,
    Not,
    Or,
    Phrase,
    Prefix,
    Word,
    highlight_terms,
    parse,
)
from pkm.core.search.schema import analyze


def o(day: str) -> int:
    return dt.date.fromisoformat(day).toordinal()


def test_plain_words_are_anded_and_stemmed_lowercase() -> None:
    assert parse("Running Boards") == And((Word("run"), Word("board")))
    assert parse("strategy") == Word("strategi")


def test_empty_and_stopword_only_queries_mean_nothing() -> None:
    for text in ("", "   ", "the", "of the", "!!!", "OR", "AND NOT", "()", '""', "-"):
        assert parse(text) is None, text


def test_phrase_prefix_fuzzy() -> None:
    assert parse('"board of directors"') == Phrase(("board", "director"))
    assert parse("smo*") == Prefix("smo")
    assert parse("SMO*") == Prefix("smo")
    assert parse("Strategy~") == Fuzzy("strategy", 1)  # fuzzy works on words
    assert parse("strategy~2") == Fuzzy("strategy", 2)
    assert parse("strategy~9") == Fuzzy("strategy", 2)  # clamped
    assert parse('"strategy"') == Word("strategi")  # a one-word phrase is a word


def test_boolean_operators_and_parentheses() -> None:
    assert parse("board OR hiring") == Or((Word("board"), Word("hire")))
    assert parse("board NOT hiring") == And((Word("board"), Not(Word("hire"))))
    assert parse("board -hiring") == And((Word("board"), Not(Word("hire"))))
    assert parse("(board OR hiring) plan") == And((Or((Word("board"), Word("hire"))), Word("plan")))
    assert parse("board AND plan") == And((Word("board"), Word("plan")))
    # lowercase "or"/"not" are plain (stop)words, not operators
    assert parse("board or plan") == And((Word("board"), Word("plan")))


def test_hyphenated_word_is_a_phrase_not_a_negation() -> None:
    assert parse("co-founder") == Phrase(("co", "founder"))
    assert parse("-founder") == Not(Word("founder"))


def test_unbalanced_quotes_and_parentheses_count_as_closed() -> None:
    assert parse('"board of dir') == Phrase(("board", "dir"))
    assert parse("(board OR hiring") == Or((Word("board"), Word("hire")))
    assert parse("board)") == Word("board")
    assert parse("((board") == Word("board")
    assert parse('tag:"open') == Keyword("tags", "open")
    assert parse("board OR") == Word("board")
    assert parse("board NOT") == Word("board")
    assert parse("day:[2024-01-01 TO 2024-02-01") == DayRange(o("2024-01-01"), o("2024-02-01"))


def test_fields() -> None:
    assert parse("tag:Strategy") == Keyword("tags", "strategy")
    assert parse("tag:#strategy") == Keyword("tags", "strategy")
    assert parse("tag:str*") == Keyword("tags", "str", prefix=True)
    assert parse("kind:journal") == Keyword("kinds", "entry")
    assert parse("kind:note") == Keyword("kinds", "note")
    assert parse("kind:it") == Keyword("kinds", "item")  # unambiguous beginning
    assert parse("kind:jour") == Keyword("kinds", "entry")
    assert parse("source:ft") == Keyword("source", "ft")
    assert parse('source:"Financial Times"') == And(
        (Keyword("source", "financi"), Keyword("source", "time"))
    )
    assert parse("title:running") == Word("run", title_only=True)
    assert parse('title:"board meeting"') == Phrase(("board", "meet"), title_only=True)
    assert parse("title:smo*") == Prefix("smo", title_only=True)
    assert parse("Title:board") == Word("board", title_only=True)


def test_empty_field_values_are_ignored_while_typing() -> None:
    assert parse("board tag:") == Word("board")
    assert parse("kind: board") == Word("board")


def test_unknown_field_is_plain_text() -> None:
    assert parse("re:budget") == Phrase(("re", "budget"))
    assert parse("10:30") == Phrase(("10", "30"))


def test_days() -> None:
    assert parse("day:2024-05-01") == DayRange(o("2024-05-01"), o("2024-05-01"))
    assert parse("day:2024-02") == DayRange(o("2024-02-01"), o("2024-02-29"))
    assert parse("day:2023") == DayRange(o("2023-01-01"), o("2023-12-31"))
    assert parse("day:[2024-01-01 TO 2024-03-31]") == DayRange(o("2024-01-01"), o("2024-03-31"))
    assert parse("day:[2024-01 TO 2024-03]") == DayRange(o("2024-01-01"), o("2024-03-31"))
    assert parse("day:[* TO 2024-03-31]") == DayRange(None, o("2024-03-31"))
    assert parse("date:2024-05-01") == DayRange(o("2024-05-01"), o("2024-05-01"))
    # after: from that day on; before: up to the day before (Gmail-style)
    assert parse("after:2024-01-01") == DayRange(o("2024-01-01"), None)
    assert parse("before:2024-02-01") == DayRange(None, o("2024-01-31"))
    assert parse("before:2024-02") == DayRange(None, o("2024-01-31"))


@pytest.mark.parametrize(
    "text",
    [
        "day:notadate",
        "day:2020-13-45",
        "day:2024-02-30",
        "after:yesterday",
        "before:2024-99",
        "day:[2024-01-01 2024-02-01]",
        "board day:[2024-01-01 TO soon]",
        "kind:banana",
    ],
)
def test_meaningless_values_raise_a_helpful_query_error(text: str) -> None:
    with pytest.raises(QueryError) as err:
        parse(text)
    message = str(err.value)
    assert message.startswith("Cannot search for '")
    if "kind" in text:
        assert "kind:item" in message
    else:
        assert "YYYY-MM-DD" in message and "day:[2020-01-01 TO 2020-03-31]" in message


def test_day_error_message_names_the_bad_value() -> None:
    with pytest.raises(QueryError, match=r"^Cannot search for 'day:2020-13-45': a day is"):
        parse("day:2020-13-45")


def test_as_you_type_completes_the_last_bare_word() -> None:
    assert parse("board strat", as_you_type=True) == And(
        (Word("board"), Or((Word("strat"), Prefix("strat"))))
    )
    # not a completed word (trailing space), too short, or not a bare word
    assert parse("board strat ", as_you_type=True) == And((Word("board"), Word("strat")))
    assert parse("board s", as_you_type=True) == Word("board")
    assert parse('"board meet"', as_you_type=True) == Phrase(("board", "meet"))
    assert parse("tag:stra", as_you_type=True) == Keyword("tags", "stra")
    # a stopword being typed still completes: "the" -> "theory"
    assert parse("the", as_you_type=True) == Prefix("the")
    assert parse("smo*", as_you_type=True) == Prefix("smo")


def test_highlight_terms_skip_negated_parts() -> None:
    stems, prefixes, phrases = highlight_terms(parse('board -hiring smo* "interest rates"'))
    assert stems == {"board"}
    assert prefixes == {"smo"}
    assert phrases == [tuple(analyze("interest rates"))]


def test_parse_never_crashes_on_odd_input() -> None:
    odd = [
        '"',
        "(",
        ")",
        "-",
        "*",
        "~",
        ":",
        "tag:",
        '""""',
        "((()))",
        "a~~",
        "-(",
        'x:"',
        "day:[",
        "day:",
        "NOT NOT board",
        "OR OR",
        "** ~2",
        "\x00",
        "ñandú*",
        "日本語",
        "a" * 500,
        "kind:",
        "title:",
        'source:"',
        "board~0",
        "~board",
        "*board",
    ]
    for text in odd:
        for as_you_type in (False, True):
            with contextlib.suppress(QueryError):  # the only error a query may raise
                parse(text, as_you_type=as_you_type)
    assert parse("day:[") is None


# ---- bounds: no query crashes or stalls a search (issue 11) -------------------------------


def test_deep_parentheses_are_one_clear_error_not_a_recursion_error() -> None:
    with pytest.raises(QueryError, match="nests parentheses more than 50 deep"):
        parse("(" * 1000 + "board")
    with pytest.raises(QueryError, match="nests parentheses"):
        parse("(" * 51 + "board")
    assert parse("(" * 50 + "board") == Word("board")


def test_a_run_of_nots_is_read_without_recursion() -> None:
    assert parse("NOT " * 400 + "board") == Word("board")  # 1,600 characters
    assert parse("NOT " * 401 + "board") == Not(Word("board"))
    assert parse("hiring " + "NOT " * 300) == Word("hire")  # dangling while typing
    with pytest.raises(QueryError, match="8,005 characters long; pkm searches up to 2,000"):
        parse("NOT " * 2000 + "board")


def test_an_overlong_query_is_refused_with_what_to_do() -> None:
    with pytest.raises(QueryError) as info:
        parse("board " * 400)
    assert str(info.value) == (
        "This search is 2,400 characters long; pkm searches up to 2,000. "
        "Shorten it and search again."
    )
    assert parse("board " * 333) is not None


def test_an_overlong_fuzzy_word_is_a_plain_word() -> None:
    assert parse("a" * 40 + "~2") == Fuzzy("a" * 40, 2)
    assert parse("a" * 41 + "~2") == Word(analyze("a" * 41)[0])
    assert parse("b" + "a" * 1990 + "~") == Word(analyze("b" + "a" * 1990)[0])


def test_an_edit_distance_of_many_digits_is_two() -> None:
    assert parse("board~" + "9" * 1500) == Fuzzy("board", 2)
    with pytest.raises(QueryError, match="characters long"):  # was int()'s ValueError
        parse("board~" + "9" * 5000)
    assert parse("board~0") == Fuzzy("board", 1)
