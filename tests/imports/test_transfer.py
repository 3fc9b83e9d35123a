"""Export → import gives back the same entries; the HTML book; backup while pkm writes;
restore never overwrites a data folder unasked. Through the real CLI where users use it."""

from __future__ import annotations

import base64
import json
import re
import sqlite3
import threading
import zipfile
from pathlib import Path

import pytest

from pkm.core import backup as core_backup
from pkm.core.export import export_vault
from pkm.core.imports import run_import
from pkm.core.migrations import latest_version
from pkm.core.workspace import Workspace
from tests.cli_helpers import run_cli


def _shape(ws: Workspace) -> list[tuple]:
    """What must survive a round trip, entry by entry (ids aside)."""
    return sorted(
        (e.kind, e.day, e.title, e.body, e.tags, e.explicit_tags, e.created, e.updated)
        for e in ws.journal.list()
    )


def _filled(ws, dayone_zip, enex_file, vault) -> None:
    for source, path in (("dayone", dayone_zip), ("enex", enex_file), ("markdown", vault)):
        run_import(ws, source, path)
    ws.journal.create(title="Plan #2: Q3/Q4", body="Links to [[Pricing memo]] and [[2026-03-04]].")
    ws.journal.create(title="Plan #2: Q3/Q4", body="Same title, second note.", tags=["twin"])


def test_round_trip_export_then_import_into_a_fresh_home(
    ws, dayone_zip, enex_file, vault, tmp_path, monkeypatch, capsys
):
    _filled(ws, dayone_zip, enex_file, vault)
    out = tmp_path / "Vault"
    result = export_vault(ws.journal.list(), ws.home, out)
    assert result.entries == ws.journal.count() and not result.missing_media
    names = sorted(p.name for p in out.iterdir())
    assert "2026-03-02.md" in names and "Pricing memo.md" in names
    assert "Plan 2 Q3 Q4.md" in names and "Plan 2 Q3 Q4 (2).md" in names
    assert all((out / ref).is_file() for ref in core_backup_refs(ws))
    text = (out / "Plan 2 Q3 Q4.md").read_text()
    assert text.startswith("---\ntitle: 'Plan #2: Q3/Q4'\nkind: note\n")
    assert "aliases:\n- 'Plan #2: Q3/Q4'" in text  # Obsidian resolves [[Plan #2: Q3/Q4]]
    fresh = tmp_path / "fresh"
    r = run_cli(monkeypatch, capsys, "--home", str(fresh), "import", "markdown", str(out), "--json")
    assert r.code == 0, r.err
    assert r.json()["skipped"] == []
    with Workspace(fresh) as back:
        assert _shape(back) == _shape(ws)
        assert sorted(p.name for p in (back.home / "media").iterdir()) == sorted(
            p.name for p in (ws.home / "media").iterdir()
        )
    # Exporting again into the same folder updates it; a folder of the user's is refused.
    assert export_vault(ws.journal.list(), ws.home, out).entries == result.entries
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_bytes(b"x")
    r = run_cli(
        monkeypatch, capsys, "--home", str(ws.home), "export", "--all", "--format", "md",
        "-o", str(mine),
    )  # fmt: skip
    assert r.code == 1 and "did not export" in r.err and len(r.err.splitlines()) == 1
    assert (mine / "thesis.docx").read_bytes() == b"x"


def core_backup_refs(ws) -> set[str]:
    return {
        m for e in ws.journal.list() for m in re.findall(r"media/[0-9a-f]{64}\.[a-z0-9]+", e.body)
    }


