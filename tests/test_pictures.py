"""Pictures put into an entry: checked before anything is written, kept once."""

from __future__ import annotations

import os

import pytest

from pkm.core.errors import BadInput
from pkm.core.media import MAX_BYTES, MediaStore
from pkm.core.pictures import keep_picture, read_picture

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_same_picture_twice_is_one_file(tmp_path):
    media = MediaStore(tmp_path)
    first = keep_picture(media, PNG, "board.png")
    again = keep_picture(media, PNG, "copy of board.png")
    assert first.ref == again.ref and first.ref.endswith(".png") and first.is_image
    assert first.new and not again.new
    assert len(list((tmp_path / "media").iterdir())) == 1


def test_what_is_not_a_picture_is_refused_in_words_and_nothing_is_written(tmp_path):
    media = MediaStore(tmp_path)
    with pytest.raises(BadInput, match=r"“minutes.pdf” is not a picture \(PNG, JPG, GIF, WEBP\)"):
        keep_picture(media, b"%PDF-1.7", "minutes.pdf")
    with pytest.raises(BadInput, match="HEIC picture, which pkm cannot show; save it as JPEG"):
        keep_picture(media, b"\x00\x00\x00\x18ftypheic", "IMG_0001.HEIC")
    with pytest.raises(BadInput, match="named as a JPG image but its content is not one"):
        keep_picture(media, b"hello", "photo.jpg")
    with pytest.raises(BadInput, match="empty"):
        keep_picture(media, b"", "blank.png")
    assert not (tmp_path / "media").exists()


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "video.png"
    with open(big, "wb") as fh:  # sparse: the size is on disk, the bytes are not
        fh.truncate(MAX_BYTES + 1)
    with pytest.raises(BadInput, match=r"“video.png” was not added: it is 52 MB"):
        read_picture(big)
    missing = tmp_path / "gone.png"
    with pytest.raises(BadInput, match=r"“gone.png” could not be read"):
        read_picture(missing)
    assert os.path.getsize(big) == MAX_BYTES + 1
