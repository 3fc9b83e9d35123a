"""Export: Markdown with front matter, standalone HTML, a real PDF, an .eml draft."""

from __future__ import annotations

import email
import email.policy
import io
import stat
import unicodedata

import frontmatter
import pytest
from click.testing import CliRunner

from pkm.cli import cli
from pkm.cli.publish_cmds import qt_pdf_writer
from pkm.core import export
from pkm.core.errors import PkmError


def test_markdown_has_front_matter_that_static_site_tools_read(entry):
    text = export.export_bytes(entry, "md").decode()
    assert text.startswith("---\n")
    doc = frontmatter.loads(text)
    assert doc["title"] == entry.title
    assert str(doc["date"]) == entry.day
    assert set(doc["tags"]) == set(entry.tags)
    assert doc.content.strip() == entry.body.strip()  # the author's text, wiki links kept


def test_front_matter_survives_quotes_and_colons(ws):
    e = ws.journal.create(title='Strategy: "what now?" — part 2', body="x")
    assert frontmatter.loads(export.front_matter_markdown(e))["title"] == e.title


def test_html_is_a_standalone_sanitized_page(entry):
    html = export.export_bytes(entry, "html").decode()
    assert html.startswith("<!DOCTYPE html>")
    assert f"<title>{entry.title}</title>" in html
    assert "<strong>working out loud</strong>" in html and "pkm://" not in html


def test_eml_is_a_multipart_draft(entry):
    msg = email.message_from_bytes(export.export_bytes(entry, "eml"), policy=email.policy.default)
    assert msg["Subject"] == entry.title and msg["X-Unsent"] == "1"
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "the book (https://example.com/wol)" in plain
    assert "<strong>working out loud</strong>" in html


def test_pdf_is_a_real_pdf_with_the_text(entry, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    data = export.export_bytes(entry, "pdf", pdf_writer=qt_pdf_writer)
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    # The font draws "ff", "fi", "fl" as ligatures, which come back as one character
    # (U+FB00…): compare the letters, not the glyphs (the title is random).
    text = unicodedata.normalize("NFKC", text)
    assert entry.title in text
    assert "working out loud" in text and "ask for help early" in text
    assert reader.metadata.title == entry.title


def test_pdf_without_a_writer_says_what_to_do(entry):
    with pytest.raises(PkmError, match="export as html"):
        export.export_bytes(entry, "pdf")


def test_cli_export_writes_each_format(ws, entry, tmp_path):
    runner = CliRunner()
    for fmt in ("md", "html", "pdf", "eml"):
        out = tmp_path / f"e.{fmt}"
        r = runner.invoke(
            cli, ["--home", str(ws.home), "export", str(entry.id), "--format", fmt, "-o", str(out)]
        )
        assert r.exit_code == 0, r.output
        assert out.stat().st_size > 100
        assert stat.S_IMODE(out.stat().st_mode) & 0o044, "an export is for sharing: readable"
    assert (tmp_path / "e.pdf").read_bytes().startswith(b"%PDF")


def test_cli_export_default_name_and_stdout(ws, entry, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    r = runner.invoke(cli, ["--home", str(ws.home), "export", str(entry.id), "--format", "md"])
    assert r.exit_code == 0, r.output
    expected = tmp_path / export.default_filename(entry, "md")
    assert r.output.strip() == str(expected) and expected.exists()
    r = runner.invoke(
        cli, ["--home", str(ws.home), "export", str(entry.id), "--format", "html", "-o", "-"]
    )
    assert r.exit_code == 0 and "<!DOCTYPE html>" in r.output


def test_cli_export_unknown_entry(ws):
    r = CliRunner().invoke(cli, ["--home", str(ws.home), "export", "999", "--format", "md"])
    assert r.exit_code != 0