def test_html_book_of_a_period_with_images_inline(
    ws, dayone_zip, vault, tmp_path, monkeypatch, capsys
):
    run_import(ws, "dayone", dayone_zip)
    run_import(ws, "markdown", vault)
    book = tmp_path / "2026.html"
    r = run_cli(
        monkeypatch, capsys, "--home", str(ws.home), "export", "--all", "--format", "html",
        "--since", "2026-03-01", "--until", "2026-03-04", "--title", "My 2026 reflections",
        "-o", str(book),
    )  # fmt: skip
    assert r.code == 0, r.err
    html = book.read_text()
    assert "<title>My 2026 reflections</title>" in html
    assert html.index("Monday 2 March 2026") < html.index("Wednesday 4 March 2026")
    assert "Pricing memo</h2>" not in html  # 20 February is outside the period
    assert "Thursday 5 March" not in html
    photos = re.findall(r'src="data:image/jpeg;base64,([^"]+)"', html)
    assert len(photos) == 2  # both Day One photos of 2 March, inside the one file
    assert all(base64.b64decode(p).startswith(b"\xff\xd8\xff") for p in photos)
    assert 'src="media/' not in html
    r = run_cli(
        monkeypatch, capsys, "--home", str(ws.home), "export", "--all", "--format", "html",
        "--tag", "nosuchtag", "-o", str(tmp_path / "none.html"),
    )  # fmt: skip
    assert r.code == 1 and "No entries match" in r.err


def test_backup_is_consistent_while_another_connection_writes(ws, vault, tmp_path):
    run_import(ws, "markdown", vault)
    ws.settings.set("theme", "dark")
    (ws.home / "secrets.enc").write_bytes(b"encrypted secrets")
    # Another process's transaction is open, with a note not yet committed.
    other = sqlite3.connect(ws.home / "pkm.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute(
        "INSERT INTO entries(kind, day, title, title_key, body, created, updated) "
        "VALUES ('note', '2026-06-01', 'Uncommitted', 'uncommitted', 'half', 'x', 'x')"
    )
    done = threading.Event()
    result: list = []

    def run() -> None:
        result.append(core_backup.backup(ws.home, ws.clock, tmp_path / "b.zip"))
        done.set()

    t = threading.Thread(target=run)
    t.start()
    assert done.wait(20), "the backup waited for the writer"
    other.execute("ROLLBACK")
    other.close()
    t.join()
    info = result[0]
    assert info.entries == ws.journal.count() == 4
    with zipfile.ZipFile(info.path) as zf:
        names = set(zf.namelist())
        assert {"pkm.db", "pkm-backup.json"} <= names
        assert not any("secrets" in n or n.startswith(("index/", "logs/")) for n in names)
        assert sum(n.startswith("media/") for n in names) == info.media == 1
        assert json.loads(zf.read("pkm-backup.json"))["schema"] == latest_version()
        assert json.loads(zf.read("settings.json"))["theme"] == "dark"
        copy = tmp_path / "copy.db"
        copy.write_bytes(zf.read("pkm.db"))
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM entries WHERE title = 'Uncommitted'").fetchone() == (
        0,
    )
    conn.close()


def test_restore_into_a_new_folder_and_never_over_one_unasked(
    ws, vault, tmp_path, monkeypatch, capsys
):
    run_import(ws, "markdown", vault)
    r = run_cli(monkeypatch, capsys, "--home", str(ws.home), "backup", "--json")
    assert r.code == 0, r.err
    backup_file = Path(r.json()["path"])
    assert backup_file.parent == ws.home / "backups"
    target = tmp_path / "laptop"
    r = run_cli(monkeypatch, capsys, "restore", str(backup_file), "--home", str(target))
    assert r.code == 0, r.err
    with Workspace(target) as back:
        assert _shape(back) == _shape(ws)
        ws.search.sync()
        back.search.sync()  # the index is not in a backup: it is rebuilt
        assert [h.title for h in back.search.search("value-based").hits] == ["Pricing memo"]
        back.journal.create(title="Written after the restore", body="new")
    # A second restore over it is refused, and nothing there changes...
    r = run_cli(monkeypatch, capsys, "restore", str(backup_file), "--home", str(target))
    assert r.code == 1 and "--replace" in r.err and len(r.err.strip().splitlines()) == 1
    # ...unless asked: then what was there is moved aside, not deleted.
    r = run_cli(
        monkeypatch, capsys, "restore", str(backup_file), "--home", str(target), "--replace"
    )
    assert r.code == 0, r.err
    moved = [p for p in target.iterdir() if p.name.startswith("replaced-")]
    assert len(moved) == 1
    with Workspace(moved[0]) as old:
        assert "Written after the restore" in {e.title for e in old.journal.list()}
    with Workspace(target) as back:
        assert "Written after the restore" not in {e.title for e in back.journal.list()}


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not a zip", "is not a pkm backup"),
        (None, "is not a pkm backup (it has no"),
    ],
)
def test_a_file_that_is_not_a_backup_is_one_line(tmp_path, monkeypatch, capsys, content, message):
    bad = tmp_path / "bad.zip"
    if content is None:
        with zipfile.ZipFile(bad, "w") as zf:
            zf.writestr("hello.txt", "hi")
    else:
        bad.write_bytes(content)
    r = run_cli(monkeypatch, capsys, "restore", str(bad), "--home", str(tmp_path / "h"))
    assert r.code == 1 and message in r.err and len(r.err.strip().splitlines()) == 1
    assert not (tmp_path / "h").exists()


