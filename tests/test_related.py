"""Related notes: the documents most like a text, with the words they share, never itself."""

from __future__ import annotations

import json

import pytest

from pkm.core.workspace import Workspace

NOTES = [
    ("Trust in networks", "Trust grows in networks when leaders share early. Networks reward it."),
    ("Board meeting", "The board asked about pricing and churn. Pricing needs a simpler model."),
    ("Sharing early", "Leaders who share early build trust across networks of peers."),
    ("Pricing model", "A simpler pricing model reduces churn, says finance."),
    ("Lunch", "Lunch with Sam about the offsite venue."),
    ("Hiring plan", "Two engineers in spring, one designer in autumn."),
]


@pytest.fixture
def ws_notes(tmp_path, clock):
    with Workspace(tmp_path / "ws", clock=clock) as ws:
        ids = [ws.journal.create(kind="note", title=t, body=b).id for t, b in NOTES]
        ws.search.sync()
        yield ws, ids


def test_related_finds_the_notes_that_share_telling_words(ws_notes):
    ws, ids = ws_notes
    found = ws.search.related(f"entry:{ids[0]}", limit=3)
    assert [r.key for r in found][:1] == [f"entry:{ids[2]}"]  # "Sharing early"
    assert len(found[0].shares) == 3
    assert set(found[0].shares) <= {"trust", "networks", "leaders", "share", "early"}
    assert f"entry:{ids[0]}" not in [r.key for r in found]  # never itself
    pricing = ws.search.related(f"entry:{ids[1]}", limit=3)
    assert pricing[0].key == f"entry:{ids[3]}" and "churn" in pricing[0].shares


def test_unsaved_text_is_related_as_typed(ws_notes):
    ws, ids = ws_notes
    found = ws.search.related(
        f"entry:{ids[4]}", text="We should hire engineers in spring.", indexed=False
    )
    assert found and found[0].key == f"entry:{ids[5]}"
    assert set(found[0].shares) >= {"engineers", "spring"}


def test_nothing_related_is_an_empty_list(ws_notes):
    ws, ids = ws_notes
    assert ws.search.related(f"entry:{ids[4]}") == []  # "Lunch" shares nothing telling
    assert ws.search.related("entry:999", text="") == []


def test_cli_related(ws_notes, monkeypatch, capsys):
    from tests.cli_helpers import one_line_error, run_cli

    ws, ids = ws_notes
    r = run_cli(monkeypatch, capsys, "--home", str(ws.home), "related", str(ids[1]), "--json")
    data = json.loads(r.out)
    assert data[0]["id"] == ids[3] and data[0]["kind"] == "note" and "churn" in data[0]["shares"]
    r = run_cli(monkeypatch, capsys, "--home", str(ws.home), "related", str(ids[0]))
    assert "Sharing early" in r.out and "(shares: " in r.out
    r = run_cli(monkeypatch, capsys, "--home", str(ws.home), "related", "999")
    assert "There is no journal entry 999" in one_line_error(r)
