"""`pkm vault …` as a user types it: one clear line and exit 1 for bad input."""

from __future__ import annotations

from pathlib import Path


def test_set_sync_status(cli, tmp_path: Path) -> None:
    vault = tmp_path / "Journal"
    assert cli("journal", "add", "--title", "Offsite", "Agenda.").code == 0
    r = cli("vault", "set", str(vault))
    assert r.code == 0 and str(vault) in r.out
    r = cli("vault", "sync")
    assert r.code == 0 and "1 file written" in r.out, r
    assert (vault / "Offsite.md").exists()
    (vault / "Offsite.md").write_text(
        (vault / "Offsite.md").read_text().replace("Agenda.", "Agenda, then dinner.")
    )
    r = cli("vault", "sync", "--json")
    assert r.code == 0 and r.json()["updated"] == 1 and r.json()["conflicts"] == []
    status = cli("vault", "status", "--json").json()
    assert status["folder"] == str(vault) and status["files"] == 1 and status["pending"] == 0
    r = cli("vault", "status")
    assert "Last sync: 20" in r.out and "Files: 1" in r.out
    r = cli("vault", "unset")
    assert r.code == 0 and "left as they are" in r.out
    assert (vault / "Offsite.md").exists()


def test_bad_input_is_one_line(cli, tmp_path: Path) -> None:
    r = cli("vault", "sync")
    assert r.code == 1 and r.err.count("\n") == 1 and "pkm vault set DIR" in r.err
    (tmp_path / "a-file").write_text("x")
    r = cli("vault", "set", str(tmp_path / "a-file"))
    assert r.code == 1 and "is a file" in r.err and r.err.count("\n") == 1
    r = cli("vault", "set", str(tmp_path / "missing" / "deeper"))
    assert r.code == 1 and "does not exist" in r.err
    assert cli("vault", "status").out.startswith("No vault folder is set.")


def test_conflict_is_a_line_in_the_output(cli, tmp_path: Path) -> None:
    vault = tmp_path / "Journal"
    cli("journal", "add", "--title", "Plan", "A.")
    cli("vault", "set", str(vault))
    cli("vault", "sync")
    text = (vault / "Plan.md").read_text()
    (vault / "Plan.sync-conflict-20261202-101500-ABCDEF7.md").write_text(text.replace("A.", "B."))
    r = cli("vault", "sync")
    assert r.code == 0 and "1 conflict, both versions kept" in r.out
    assert "conflict: Plan.sync-conflict-20261202-101500-ABCDEF7.md" in r.err
