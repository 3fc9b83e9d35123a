"""`pkm searches`: add, list with counts, remove; bad input is one line and exit 1."""

from __future__ import annotations

import json

from tests.cli_helpers import one_line_error


def test_add_list_remove(cli):
    assert cli("journal", "add", "--tag", "board", "Board prep").code == 0
    assert cli("journal", "add", "Lunch").code == 0
    r = cli("searches", "add", "Board", "tag:board")
    assert r.code == 0 and "Saved the search 'Board'" in r.out
    assert json.loads(cli("searches", "list", "--json").out) == [
        {"name": "Board", "query": "tag:board", "count": 1}
    ]
    assert cli("searches", "list").out.split() == ["Board", "1", "tag:board"]
    r = cli("searches", "add", "board", "tag:x")
    assert "There is already a saved search named 'Board'" in one_line_error(r)
    assert cli("searches", "add", "board", "tag:x", "--replace").code == 0
    assert cli("searches", "remove", "BOARD").code == 0
    assert json.loads(cli("searches", "list", "--json").out) == []


def test_bad_input(cli):
    assert "cannot be saved as a search" in one_line_error(
        cli("searches", "add", "Bad", "day:notadate")
    )
    assert "needs a name" in one_line_error(cli("searches", "add", "  ", "tag:x"))
    assert "keep it under 60" in one_line_error(cli("searches", "add", "x" * 61, "tag:x"))
    assert "The search is empty" in one_line_error(cli("searches", "add", "Empty", "  "))
    assert "There is no saved search named 'nope'" in one_line_error(
        cli("searches", "remove", "nope")
    )
