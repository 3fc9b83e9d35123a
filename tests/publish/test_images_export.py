"""Exports keep an entry's images: beside a Markdown file or vault, inside HTML, PDF and email.

And only the media store's own files are ever read: an image path written in the text
(`/etc/passwd`, `../secret.png`, `media/../…`) never brings a file into an export.
"""

from __future__ import annotations

import base64
import email
import email.policy
import io
import re

import pytest

from pkm.cli.publish_cmds import qt_pdf_writer
from pkm.core import export
from tests.publish.pictures import entry_with_image, png

SECRET = b"\x89PNG\r\n\x1a\nTOP-SECRET-BYTES"  # looks like a PNG, so a lax reader would take it


@pytest.fixture
def hostile(ws, tmp_path):
    """An entry that names files outside the media store, next to one real image."""
    outside = tmp_path / "secret.png"
    outside.write_bytes(SECRET)
    (ws.home / "notes.png").write_bytes(SECRET)  # in the data folder, but not in media/
    entry, stored = entry_with_image(
        ws,
        before=(
            f"![passwd](/etc/passwd) ![secret]({outside}) ![up](../secret.png) "
            f"![inside](notes.png) ![dots](media/../notes.png) ![file](file://{outside})"
        ),
    )
    return entry, stored


def _leaks(data: bytes) -> bool:
    return b"TOP-SECRET" in data or base64.b64encode(SECRET)[:16] in data or b"root:" in data


def test_markdown_export_copies_the_image_beside_it(ws, tmp_path):
    entry, stored = entry_with_image(ws)
    out = tmp_path / "out" / "offsite.md"
    out.parent.mkdir()
    export.export_entry(entry, "md", out, media_home=ws.home)
    assert f"![Board offsite]({stored.ref})" in out.read_text()  # relative: works in Obsidian
    assert (out.parent / stored.ref).read_bytes() == (ws.home / stored.ref).read_bytes()


def test_vault_export_keeps_media_beside_the_notes(ws, tmp_path):
    entry, stored = entry_with_image(ws)
    result = export.export_vault([entry], ws.home, tmp_path / "vault")
    assert result.media == 1 and not result.missing_media
    note = (tmp_path / "vault" / "An offsite.md").read_text()
    assert f"]({stored.ref})" in note and (tmp_path / "vault" / stored.ref).is_file()


def test_html_export_embeds_the_image(ws):
    entry, stored = entry_with_image(ws)
    page = export.export_bytes(entry, "html", media_home=ws.home).decode()
    data = base64.b64encode((ws.home / stored.ref).read_bytes()).decode()
    assert f'src="data:image/png;base64,{data}"' in page and 'alt="Board offsite"' in page
    assert "media/" not in page  # nothing that only works inside pkm
    assert "img{max-width:100%;height:auto}" in page  # a wide photo fits the browser


