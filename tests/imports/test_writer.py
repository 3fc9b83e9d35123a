"""The import writer keeps the journal's rules: re-import adds nothing, dry runs write
nothing, a day is merged into its daily entry, search finds what came in, ids and
versions behave as for any save, a broken note costs only itself."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from pkm.core.imports import run_import
from pkm.core.imports.model import Note, Skip
from pkm.core.imports.writer import write_notes


def _counts(ws) -> tuple[int, int, int, int]:
    s = ws.store
    return (
        s.scalar("SELECT COUNT(*) FROM entries"),
        s.scalar("SELECT COUNT(*) FROM entry_tags"),
        s.scalar("SELECT COUNT(*) FROM links"),
        s.scalar("SELECT COUNT(*) FROM import_sources"),
    )


@pytest.mark.parametrize("source", ["dayone", "enex", "markdown"])
def test_importing_the_same_export_again_adds_nothing(ws, source, dayone_zip, enex_file, vault):
    path = {"dayone": dayone_zip, "enex": enex_file, "markdown": vault}[source]
    first = run_import(ws, source, path)
    assert first.imported
    before = _counts(ws), sorted((e.id, e.version, e.body) for e in ws.journal.list())
    media = sorted(p.name for p in (ws.home / "media").iterdir())
    again = run_import(ws, source, path)
    assert again.imported == [] and again.media == 0
    assert {s.reason.split(";")[0] for s in again.skipped} >= {
        f"already imported as entry {i.entry_id}" for i in first.imported
    }
    assert (_counts(ws), sorted((e.id, e.version, e.body) for e in ws.journal.list())) == before
    assert sorted(p.name for p in (ws.home / "media").iterdir()) == media


def test_a_dry_run_reports_the_same_and_writes_nothing(ws, vault):
    dry = run_import(ws, "markdown", vault, dry_run=True)
    assert _counts(ws) == (0, 0, 0, 0)
    assert not (ws.home / "media").exists()
    real = run_import(ws, "markdown", vault)
    assert [(i.label, i.title, i.merged) for i in dry.imported] == [
        (i.label, i.title, i.merged) for i in real.imported
    ]
    assert [s.label for s in dry.skipped] == [s.label for s in real.skipped]
    assert dry.summary().startswith("Would import 4 entries")


def test_an_imported_day_is_merged_into_the_existing_daily_entry(ws, vault, clock):
    clock.set_day("2026-03-02")
    mine = ws.journal.daily_for(dt.date(2026, 3, 2))
    ws.journal.save(mine.id, body="My own words, written in pkm. #mine")
    mine = ws.journal.get(mine.id)
    report = run_import(ws, "markdown", vault)
    merged = next(i for i in report.imported if i.label == "Daily/2026-03-02.md")
    assert merged.merged and merged.entry_id == mine.id
    after = ws.journal.get(mine.id)
    assert after.body.startswith("My own words, written in pkm. #mine\n\n---\n\nMorning: read")
    assert after.version == mine.version + 1
    assert {"mine", "reflection"} <= set(after.tags)
    # The text before the import is a revision, so nothing of the user's can be lost.
    assert any(r.body == mine.body for r in ws.journal.revisions(mine.id))
    assert (
        ws.store.scalar("SELECT COUNT(*) FROM entries WHERE kind='daily' AND day='2026-03-02'") == 1
    )


def test_an_untouched_template_is_replaced_not_kept(ws, vault, clock):
    template = ws.journal.daily_for(dt.date(2026, 3, 2))
    run_import(ws, "markdown", vault)
    after = ws.journal.get(template.id)
    assert after.body.startswith("Morning: read the [[Pricing memo|Pricing]] memo again.")


def test_search_finds_imported_notes_and_ids_are_never_reused(ws, enex_file):
    gone = ws.journal.create(title="Old note", body="to be purged")
    ws.journal.delete(gone.id)
    ws.journal.empty_trash()
    report = run_import(ws, "enex", enex_file)
    assert min(i.entry_id for i in report.imported) > gone.id
    ws.search.sync()
    hits = ws.search.search("Lisbon")
    assert [h.title for h in hits.hits] == ["Q3 offsite plan"]
    # and the next ordinary note continues after the imported ids
    after = ws.journal.create(title="After", body="x")
    assert after.id > max(i.entry_id for i in report.imported)


def test_a_broken_note_skips_only_itself(ws, clock):
    day = dt.date(2026, 5, 1)
    items = [
        Note("a", "a.md", "Fine", "Fine text", day),
        Note("b", "b.md", "Too long", "x" * 5_000_001, day),
        Skip("c.md", "it is not UTF-8 text"),
        Note("d", "d.md", "Also fine", "More text #ok", day, tags=["Board Meeting"]),
        Note("a", "a-again.md", "Dup", "dup", day),
    ]
    report, change = write_notes(ws.store, clock, "markdown", items, batch_size=2)
    assert [i.title for i in report.imported] == ["Fine", "Also fine"]
    reasons = {s.label: s.reason for s in report.skipped}
    assert "over the 5,000,000 limit" in reasons["b.md"]
    assert reasons["c.md"] == "it is not UTF-8 text"
    assert reasons["a-again.md"].startswith("already imported as entry")
    also = ws.journal.get(report.imported[1].entry_id)
    assert list(also.tags) == ["board-meeting", "ok"] and also.version == 1
    assert change.entries == {i.entry_id for i in report.imported}


def test_cancel_keeps_what_was_committed_and_the_next_run_goes_on(ws, clock):
    day = dt.date(2026, 5, 1)
    notes = [Note(str(n), f"{n}.md", f"Note {n}", f"text {n}", day) for n in range(5)]
    calls = []
    report, _ = write_notes(
        ws.store, clock, "markdown", notes, batch_size=2,
        progress=lambda done, total, text: calls.append(done),
        cancelled=lambda: len(calls) >= 1,
    )  # fmt: skip
    assert report.cancelled and len(report.imported) == 2 and calls == [2]
    rest, _ = write_notes(ws.store, clock, "markdown", notes)
    assert [i.title for i in rest.imported] == ["Note 2", "Note 3", "Note 4"]
    assert ws.journal.count() == 5


def test_import_sources_come_with_an_upgrade_from_the_previous_version(tmp_path):
    from pkm.core.db import DB_NAME, Store
    from pkm.core.migrations import MIGRATIONS

    path = tmp_path / DB_NAME
    conn = sqlite3.connect(path, isolation_level=None)
    # The version just before import_sources (later migrations may follow it).
    before = next(i for i, m in enumerate(MIGRATIONS) if m[1].endswith("_import_sources"))
    for version, _name, apply, _fk in MIGRATIONS[:before]:
        apply(conn)
        conn.execute(f"PRAGMA user_version={version}")
    conn.execute(
        "INSERT INTO entries(kind, day, title, title_key, body, created, updated) "
        "VALUES ('note', '2026-01-01', 'Kept', 'kept', 'Body', 'x', 'x')"
    )
    conn.close()
    store = Store(path)
    try:
        assert store.schema_version() == MIGRATIONS[-1][0]
        assert store.scalar("SELECT body FROM entries WHERE title = 'Kept'") == "Body"
        with store.transaction() as c:
            c.execute("INSERT INTO import_sources VALUES ('enex', 'Kept', 1, 'f', 'now')")
        with store.transaction() as c:
            c.execute("DELETE FROM entries WHERE id = 1")
        assert store.scalar("SELECT COUNT(*) FROM import_sources") == 0  # follows its entry
    finally:
        store.close()


def test_reading_a_large_vault_pauses_for_saves_before_any_transaction(ws, tmp_path):
    folder = tmp_path / "big"
    folder.mkdir()
    for n in range(450):
        (folder / f"n{n}.md").write_text(f"note {n}\n")
    seen: list[tuple[int, str, bool]] = []

    def progress(done: int, total: int | None, text: str) -> None:
        seen.append((done, text, ws.store.in_transaction))

    run_import(ws, "markdown", folder, progress=progress)
    reading = [s for s in seen if s[1].startswith("reading files")]
    assert [s[1] for s in reading] == ["reading files (200)", "reading files (400)"]
    assert seen.index(reading[-1]) < seen.index(next(s for s in seen if s[0] > 0))
    assert not any(in_txn for _, _, in_txn in seen)  # saves may run at every one of them
