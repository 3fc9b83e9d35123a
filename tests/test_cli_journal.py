import pytest

from tests.cli_helpers import run_cli


def test_today_prints_the_same_id(cli):
    a = cli("journal", "today")
    b = cli("journal", "today")
    assert a.code == 0 and a.out.strip().isdigit() and a.out == b.out


def test_add_show_list_json(cli):
    r = cli("journal", "add", "--day", "2026-03-01", "--title", "Offsite", "--tag", "Board",
            "Notes from the #strategy offsite")  # fmt: skip
    assert r.code == 0
    entry_id = int(r.out)
    shown = cli("journal", "show", str(entry_id), "--json").json()
    assert shown["title"] == "Offsite" and shown["day"] == "2026-03-01"
    assert set(shown["tags"]) == {"board", "strategy"}
    listed = cli("journal", "list", "--tag", "strategy", "--json").json()
    assert [e["id"] for e in listed] == [entry_id]
    assert cli("journal", "list", "--since", "2026-04-01", "--json").json() == []


def test_add_from_stdin_and_edit_keeps_revision(cli):
    entry_id = cli("journal", "add", "-", stdin="First line\n\nsecond").out.strip()
    assert cli("journal", "show", entry_id, "--json").json()["title"] == "First line"
    assert cli("journal", "edit", entry_id, "-", stdin="Rewritten").code == 0
    assert cli("journal", "show", entry_id, "--json").json()["body"] == "Rewritten"
    revs = cli("journal", "revisions", entry_id, "--json").json()
    assert revs[0]["body"] == "First line\n\nsecond"
    assert cli("journal", "revert", str(revs[0]["id"])).code == 0
    assert cli("journal", "show", entry_id, "--json").json()["body"] == "First line\n\nsecond"


def test_daily_append(cli):
    entry_id = cli("journal", "add", "--daily", "--day", "2026-05-05", "Met the board.").out
    again = cli("journal", "add", "--daily", "--day", "2026-05-05", "Then lunch.").out
    assert entry_id == again
    body = cli("journal", "show", entry_id.strip(), "--json").json()["body"]
    assert body.endswith("Met the board.\n\nThen lunch.")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("journal", "show", "4242"), "There is no journal entry 4242"),
        (("journal", "add", "--day", "2026-13-40", "x"), "is not a date"),
        (("journal", "add"), "Nothing to add"),
        (("journal", "edit", "1"), "Nothing to change"),
        (("journal", "calendar", "--month", "May"), "is not a month"),
    ],
)
def test_bad_input_is_one_line_and_nonzero(cli, args, message):
    r = cli(*args)
    assert r.code != 0
    assert message in r.err
    assert "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1


def test_unwritable_home_is_one_line(monkeypatch, capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run_cli(monkeypatch, capsys, "--home", str(blocker / "sub"), "journal", "today")
    assert r.code == 1 and "Cannot create the data folder" in r.err


def test_trash_cycle(cli):
    entry_id = cli("journal", "add", "bye").out.strip()
    assert cli("journal", "delete", entry_id).code == 0
    assert cli("journal", "show", entry_id).code == 1
    assert entry_id in cli("journal", "trash").out
    assert cli("journal", "restore", entry_id).code == 0
    assert cli("journal", "show", entry_id).code == 0


def test_streak_prompt_template(cli):
    assert "Current streak" in cli("journal", "streak").out
    assert cli("journal", "prompt").out.strip().endswith("?")
    assert cli("journal", "template", "daily", "## {weekday}\n{prompt}\n").code == 0
    assert cli("journal", "template", "daily").out.startswith("## {weekday}")
