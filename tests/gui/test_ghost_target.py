"""Settings → Targets with a real Ghost 6: add it, Test connection, a wrong key in words.

Needs the Ghost of .ci/ghost-setup (skipped with the reason otherwise); the
screenshot of the filled-in dialog is saved for people to look at.
"""

from __future__ import annotations

import pytest

from pkm.gui.share.target_dialog import TargetDialog
from tests.gui import share_helpers as h
from tests.gui.share_helpers import LEFT
from tests.gui.test_targets_settings import _add_dialog, _choose_kind, _open_targets_page, _type

pytestmark = [pytest.mark.gui, pytest.mark.integration]


def test_add_ghost_and_test_the_connection(open_window, tmp_path, clock, ghost, memory_keyring):
    o = h.open_with_targets(open_window, tmp_path / "ws", clock, lambda ws: None)
    qtbot = o.qtbot
    settings = _open_targets_page(o)
    dialog = _add_dialog(o, settings)
    _choose_kind(o, dialog, "ghost")
    form = dialog.form
    assert form.url.isVisibleTo(dialog) and form.secret.isVisibleTo(dialog)
    assert not form.user.isVisibleTo(dialog)  # the Admin API key is all Ghost needs
    assert form.draft_default.isVisibleTo(dialog)
    assert dialog.grab().save(str(tmp_path / "ghost-empty.png"))  # to look at
    _type(o, form.name, "blog")
    _type(o, form.url, ghost.url + "/ghost/")  # the admin address, as copied from the browser
    _type(o, form.secret, "22444f78447824223cefc48062")  # the Content API key: a common mix-up
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: "Content API key" in dialog.result.text(), timeout=10_000)
    assert "Admin API key" in dialog.result.text()

    _type(o, form.secret, ghost.key)
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: dialog.result.text().startswith("✓"), timeout=30_000)
    assert "Signed in to Ghost 6" in dialog.result.text()
    assert "'pkm test blog'" in dialog.result.text()
    assert dialog.grab().save(str(tmp_path / "ghost-target.png"))  # to look at
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: h.gone(dialog))

    target = o.ws.publishing.targets.get("blog")
    assert target.kind == "ghost" and target.url == ghost.url
    assert ghost.key in memory_keyring.values()
    assert h.active_dialog(TargetDialog) is None
    settings.close()
    o.close()
    data = b"".join(p.read_bytes() for p in o.ws.home.rglob("*") if p.is_file())
    assert ghost.key.split(":")[1].encode() not in data


def test_publish_to_ghost_from_the_editor_and_an_edit_made_in_ghost_is_kept(
    open_window, tmp_path, clock, ghost
):
    o = h.open_with_targets(
        open_window,
        tmp_path / "ws",
        clock,
        lambda ws: ws.publishing.add_target("blog", "ghost", url=ghost.url, secret=ghost.key),
    )
    o.ws.publishing.timeout = 30.0  # Ghost's first post loads its HTML converter
    qtbot = o.qtbot
    title = f"Board narrative {tmp_path.name[-6:]}"
    h.write_entry(o, title, "Focus, *simplicity*, one bet. #strategy")
    h.click_menu_item(o, target="blog")
    qtbot.waitUntil(lambda: h.share_of(o).preview_dialog is not None, timeout=10_000)
    dialog = h.share_of(o).preview_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert "blog · Ghost" in dialog.where.text() and dialog.draft.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.publish_button, LEFT)
    qtbot.waitUntil(lambda: f"Published “{title}” to blog." in h.status_text(o), timeout=60_000)
    (post,) = ghost.posts_titled(title)
    assert post["status"] == "published" and [t["name"] for t in post["tags"]] == ["strategy"]
    qtbot.mouseClick(h.status_button(o), LEFT)  # "Open"
    assert o.opened_urls == [post["url"]]

    edited = ghost.edit_later(post, "<p>Edited in Ghost.</p>")
    assert edited.status_code == 200, edited.text
    qtbot.keyClicks(o.editor.text, " Second thoughts.")
    h.click_menu_item(o, target="blog")
    qtbot.waitUntil(lambda: "was changed in Ghost" in h.status_text(o), timeout=30_000)
    assert o.window.grab().save(str(tmp_path / "ghost-409.png"))  # to look at
    assert "Edited in Ghost." in ghost.post(post["id"])["html"]  # nothing overwritten
