"""Two data folders ("laptop" and "desktop") on one vault folder: the fast, plain case.

What a sync engine would carry between two folders is here the same folder, so
every rule of sync.py is exercised without waiting for one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pkm.core.errors import BadInput, PkmError
from pkm.core.vault.format import ID_KEY
from pkm.core.workspace import Workspace
from tests.conftest import FakeClock


@pytest.fixture
def pair(tmp_path: Path):
    vault = tmp_path / "Sync" / "Journal"
    vault.parent.mkdir()
    clock = FakeClock()
    laptop = Workspace(tmp_path / "laptop", clock=clock)
    desktop = Workspace(tmp_path / "desktop", clock=clock)
    laptop.vault.set_folder(vault)
    desktop.vault.set_folder(vault)
    yield laptop, desktop, vault, clock
    laptop.close()
    desktop.close()


def by_title(ws: Workspace) -> dict[str, str]:
    return {e.title: e.body for e in ws.journal.list()}


def test_an_entry_travels_and_edits_come_back_as_revisions(pair) -> None:
    laptop, desktop, vault, clock = pair
    note = laptop.journal.create(title="Board prep", body="Three questions for Tuesday.\n")
    report = laptop.vault.sync()
    assert report.written == 1
    text = (vault / "Board prep.md").read_text()
    assert text.startswith(f"---\n{ID_KEY}: ")
    assert "title: Board prep" in text and text.endswith("Three questions for Tuesday.\n")

    report = desktop.vault.sync()
    assert report.created == 1 and report.written == 0
    assert by_title(desktop) == {"Board prep": "Three questions for Tuesday.\n"}

    # desktop edits; laptop gets the edit as a new revision, the old text kept
    d_note = desktop.journal.list()[0]
    clock.advance(minutes=5)
    desktop.journal.save(d_note.id, body="Three questions for Tuesday.\nAnd one for Anna.\n")
    assert desktop.vault.sync().written == 1
    report = laptop.vault.sync()
    assert report.updated == 1 and not report.conflicts
    assert laptop.journal.get(note.id).body.endswith("And one for Anna.\n")
    assert [r.body for r in laptop.journal.revisions(note.id)] == ["Three questions for Tuesday.\n"]
    # in step: a second sync does nothing on either side
    assert laptop.vault.sync().summary().endswith("nothing to do.")
    assert desktop.vault.sync().summary().endswith("nothing to do.")


def test_a_file_from_another_editor_becomes_an_entry_and_gets_an_id(pair) -> None:
    laptop, _desktop, vault, _clock = pair
    (vault / "Ideas").mkdir()
    (vault / "Ideas" / "Offsite.md").write_text("Walk, then whiteboard. #offsite\n")
    (vault / "2026-11-20.md").write_text("A daily note written in Obsidian.\n")
    (vault / ".stfolder").mkdir()
    (vault / ".Offsite.md.swp").write_text("x")
    (vault / "~syncthing~Offsite.md.tmp").write_text("x")
    report = laptop.vault.sync()
    assert report.created == 2, report.as_dict()
    offsite = laptop.journal.resolve("Offsite")
    assert offsite is not None and "offsite" in offsite.tags
    daily = laptop.journal.daily(dt.date(2026, 11, 20))
    assert daily is not None and daily.body == "A daily note written in Obsidian.\n"
    rewritten = (vault / "Ideas" / "Offsite.md").read_text()
    assert rewritten.startswith(f"---\n{ID_KEY}: ") and rewritten.endswith("#offsite\n")
    assert not list(vault.glob("*Offsite*.md"))  # written back where it was, not at the top


def test_rename_keeps_the_entry_and_delete_moves_it_to_the_trash(pair) -> None:
    laptop, desktop, vault, _clock = pair
    a = laptop.journal.create(title="Hiring plan", body="Two engineers.\n")
    b = laptop.journal.create(title="Old idea", body="Not any more.\n")
    laptop.vault.sync()
    desktop.vault.sync()
    (vault / "Hiring plan.md").rename(vault / "Hiring 2027.md")
    (vault / "Old idea.md").unlink()
    report = laptop.vault.sync()
    assert report.renamed == 1 and report.trashed == 1 and report.created == 0
    assert laptop.journal.get(a.id).body == "Two engineers.\n"
    assert [e.id for e in laptop.journal.trash()] == [b.id]
    report = desktop.vault.sync()
    assert report.trashed == 1 and report.created == 0
    assert sorted(by_title(desktop)) == ["Hiring plan"]


def test_an_entry_trashed_here_removes_its_file(pair) -> None:
    laptop, desktop, vault, _clock = pair
    e = laptop.journal.create(title="Draft", body="Scratch.\n")
    laptop.vault.sync()
    desktop.vault.sync()
    laptop.journal.delete(e.id)
    assert laptop.vault.sync().removed == 1
    assert not (vault / "Draft.md").exists()
    assert desktop.vault.sync().trashed == 1
    laptop.journal.restore(e.id)  # back from the trash: written again
    assert laptop.vault.sync().written == 1
    assert desktop.vault.sync().updated == 1
    assert by_title(desktop) == {"Draft": "Scratch.\n"}


def test_both_sides_changed_keeps_both_and_says_so(pair) -> None:
    laptop, desktop, _vault, clock = pair
    e = laptop.journal.create(title="Strategy", body="Grow.\n")
    laptop.vault.sync()
    desktop.vault.sync()
    d = desktop.journal.list()[0]
    clock.advance(minutes=1)
    desktop.journal.save(d.id, body="Grow in Asia.\n")
    desktop.vault.sync()  # the file now says Asia
    laptop.journal.save(e.id, body="Grow in Europe.\n")  # and laptop changed too, unsynced
    report = laptop.vault.sync()
    assert len(report.conflicts) == 1 and "both versions are kept" in report.conflicts[0]
    mine = laptop.journal.get(e.id)
    assert mine.body.startswith("Grow in Europe.\n") and "Sync conflict" in mine.body
    copy = next(x for x in laptop.journal.list() if "conflict copy" in x.title)
    assert copy.body == "Grow in Asia.\n" and f"[[{copy.title}]]" in mine.body
    assert "Grow in Asia.\n" in [r.body for r in laptop.journal.revisions(e.id)]
    assert laptop.vault.status().last_conflicts == tuple(report.conflicts)
    # desktop receives both: its entry gets laptop's text (a revision keeps Asia) and the copy
    report = desktop.vault.sync()
    assert not report.conflicts and report.created == 1 and report.updated == 1
    assert set(by_title(desktop)) == set(by_title(laptop))
    assert laptop.vault.sync().summary().endswith("nothing to do.")


def test_sync_engine_conflict_files_become_conflict_copies(pair) -> None:
    laptop, _desktop, vault, _clock = pair
    e = laptop.journal.create(title="Plan", body="Version A.\n")
    laptop.vault.sync()
    original = (vault / "Plan.md").read_text()
    (vault / "Plan.sync-conflict-20261202-101500-ABCDEF7.md").write_text(
        original.replace("Version A.", "Version B.")
    )
    (vault / "Plan (Anna's conflicted copy 2026-12-02).md").write_text(original)  # same text
    report = laptop.vault.sync()
    assert len(report.conflicts) == 1 and "changed on two devices at once" in report.conflicts[0]
    copy = laptop.journal.resolve("Plan (conflict copy 2026-12-02 10.15)")
    assert copy is not None and copy.body == "Version B.\n"
    assert "[[Plan (conflict copy 2026-12-02 10.15)]]" in laptop.journal.get(e.id).body
    names = sorted(p.name for p in vault.glob("*.md"))
    assert names == ["Plan (conflict copy 2026-12-02 10.15).md", "Plan.md"]


def test_bad_files_are_reported_and_the_rest_goes_on(pair) -> None:
    laptop, _desktop, vault, _clock = pair
    (vault / "Broken.md").write_bytes(b"---\ntitle: [unclosed\n---\nText\n")
    (vault / "Latin1.md").write_bytes("caf\xe9".encode("latin-1"))
    (vault / "Good.md").write_text("Fine.\n")
    report = laptop.vault.sync()
    assert report.created == 1
    assert any("Broken.md" in p and "YAML" in p for p in report.problems)
    assert any("Latin1.md" in p and "UTF-8" in p for p in report.problems)
    assert (vault / "Broken.md").read_bytes().startswith(b"---\ntitle: [unclosed")


def test_guards(pair, tmp_path: Path) -> None:
    laptop, _desktop, vault, _clock = pair
    with pytest.raises(BadInput, match="data folder"):
        laptop.vault.set_folder(laptop.home / "vault")
    with pytest.raises(BadInput, match="does not exist"):
        laptop.vault.set_folder(tmp_path / "no" / "such" / "place")
    laptop.journal.create(title="Keep me", body="Important.\n")
    laptop.vault.sync()
    for f in vault.iterdir():  # as if the drive was not mounted: an empty folder
        f.unlink()
    with pytest.raises(PkmError, match="not as pkm left it"):
        laptop.vault.sync()
    assert laptop.journal.count() == 1 and not laptop.journal.trash()
    vault.rename(tmp_path / "elsewhere")
    with pytest.raises(PkmError, match="missing"):
        laptop.vault.sync()


def test_windows_unsafe_titles_give_safe_file_names(pair) -> None:
    laptop, _desktop, vault, _clock = pair
    for title in ("CON", "What? Why: now*", "a/b\\c", "dots..."):
        laptop.journal.create(title=title, body=title + "\n")
    laptop.vault.sync()
    names = sorted(p.name for p in vault.iterdir() if p.suffix == ".md")
    assert names == ["CON (note).md", "What Why now.md", "a b c.md", "dots.md"]


def test_images_travel_with_their_entries(pair) -> None:
    from pkm.core.media import MediaStore

    laptop, desktop, vault, _clock = pair
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    stored = MediaStore(laptop.home).add(png, "chart.png")
    laptop.journal.create(title="Chart", body=f"![chart]({stored.ref})\n")
    laptop.vault.sync()
    assert (vault / stored.ref).read_bytes() == png  # beside the notes, as Obsidian expects
    desktop.vault.sync()
    assert (desktop.home / stored.ref).read_bytes() == png
    # a file swapped in the vault cannot pose as another
    (desktop.home / stored.ref).unlink()
    (vault / stored.ref).write_bytes(png + b"tampered")
    (vault / "Chart.md").write_text((vault / "Chart.md").read_text() + "More.\n")
    report = desktop.vault.sync()
    assert any("do not match" in p for p in report.problems)
    assert not (desktop.home / stored.ref).exists()


def test_a_folder_pkm_exported_to_becomes_the_vault_without_duplicates(tmp_path: Path) -> None:
    from pkm.core.export import export_vault

    with Workspace(tmp_path / "ws", clock=FakeClock()) as ws:
        ws.journal.create(title="Pricing", body="Raise it.\n", tags=["strategy"])
        day = ws.journal.today()
        ws.journal.save(day.id, body="Good day.\n")
        export_vault(ws.journal.list(), ws.home, tmp_path / "Vault")
        ws.vault.set_folder(tmp_path / "Vault")
        report = ws.vault.sync()
        assert report.created == 0 and not report.conflicts, report.as_dict()
        assert ws.journal.count() == 2
        assert f"{ID_KEY}:" in (tmp_path / "Vault" / "Pricing.md").read_text()
        assert ws.vault.sync().summary().endswith("nothing to do.")


def test_a_note_icloud_moved_to_the_cloud_is_not_a_deletion(pair) -> None:
    laptop, _desktop, vault, _clock = pair
    e = laptop.journal.create(title="Budget", body="Flat.\n")
    laptop.vault.sync()
    (vault / "Budget.md").rename(vault / ".Budget.md.icloud")  # "Optimise Mac Storage"
    report = laptop.vault.sync()
    assert report.trashed == 0 and laptop.journal.get(e.id).body == "Flat.\n"
    laptop.journal.save(e.id, body="Up.\n")
    report = laptop.vault.sync()
    assert any("iCloud only" in p for p in report.problems) and report.written == 0
    (vault / ".Budget.md.icloud").rename(vault / "Budget.md")  # downloaded again
    assert laptop.vault.sync().written == 1
    assert (vault / "Budget.md").read_text().endswith("Up.\n")


def test_a_save_writes_just_its_file_unless_the_vault_changed_too(pair) -> None:
    laptop, desktop, vault, clock = pair
    e = laptop.journal.create(title="Memo", body="One.\n")
    other = laptop.journal.create(title="Other", body="Two.\n")
    laptop.vault.sync()
    desktop.vault.sync()
    laptop.journal.save(e.id, body="One, revised.\n")
    report = laptop.vault.write_entries({e.id})
    assert report is not None and report.written == 1
    assert (vault / "Memo.md").read_text().endswith("One, revised.\n")
    assert laptop.vault.sync().summary().endswith("nothing to do.")
    assert desktop.vault.sync().updated == 1
    # changed there too: only a full sync may decide (it keeps both)
    d_other = desktop.journal.resolve("Other")
    assert d_other is not None
    clock.advance(minutes=1)
    desktop.journal.save(d_other.id, body="Two, from the desktop.\n")
    desktop.vault.sync()
    laptop.journal.save(other.id, body="Two, from the laptop.\n")
    assert laptop.vault.write_entries({other.id}) is None
    assert len(laptop.vault.sync().conflicts) == 1
    new = laptop.journal.create(title="Brand new", body="x\n")
    assert laptop.vault.write_entries({new.id}) is None  # a new entry needs a name: full sync