def _drawn_images(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of every image drawn on every page, read from the
    transformation matrix in force at each `Do` (what a PDF viewer will paint)."""
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    drawn: list[tuple[float, float]] = []
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        images = {k for k, v in xobjects.items() if v.get_object()["/Subtype"] == "/Image"}

        def visit(op, args, cm, tm, images=images):
            if op == b"Do" and args and args[0] in images:
                drawn.append((abs(cm[0]), abs(cm[3])))

        page.extract_text(visitor_operand_before=visit)
    return drawn


A4_CONTENT_WIDTH = (210 - 36) / 25.4 * 72  # points: A4 less pkm's 18 mm margins


def test_pdf_shows_a_wide_photo_scaled_to_the_page(ws):
    entry, _ = entry_with_image(ws, data=png(3000, 600))
    pdf = export.export_bytes(entry, "pdf", pdf_writer=qt_pdf_writer, media_home=ws.home)
    [(width, height)] = _drawn_images(pdf)
    assert A4_CONTENT_WIDTH * 0.8 < width <= A4_CONTENT_WIDTH + 1
    assert width / height == pytest.approx(5, rel=0.02)  # the proportions are kept


def test_pdf_shows_a_small_image_at_its_size(ws):
    entry, _ = entry_with_image(ws, data=png(120, 80))
    pdf = export.export_bytes(entry, "pdf", pdf_writer=qt_pdf_writer, media_home=ws.home)
    [(width, _height)] = _drawn_images(pdf)
    assert width == pytest.approx(120 * 72 / 96, rel=0.05)  # 120 px at 96 dpi, not blown up


def test_pdf_book_shows_every_entrys_images(ws, tmp_path):
    first, _ = entry_with_image(ws, data=png(2000, 1500), title="One")
    second, _ = entry_with_image(ws, data=png(50, 50, (0, 90, 200)), title="Two")
    path = export.export_book(
        [first, second], ws.home, tmp_path / "book.pdf", title="Book", fmt="pdf",
        pdf_writer=qt_pdf_writer,
    )  # fmt: skip
    drawn = _drawn_images(path.read_bytes())
    assert len(drawn) == 2
    assert all(w <= A4_CONTENT_WIDTH + 1 for w, _h in drawn)


def test_html_book_embeds_images(ws, tmp_path):
    entry, stored = entry_with_image(ws)
    path = export.export_book([entry], ws.home, tmp_path / "book.html", title="Book")
    page = path.read_text()
    assert "data:image/png;base64," in page and f'src="{stored.ref}"' not in page


def test_email_draft_carries_the_image_as_a_related_part(ws):
    entry, stored = entry_with_image(ws)
    raw = export.export_bytes(entry, "eml", media_home=ws.home)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    html_part = msg.get_body(("html",))
    related = next(p for p in msg.walk() if p.get_content_type() == "multipart/related")
    [image] = [p for p in related.iter_parts() if p.get_content_maintype() == "image"]
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html_part.get_content()
    assert image.get_content() == (ws.home / stored.ref).read_bytes()
    assert "[image: Board offsite]" in msg.get_body(("plain",)).get_content()


def test_no_export_reads_a_path_written_in_the_text(ws, hostile, tmp_path):
    entry, stored = hostile
    html = export.export_bytes(entry, "html", media_home=ws.home)
    pdf = export.export_bytes(entry, "pdf", pdf_writer=qt_pdf_writer, media_home=ws.home)
    eml = export.export_bytes(entry, "eml", media_home=ws.home)
    book = export.book_html([entry], ws.home, "Book").encode()
    for data in (html, pdf, eml, book):
        assert not _leaks(data)
    for alt in ("passwd", "secret", "up", "inside", "dots", "file"):
        assert f"[image: {alt}]".encode() in html  # said in words, not fetched
    assert html.count(b"data:image/png") == 1  # the one real image is there
    assert len(_drawn_images(pdf)) == 1
    export.export_entry(entry, "md", tmp_path / "e" / "x.md", media_home=ws.home)
    export.export_vault([entry], ws.home, tmp_path / "vault")
    for folder in (tmp_path / "e", tmp_path / "vault"):
        files = [p for p in folder.rglob("*") if p.is_file()]
        assert not any(_leaks(p.read_bytes()) for p in files)
        assert {p.name for p in files if p.parent.name == "media"} == {stored.ref[6:]}


def test_cli_exports_keep_images(ws, cli, tmp_path):
    entry, stored = entry_with_image(ws)
    out = tmp_path / "one.html"
    assert cli("export", str(entry.id), "--format", "html", "-o", str(out)).code == 0
    assert "data:image/png;base64," in out.read_text()
    assert cli("export", "--all", "--format", "md", "-o", str(tmp_path / "v")).code == 0
    assert (tmp_path / "v" / stored.ref).is_file()
    book = tmp_path / "b.pdf"
    assert cli("export", "--all", "--format", "pdf", "-o", str(book)).code == 0
    assert len(_drawn_images(book.read_bytes())) == 1


def test_an_image_missing_from_the_store_is_named_not_fatal(ws, tmp_path):
    entry, stored = entry_with_image(ws)
    (ws.home / stored.ref).unlink()
    page = export.export_bytes(entry, "html", media_home=ws.home).decode()
    assert "[image: Board offsite]" in page and re.search(r"We met by the lake", page)
    result = export.export_vault([entry], ws.home, tmp_path / "vault")
    assert result.missing_media == (stored.ref,)
