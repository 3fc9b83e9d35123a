"""`pkm search` and `pkm index`: bad input is one line and exit 1, never "unexpected error"."""

from __future__ import annotations

import pytest

from tests.cli_helpers import run_cli


@pytest.fixture
def cli(monkeypatch, capsys, tmp_path):
    home = str(tmp_path / "cli-home")

    def run(*args, stdin=None):
        return run_cli(monkeypatch, capsys, "--home", home, *args, stdin=stdin)

    return run


def _one_line_error(r) -> str:
    assert r.code == 1, (r.code, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert "unexpected error" not in r.err and "Traceback" not in r.err
    return lines[0]


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