def test_cli_import_errors_are_one_line(tmp_path, monkeypatch, capsys, enex_file):
    home = str(tmp_path / "h")
    not_zip = tmp_path / "export.zip"
    not_zip.write_text("hello")
    cases = [
        (("import", "dayone", str(not_zip)), "is not a Day One export"),
        (("import", "enex", str(not_zip)), "is not an Evernote export"),
        (("import", "markdown", str(tmp_path), "--daily-format", "%Y"), "needs %Y, %m and %d"),
        (("export", "--format", "md"), "Give the ENTRY_ID to export, or --all"),
        (("export", "--all", "--format", "eml", "-o", str(tmp_path / "x")), "not eml"),
    ]
    for args, message in cases:
        r = run_cli(monkeypatch, capsys, "--home", home, *args)
        assert r.code == 1, (args, r.err)
        assert message in r.err and len(r.err.strip().splitlines()) == 1, r.err
    r = run_cli(monkeypatch, capsys, "--home", home, "import", "enex", str(enex_file), "--dry-run")
    assert r.code == 0 and "Would import 2 entries" in r.out and "skipped No date at all" in r.err


def test_pdf_book_draws_the_entries_and_their_photos(ws, dayone_zip, tmp_path, monkeypatch, capsys):
    import unicodedata

    import pypdf

    run_import(ws, "dayone", dayone_zip)
    book = tmp_path / "book.pdf"
    r = run_cli(
        monkeypatch, capsys, "--home", str(ws.home), "export", "--all", "--format", "pdf",
        "--title", "My 2026 reflections", "-o", str(book),
    )  # fmt: skip
    assert r.code == 0, r.err
    reader = pypdf.PdfReader(book)
    raw = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    text = unicodedata.normalize("NFKC", raw)  # the PDF's fonts draw "fl" as one ligature
    assert "My 2026 reflections" in text and "Evening: the board said yes." in text
    assert sum(len(p.images) for p in reader.pages) == 2


def test_one_entry_exported_keeps_its_images(ws, vault, tmp_path, monkeypatch, capsys):
    run_import(ws, "markdown", vault)
    memo = next(e for e in ws.journal.list() if e.title == "Pricing memo")
    ref = re.search(r"media/[0-9a-f]{64}\.png", memo.body).group(0)
    out = tmp_path / "out"
    for fmt in ("html", "md"):
        r = run_cli(
            monkeypatch, capsys, "--home", str(ws.home), "export", str(memo.id),
            "--format", fmt, "-o", str(out / f"memo.{fmt}"),
        )  # fmt: skip
        assert r.code == 0, r.err
    html = (out / "memo.html").read_text()
    assert 'src="data:image/png;base64,' in html and ref not in html
    assert ref in (out / "memo.md").read_text()
    assert (out / ref).read_bytes() == (ws.home / ref).read_bytes()  # beside the .md
