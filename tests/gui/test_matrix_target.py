"""Settings → Targets with a Matrix room: the form, Test connection against a real Synapse, Save.

Synapse is the one of tests/publish/synapse.py (skipped with a reason when it is not
installed); the keyring is the in-memory one of tests/conftest.py.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from pkm.gui.settings_dialog import SettingsDialog
from pkm.gui.share.target_dialog import KIND_ROLE, TargetDialog
from tests.gui import share_helpers as h
from tests.gui.share_helpers import LEFT
from tests.publish.synapse import synapse_fixture

synapse = synapse_fixture
CTRL = Qt.KeyboardModifier.ControlModifier
SHOTS = os.environ.get("PKM_SCREENSHOT_DIR", "")


def _open_add_dialog(o) -> tuple[SettingsDialog, TargetDialog]:
    qtbot = o.qtbot
    qtbot.keyClick(o.editor.text, Qt.Key.Key_Comma, CTRL)
    qtbot.waitUntil(lambda: h.active_dialog(SettingsDialog) is not None)
    settings = h.active_dialog(SettingsDialog)
    pages = settings.pages_list
    item = pages.findItems("Targets", Qt.MatchFlag.MatchExactly)[0]
    qtbot.mouseClick(pages.viewport(), LEFT, pos=pages.visualItemRect(item).center())
    qtbot.mouseClick(settings.stack.currentWidget().panel.add_button, LEFT)
    qtbot.waitUntil(lambda: h.active_dialog(TargetDialog) is not None)
    return settings, h.active_dialog(TargetDialog)


def _choose_matrix(o, dialog: TargetDialog) -> None:
    kinds = dialog.kinds
    item = next(
        kinds.item(i) for i in range(kinds.count()) if kinds.item(i).data(KIND_ROLE) == "matrix"
    )
    assert item.text() == "Matrix"
    kinds.scrollToItem(item)
    o.qtbot.mouseClick(kinds.viewport(), LEFT, pos=kinds.visualItemRect(item).center())
    assert dialog.form.kind.kind == "matrix"


def _type(o, box: QLineEdit, text: str) -> None:
    box.selectAll()
    o.qtbot.keyClicks(box, text)


def test_add_a_matrix_room_test_the_connection_and_save(
    open_window, tmp_path, clock, synapse, memory_keyring
):
    o = h.open_with_targets(open_window, tmp_path / "ws", clock, lambda ws: None)
    qtbot = o.qtbot
    settings, dialog = _open_add_dialog(o)
    _choose_matrix(o, dialog)
    form = dialog.form
    assert form.url.isVisibleTo(dialog) and not form.user.isVisibleTo(dialog)
    assert form.secret.echoMode() == QLineEdit.EchoMode.Password
    assert form.name.text() == "matrix-room"  # suggested
    room = form.options["room"]
    assert "#team:example.org" in room.placeholderText()

    _type(o, form.url, synapse.url)
    _type(o, form.secret, "syt_wrong_token_0000")
    _type(o, room, "#leadership:localhost")
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: dialog.result.text().startswith("⚠"), timeout=15_000)
    assert "did not accept the access token" in dialog.result.text()
    assert "syt_wrong" not in dialog.result.text()

    _type(o, form.secret, synapse.tokens["anna"])
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: dialog.result.text().startswith("✓"), timeout=15_000)
    assert "as @anna:localhost" in dialog.result.text()
    assert "“Leadership team” (#leadership:localhost)" in dialog.result.text()
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "matrix-target.png"))
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: h.gone(dialog))
    assert "Saved the target matrix-room." in h.status_text(o)

    target = o.ws.publishing.targets.get("matrix-room")
    assert target.kind == "matrix" and target.options["room"] == "#leadership:localhost"
    assert synapse.tokens["anna"] in memory_keyring.values()
    page = settings.stack.currentWidget()
    qtbot.waitUntil(lambda: page.panel.card("matrix-room") is not None)
    assert "as @anna:localhost" in page.panel.card("matrix-room").result.text()
    settings.close()
    o.close()
    data = b"".join(p.read_bytes() for p in o.ws.home.rglob("*") if p.is_file())
    assert synapse.tokens["anna"].encode() not in data


def test_publish_to_a_matrix_room_from_the_editor_then_edit_it(
    open_window, tmp_path, clock, synapse
):
    o = h.open_with_targets(
        open_window,
        tmp_path / "ws",
        clock,
        lambda ws: ws.publishing.add_target(
            "leaders",
            "matrix",
            url=synapse.url,
            options={"room": "#leadership:localhost"},
            secret=synapse.tokens["anna"],
        ),
    )
    qtbot = o.qtbot
    h.write_entry(o, "Working out loud in the room", "Share the *half-formed* thought.")
    h.click_menu_item(o, target="leaders")
    qtbot.waitUntil(lambda: h.share_of(o).preview_dialog is not None, timeout=15_000)
    dialog = h.share_of(o).preview_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert f"leaders · Matrix · room #leadership:localhost on {synapse.url}" in dialog.where.text()
    assert "Publishing again later updates this same post." in dialog.notes.text()
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "matrix-preview.png"))
    qtbot.mouseClick(dialog.publish_button, LEFT)
    qtbot.waitUntil(
        lambda: "Published “Working out loud in the room” to leaders." in h.status_text(o),
        timeout=15_000,
    )
    qtbot.mouseClick(h.status_button(o), LEFT)  # "Open": the event's matrix.to link
    (url,) = o.opened_urls
    assert url.startswith(f"https://matrix.to/#/{synapse.room}/$")
    event_id = o.ws.publishing.publications()[0].remote_id
    content = synapse.event("anna", synapse.room, event_id)["content"]
    assert "<em>half-formed</em>" in content["formatted_body"]

    qtbot.keyClicks(o.editor.text, " Second thoughts.")
    h.click_menu_item(o, target="leaders")
    qtbot.waitUntil(
        lambda: "Updated “Working out loud in the room” on leaders." in h.status_text(o),
        timeout=15_000,
    )
    latest = synapse.event("anna", synapse.room, event_id)["unsigned"]["m.relations"]["m.replace"]
    assert latest["content"]["m.new_content"]["body"].endswith("Second thoughts.")
