"""`pkm search` and `pkm index`: bad input is one line and exit 1, never "unexpected error"."""

from __future__ import annotations

import pytest

from tests.cli_helpers import one_line_error

_one_line_error = one_line_error


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("(" * 1000, "nests parentheses more than 50 deep"),
        ("(" * 1000 + "board", "nests parentheses more than 50 deep"),
        ("NOT " * 2000 + "board", "characters long; pkm searches up to 2,000"),
        ("a" * 5000 + "~2", "characters long; pkm searches up to 2,000"),
        ("board~" + "9" * 5000, "characters long; pkm searches up to 2,000"),
        ("day:notadate", "Cannot search for 'day:notadate'"),
    ],
)
def test_bad_queries_are_one_line(cli, query, message):
    cli("journal", "add", "board meeting")
    assert message in _one_line_error(cli("search", query))


def test_long_fuzzy_word_within_the_limit_is_a_plain_word(cli):
    word = "b" + "a" * 1500
    cli("journal", "add", f"the word {word} once")
    found = cli("search", word + "~2", "--json")
    assert found.code == 0 and len(found.json()) == 1
