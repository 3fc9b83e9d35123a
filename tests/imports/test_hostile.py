"""Damaged and hostile exports: one clear sentence, or the good notes imported and the bad
ones listed; never an unexpected error, never a file read that the user did not give."""

from __future__ import annotations

import fcntl
import json
import os
import zipfile

import pytest

from pkm.core import backup as core_backup
from pkm.core.errors import BadInput
from pkm.core.imports import run_import


def test_enex_with_entity_declarations_is_refused_before_anything_is_read(ws, tmp_path):
    bomb = tmp_path / "bomb.enex"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE en-export [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c SYSTEM "file:///etc/passwd">]>\n'
        "<en-export><note><title>&b;&c;</title><created>20250101T000000Z</created>"
        "<content><![CDATA[<en-note>x</en-note>]]></content></note></en-export>"
    )
    with pytest.raises(BadInput, match="declares XML entities"):
        run_import(ws, "enex", bomb)
    assert ws.journal.count() == 0


def test_enex_cut_short_keeps_the_notes_before_the_damage(ws, enex_file, tmp_path):
    text = enex_file.read_text()
    cut = tmp_path / "cut.enex"
    cut.write_text(text[: text.index("<title>1:1 with Sam</title>") + 40])
    report = run_import(ws, "enex", cut)
    assert [i.title for i in report.imported] == ["Q3 offsite plan"]
    assert report.skipped[-1].label == "after note 1"
    assert "damaged from there on" in report.skipped[-1].reason


def test_dayone_damaged_photo_and_broken_entries_cost_only_themselves(ws, tmp_path):
    bad = tmp_path / "dayone.zip"
    entries = [
        {
            "uuid": "A1",
            "creationDate": "2026-04-01T08:00:00Z",
            "timeZone": "Not/AZone",
            "text": "Photo below ![](dayone-moment://P1)",
            "photos": [{"identifier": "P1", "md5": "abc", "type": "jpeg"}],
        },
        "not an entry",
        {"uuid": "A3", "creationDate": "yesterday-ish", "text": "bad date"},
    ]
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("Journal.json", json.dumps({"entries": entries}))
        zf.writestr("photos/abc.jpeg", b"<html>this is not a photo</html>")
    report = run_import(ws, "dayone", bad)
    assert [i.day for i in report.imported] == ["2026-04-01"]
    assert report.imported[0].notes == [
        "abc.jpeg is named as a JPEG image but its content is not one (the file is damaged "
        "or misnamed); it was left out."
    ]
    assert len(report.skipped) == 2
    assert not (ws.home / "media").exists()
    body = ws.journal.list()[0].body
    assert body.startswith("Photo below") and "dayone-moment" not in body


def test_a_zip_without_a_journal_and_a_folder_given_as_a_file(ws, tmp_path):
    empty = tmp_path / "other.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(BadInput, match=r"holds no Journal\.json"):
        run_import(ws, "dayone", empty)
    with pytest.raises(BadInput, match="is not a folder"):
        run_import(ws, "markdown", empty)
    with pytest.raises(BadInput, match="does not exist"):
        run_import(ws, "markdown", tmp_path / "nowhere")


def test_vault_images_outside_the_folder_are_not_read(ws, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n private")
    folder = tmp_path / "vault"
    folder.mkdir()
    (folder / "Note.md").write_text("![x](../secret.png) ![y](/etc/hostname)\n")
    report = run_import(ws, "markdown", folder)
    assert not (ws.home / "media").exists()
    assert ws.journal.list()[0].body == "![x](../secret.png) ![y](/etc/hostname)\n"
    assert len(report.imported[0].notes) == 2


def test_restore_refuses_a_folder_a_window_has_open(ws, tmp_path):
    info = core_backup.backup(ws.home, ws.clock, tmp_path / "b.zip")
    target = tmp_path / "open"
    target.mkdir()
    lock = target / "pkm.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(BadInput, match="pkm is open on"):
            core_backup.restore(info.path, target, ws.clock)
    finally:
        os.close(fd)
    core_backup.restore(info.path, target, ws.clock)  # once it is closed
    assert (target / "pkm.db").is_file()


def test_dayone_pdf_and_audio_attachments_are_kept_as_links(ws, tmp_path):
    export = tmp_path / "dayone.zip"
    entry = {
        "uuid": "B1",
        "creationDate": "2026-04-02T08:00:00Z",
        "text": "Agenda: ![](dayone-moment:/pdfAttachment/D1)",
        "pdfAttachments": [
            {"identifier": "D1", "md5": "d1", "type": "pdf", "filename": "agenda.pdf"}
        ],
        "audios": [{"identifier": "A1", "md5": "a1", "type": "m4a"}],
    }
    with zipfile.ZipFile(export, "w") as zf:
        zf.writestr("Journal.json", json.dumps({"entries": [entry]}))
        zf.writestr("pdfs/d1.pdf", b"%PDF-1.4 agenda")
        zf.writestr("audios/a1.m4a", b"\x00\x00\x00\x20ftypM4A voice memo")
    run_import(ws, "dayone", export)
    body = ws.journal.list()[0].body
    assert body.startswith("Agenda: [agenda.pdf](media/")
    assert "\n\n[audio recording](media/" in body and body.count("](media/") == 2
