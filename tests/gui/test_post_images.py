"""A post with a photo, in the window: the preview shows it, a folder gets the file beside
the post, and a Slack channel is told beforehand that it gets words instead.

Real window, real clicks; the entry's photo is put in the media store the way a paste
does (pkm.core.media) and the published files are read back from disk.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QColor

from pkm.gui.share.post_window import PostWindow
from tests.gui import share_helpers as h
from tests.gui.share_helpers import LEFT
from tests.publish.pictures import HILLS, entry_with_image, landscape

webhooks = h.webhooks
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _hill_pixels(image) -> int:
    """How many pixels of the photo's hills the widget shows (sampled every 2 px)."""
    n = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = QColor(image.pixel(x, y))
            if all(
                abs(a - b) < 10 for a, b in zip((c.red(), c.green(), c.blue()), HILLS, strict=True)
            ):
                n += 1
    return n


def _post_window(o) -> PostWindow:
    share = h.share_of(o)
    o.qtbot.waitUntil(lambda: bool(share.post_windows), timeout=10_000)
    w = share.post_windows[-1]
    o.qtbot.waitUntil(lambda: w.context is not None and w.isVisible(), timeout=10_000)
    return w


def _share_entry(o, entry_id: int, target: str) -> PostWindow:
    """Open the entry, press Share this… and choose the target in the post window."""
    o.window.open_entry.emit(entry_id)
    o.qtbot.waitUntil(lambda: o.editor.entry_id == entry_id, timeout=10_000)
    o.window.stages["share"].share_this.action.trigger()
    w = _post_window(o)
    w.target_box.setCurrentIndex(w.target_box.findData(target))
    return w


def test_publishing_a_post_with_a_photo_to_a_folder(open_window, tmp_path, clock, webhooks):
    out = tmp_path / "published"
    made = {}

    def setup(ws) -> None:
        ws.publishing.add_target("intranet", "folder", url=str(out))
        ws.publishing.add_target("all-hands", "slack", secret=webhooks.url + webhooks.SLACK)
        entry, stored = entry_with_image(
            ws, title="The offsite by the lake", data=landscape(900, 500), alt="The lake at dawn",
            before="We met by the lake and said what worried us.",
            after="Trust came first; the plan followed.",
        )  # fmt: skip
        made.update(entry=entry.id, ref=stored.ref)

    o = h.open_with_targets(open_window, tmp_path / "ws", clock, setup)
    qtbot = o.qtbot
    w = _share_entry(o, made["entry"], "intranet")
    assert made["ref"] in w.text.toPlainText()
    # The preview draws the photo from the data folder, scaled to the pane.
    qtbot.waitUntil(lambda: _hill_pixels(w.preview.viewport().grab().toImage()) > 1000,
                    timeout=10_000)  # fmt: skip
    assert "The image is copied into the folder, beside the post." in w.warning.text()
    button = w.publish_button
    qtbot.waitUntil(lambda: button.width() >= button.sizeHint().width(), timeout=5_000)
    shot = w.grab()
    path = SHOTS / "post-image.png" if os.environ.get("PKM_SCREENSHOTS") else tmp_path / "p.png"
    assert shot.save(str(path))

    # Slack takes no images: the preview says so before anything is sent.
    w.target_box.setCurrentIndex(w.target_box.findData("all-hands"))
    qtbot.waitUntil(lambda: "Images are not sent to Slack" in w.warning.text(), timeout=10_000)
    assert "[image: The lake at dawn]" in w.preview.toPlainText()
    assert _hill_pixels(w.preview.viewport().grab().toImage()) == 0
    slack = (
        SHOTS / "post-image-slack.png" if os.environ.get("PKM_SCREENSHOTS") else tmp_path / "s.png"
    )
    assert w.grab().save(str(slack))

    # Publish to the folder: the post's file, and the photo copied beside it.
    w.target_box.setCurrentIndex(w.target_box.findData("intranet"))
    qtbot.waitUntil(lambda: w.publish_button.text() == "Publish to intranet", timeout=10_000)
    qtbot.mouseClick(w.publish_button, LEFT)
    qtbot.waitUntil(lambda: h.share_of(o).preview_dialog is not None, timeout=10_000)
    dialog = h.share_of(o).preview_dialog
    qtbot.waitUntil(dialog.isVisible)
    # The last look before sending shows the photo too, and says where it goes.
    qtbot.waitUntil(lambda: _hill_pixels(dialog.body.viewport().grab().toImage()) > 1000,
                    timeout=10_000)  # fmt: skip
    assert "The image is copied into the folder, beside the post." in dialog.notes.text()
    qtbot.mouseClick(dialog.publish_button, LEFT)
    qtbot.waitUntil(lambda: (out / made["ref"]).is_file(), timeout=10_000)
    [md] = list(out.glob("*.md"))
    assert f"![The lake at dawn]({made['ref']})" in md.read_text(encoding="utf-8")
    assert (out / made["ref"]).read_bytes() == (o.ws.home / made["ref"]).read_bytes()
    qtbot.waitUntil(lambda: "Published to intranet" in w.state.text(), timeout=10_000)
    assert not webhooks.writes("POST")  # the other target was only previewed


def test_mastodon_preview_shows_the_photo_attached_and_counts_only_the_text(
    open_window, tmp_path, clock
):
    from tests.publish import doubles

    server = doubles.Mastodon()
    made = {}

    def setup(ws) -> None:
        ws.publishing.add_target("social", "mastodon", url=server.url, secret=server.token)
        entry, _ = entry_with_image(ws, title="By the lake", data=landscape(600, 300),
                                    alt="The lake at dawn")  # fmt: skip
        made["entry"] = entry.id

    try:
        o = h.open_with_targets(open_window, tmp_path / "ws", clock, setup)
        qtbot = o.qtbot
        w = _share_entry(o, made["entry"], "social")
        qtbot.waitUntil(lambda: _hill_pixels(w.preview.viewport().grab().toImage()) > 500,
                        timeout=10_000)  # fmt: skip
        assert "[image" not in w.preview.toPlainText()  # attached, not written into the text
        assert "The image will be uploaded to Mastodon first." in w.warning.text()
        text = f"{w.title_edit.text()}\n\nWe met by the lake.\n\nTrust came first.\n\n#offsite"
        assert w.counter.text() == f"{500 - len(text)} characters left on Mastodon"
    finally:
        server.close()


def test_five_photos_for_mastodon_are_refused_before_sending_in_words(open_window, tmp_path, clock):
    from tests.publish import doubles
    from tests.publish.pictures import png, store

    server = doubles.Mastodon()
    made = {}

    def setup(ws) -> None:
        ws.publishing.add_target("social", "mastodon", url=server.url, secret=server.token)
        refs = [store(ws, png(30 + i, 20)).ref for i in range(5)]
        body = "Five moments.\n\n" + "\n\n".join(f"![moment {i}]({r})" for i, r in enumerate(refs))
        made["entry"] = ws.journal.create(kind="note", title="Five", body=body).id

    try:
        o = h.open_with_targets(open_window, tmp_path / "ws", clock, setup)
        qtbot = o.qtbot
        w = _share_entry(o, made["entry"], "social")
        said = "The post has 5 images and Mastodon shows at most 4 with a post."
        qtbot.waitUntil(lambda: said in w.warning.text(), timeout=10_000)
        qtbot.mouseClick(w.publish_button, LEFT)  # the preview's dry run stops at the limit
        qtbot.waitUntil(lambda: said in h.status_text(o), timeout=10_000)
        assert h.share_of(o).preview_dialog is None
        assert not server.writes("POST") and not server.statuses
    finally:
        server.close()
