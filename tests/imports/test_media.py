"""The media store: one file per content, images checked, a clear sentence when refused."""

from __future__ import annotations

import pytest

from pkm.core import media
from pkm.core.errors import BadInput
from pkm.core.media import MediaStore

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_same_bytes_are_stored_once_and_named_by_their_hash(tmp_path):
    store = MediaStore(tmp_path)
    a = store.add(PNG, "first name.png")
    b = store.add(PNG, "another name.jpg")  # the content says PNG: named .png
    assert a.ref == b.ref and a.new and not b.new and a.is_image
    assert [p.name for p in (tmp_path / "media").iterdir()] == [a.ref.split("/")[1]]
    assert store.path_of(a.ref).read_bytes() == PNG
    assert store.path_of("media/../pkm.db") is None  # only our own names resolve


def test_misnamed_images_empty_and_huge_files_are_refused_with_the_reason(tmp_path, monkeypatch):
    store = MediaStore(tmp_path)
    with pytest.raises(BadInput, match=r"photo.jpg is named as a JPG image but its content"):
        store.add(b"<html>not a photo</html>", "photo.jpg")
    with pytest.raises(BadInput, match="is empty"):
        store.add(b"", "nothing.png")
    monkeypatch.setattr(media, "MAX_BYTES", 10)
    with pytest.raises(BadInput, match="was left out: it is 0 MB, over the 0 MB"):
        store.add(b"x" * 11, "video.mov")
    assert not (tmp_path / "media").exists()


def test_other_files_are_attachments_and_a_dry_run_writes_nothing(tmp_path):
    dry = MediaStore(tmp_path, dry_run=True)
    pdf = dry.add(b"%PDF-1.4 tiny", "Agenda.PDF")
    assert pdf.ref.endswith(".pdf") and not pdf.is_image
    heic = dry.add(b"\x00\x00\x00\x18ftypheic", "IMG_0001.HEIC")
    assert heic.ref.endswith(".heic") and not heic.is_image  # kept, but not shown inline
    assert media.markdown_for(pdf, "Agenda [final]") == f"[Agenda (final)]({pdf.ref})"
    assert not (tmp_path / "media").exists()
