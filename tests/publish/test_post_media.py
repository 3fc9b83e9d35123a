"""The pieces under images in posts and exports: which images a text shows, how each target's
text names them, and an image's size read from its header."""

from __future__ import annotations

import struct

from pkm.core.images import fit_within, pixel_size
from pkm.core.publish.post_media import (
    MediaApi,
    images_in,
    shape_html,
    shape_markdown,
    shaped,
    with_sizes,
)
from pkm.core.publish.render import build_post
from tests.publish.pictures import png, store


def test_images_in_reads_only_media_store_images_outside_code(ws):
    a = store(ws, png(10, 10)).ref
    b = store(ws, png(11, 10)).ref
    text = (
        f"![one]({a}) and again ![one more]({a})\n\n```\n![in code]({b})\n```\n\n"
        f"`![span]({b})` ![gone](media/{'0' * 64}.png) ![up](../{a}) ![pdf](media/{'1' * 64}.pdf)"
    )
    found = images_in(text, ws.home)
    assert [(i.ref, i.alt) for i in found] == [(a, "one"), ("media/" + "0" * 64 + ".png", "gone")]
    assert found[0].size > 0 and found[1].size == -1  # missing: named, never guessed at
    assert images_in(text, None) == ()


def test_each_target_gets_its_own_text(ws):
    ref = store(ws, png()).ref
    entry = ws.journal.create(kind="note", title="T", body=f"Before\n\n![Lake]({ref})\n\nAfter")
    post = build_post(entry, media_home=ws.home)
    assert "[image: Lake]" in post.plain
    uploaded = tuple(
        i.__class__(i.ref, i.alt, i.path, i.size, url="https://cdn/x.png") for i in post.images
    )
    blog = shaped(post, MediaApi("a blog"), uploaded)
    assert 'src="https://cdn/x.png"' in blog.html and "](https://cdn/x.png)" in blog.markdown
    social = shaped(post, MediaApi("Mastodon", attached=True), uploaded)
    assert "[image" not in social.plain and social.plain == "Before\n\nAfter"
    chat = shaped(post, None)
    assert "<img" not in chat.html and "[image: Lake]" in chat.html
    assert "[image: Lake]" in chat.markdown and "media/" not in chat.markdown + chat.html


def test_local_paths_become_words_and_web_images_stay():
    html = ('<p><img alt="a" src="/etc/passwd"> <img alt="w" src="https://ex.com/w.png"> '
            '<a href="../x.pdf">doc</a> <a href="https://ex.com">web</a></p>')  # fmt: skip
    out = shape_html(html, {})
    assert "[image: a]" in out and 'src="https://ex.com/w.png"' in out
    assert "doc" in out and "../x.pdf" not in out and 'href="https://ex.com"' in out
    md = shape_markdown("![a](/etc/passwd) [doc](../x.pdf) `![k](/keep)`", {})
    assert md == "[image: a] doc `![k](/keep)`"  # code is left as written


def test_with_sizes_fits_the_box(ws):
    ref = store(ws, png(1600, 800)).ref
    images = images_in(f"![x]({ref})", ws.home)
    out = with_sizes(f'<img alt="x" src="{ref}">', images, 400, 800)
    assert 'width="400" height="200"' in out
    small = store(ws, png(100, 50)).ref
    assert "width" not in with_sizes(
        f'<img src="{small}">', images_in(f"![s]({small})", ws.home), 400, 800
    )


def _jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def test_pixel_size_of_each_format():
    assert pixel_size(png(123, 45)) == (123, 45)
    assert pixel_size(_jpeg(4032, 3024)) == (4032, 3024)
    assert pixel_size(b"GIF89a" + struct.pack("<HH", 300, 200) + b"\x00" * 8) == (300, 200)
    vp8l = b"RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f" + (
        (640 - 1) | ((480 - 1) << 14)
    ).to_bytes(4, "little")
    assert pixel_size(vp8l) == (640, 480)
    vp8x = (
        b"RIFF\x00\x00\x00\x00WEBPVP8X"
        + b"\x00" * 8
        + (1999).to_bytes(3, "little")
        + (999).to_bytes(3, "little")
    )
    assert pixel_size(vp8x) == (2000, 1000)
    assert pixel_size(b"not an image") is None and pixel_size(b"\xff\xd8\xff") is None
    assert fit_within((3000, 600), 640, 900) == (640, 128)
    assert fit_within((600, 3000), 640, 900) == (180, 900)
    assert fit_within((100, 100), 640, 900) is None


def test_a_post_to_paste_by_hand_says_to_add_the_picture_there(ws):
    from pkm.core.publish.media_upload import as_previewed

    ref = store(ws, png()).ref
    entry = ws.journal.create(kind="note", title="T", body=f"Words\n\n![Lake]({ref})")
    post, said = as_previewed(None, build_post(entry, media_home=ws.home), "LinkedIn")
    assert said == (
        "Images are not sent to LinkedIn: the text says [image: Lake] in its place. "
        "Add the picture there after pasting."
    )
    assert "[image: Lake]" in post.plain
