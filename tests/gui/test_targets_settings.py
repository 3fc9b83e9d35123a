"""Settings → Targets and the Add target dialog: kinds, fields, test connection, secrets.

A webhook double and a Micropub double on 127.0.0.1 and a real folder; the
keyring is the in-memory one of tests/conftest.py, or none at all.
"""

from __future__ import annotations

import keyring
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from pkm.gui.settings_dialog import SettingsDialog
from pkm.gui.share.look import LINE_ROLE
from pkm.gui.share.passphrase_dialog import PassphraseDialog
from pkm.gui.share.target_dialog import KIND_ROLE, TargetDialog
from tests.gui import share_helpers as h
from tests.gui.share_helpers import LEFT, MICROPUB_TOKEN

micropub = h.micropub
webhooks = h.webhooks
CTRL = Qt.KeyboardModifier.ControlModifier


def _data_bytes(o) -> bytes:
    return b"".join(p.read_bytes() for p in o.ws.home.rglob("*") if p.is_file())


def _open_targets_page(o) -> SettingsDialog:
    qtbot = o.qtbot
    qtbot.keyClick(o.editor.text, Qt.Key.Key_Comma, CTRL)
    qtbot.waitUntil(lambda: h.active_dialog(SettingsDialog) is not None)
    dialog = h.active_dialog(SettingsDialog)
    pages = dialog.pages_list
    item = pages.findItems("Targets", Qt.MatchFlag.MatchExactly)[0]
    qtbot.mouseClick(pages.viewport(), LEFT, pos=pages.visualItemRect(item).center())
    assert dialog.stack.currentWidget().__class__.__name__ == "TargetsPage"
    return dialog


def _add_dialog(o, settings: SettingsDialog) -> TargetDialog:
    page = settings.stack.currentWidget()
    o.qtbot.mouseClick(page.panel.add_button, LEFT)
    o.qtbot.waitUntil(lambda: h.active_dialog(TargetDialog) is not None)
    return h.active_dialog(TargetDialog)


def _choose_kind(o, dialog: TargetDialog, kind: str) -> None:
    kinds = dialog.kinds
    item = next(
        kinds.item(i) for i in range(kinds.count()) if kinds.item(i).data(KIND_ROLE) == kind
    )
    kinds.scrollToItem(item)
    o.qtbot.mouseClick(kinds.viewport(), LEFT, pos=kinds.visualItemRect(item).center())
    assert dialog.form.kind.kind == kind


def _type(o, box: QLineEdit, text: str) -> None:
    box.selectAll()
    o.qtbot.keyClicks(box, text)


def test_add_a_webhook_target_test_it_and_keep_its_secret_out_of_the_files(
    open_window, tmp_path, clock, webhooks, memory_keyring
):
    o = h.open_with_targets(open_window, tmp_path / "ws", clock, lambda ws: None)
    qtbot = o.qtbot
    settings = _open_targets_page(o)
    dialog = _add_dialog(o, settings)
    kinds = [dialog.kinds.item(i) for i in range(dialog.kinds.count())]
    slack = next(k for k in kinds if k.data(KIND_ROLE) == "slack")
    assert slack.text() == "Slack"  # each kind with one line saying what it does
    assert slack.data(LINE_ROLE).startswith("Posts to a channel through an incoming webhook.")
    _choose_kind(o, dialog, "mattermost")
    form = dialog.form
    assert not form.url.isVisibleTo(dialog) and not form.user.isVisibleTo(dialog)  # only its fields
    assert form.secret.echoMode() == QLineEdit.EchoMode.Password
    qtbot.waitUntil(lambda: "system keyring" in form.secret_hint.text())
    _type(o, form.name, "Team chat")
    assert form.name.text() == "Team chat"  # kept as typed; the id is made from it
    assert "Team-chat" in form.name_id.text()
    hook = webhooks.url + webhooks.MATTERMOST
    _type(o, form.secret, hook)
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: "well formed" in dialog.result.text(), timeout=10_000)
    assert dialog.result.text().startswith("✓")
    assert "pkm publish" not in dialog.result.text()
    assert webhooks.requests == []  # testing a webhook never posts
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: h.gone(dialog))
    assert "Saved the target Team chat." in h.status_text(o)

    target = o.ws.publishing.targets.get("Team-chat")
    assert target.kind == "mattermost" and "mmsecrethookid" not in target.url
    assert hook in memory_keyring.values()
    page = settings.stack.currentWidget()
    qtbot.waitUntil(lambda: page.panel.card("Team-chat") is not None)
    assert (
        "Test just now: The Mattermost webhook URL is stored"
        in page.panel.card("Team-chat").result.text()
    )
    settings.close()
    o.close()
    assert b"mmsecrethookid" not in _data_bytes(o)


def test_a_refused_token_shows_in_words_and_edit_fixes_it(open_window, tmp_path, clock, micropub):
    o = h.open_with_targets(open_window, tmp_path / "ws", clock, lambda ws: None)
    qtbot = o.qtbot
    settings = _open_targets_page(o)
    dialog = _add_dialog(o, settings)
    _choose_kind(o, dialog, "micropub")
    form = dialog.form
    assert form.url.isVisibleTo(dialog) and form.draft_default.isVisibleTo(dialog)
    _type(o, form.name, "blog")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.result.text() == "Fill in the site address."  # said before anything is sent
    _type(o, form.url, micropub.url + "/")
    _type(o, form.secret, "wrong-token-0000")
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: dialog.result.text().startswith("⚠"), timeout=10_000)
    assert "403" in dialog.result.text() and "not valid for this site" in dialog.result.text()
    assert "wrong-token" not in dialog.result.text()
    qtbot.mouseClick(dialog.save_button, LEFT)  # kept as typed; fixed below
    qtbot.waitUntil(lambda: h.gone(dialog))

    page = settings.stack.currentWidget()
    qtbot.waitUntil(lambda: page.panel.card("blog") is not None)
    card = page.panel.card("blog")
    assert "403" in card.result.text()
    qtbot.mouseClick(card.edit_button, LEFT)
    qtbot.waitUntil(lambda: h.active_dialog(TargetDialog) is not None)
    edit = h.active_dialog(TargetDialog)
    assert edit.form.name.isReadOnly() and edit.form.url.text() == micropub.url
    assert "leave empty to keep it" in edit.form.secret.placeholderText()
    _type(o, edit.form.secret, MICROPUB_TOKEN)
    qtbot.mouseClick(edit.test_button, LEFT)
    qtbot.waitUntil(lambda: edit.result.text().startswith("✓"), timeout=10_000)
    assert "accepted the token" in edit.result.text()
    qtbot.mouseClick(edit.save_button, LEFT)
    qtbot.waitUntil(lambda: h.gone(edit))
    qtbot.waitUntil(lambda: "accepted the token" in page.panel.card("blog").result.text())
    settings.close()


def test_a_folder_target_is_chosen_with_the_folder_chooser(open_window, tmp_path, clock):
    o = h.open_with_targets(open_window, tmp_path / "ws", clock, lambda ws: None)
    qtbot = o.qtbot
    folder = tmp_path / "Reflections"
    h.share_of(o).choose_folder = lambda *a: str(folder)
    settings = _open_targets_page(o)
    dialog = _add_dialog(o, settings)
    _choose_kind(o, dialog, "folder")
    qtbot.mouseClick(dialog.findChild(object, "targetBrowse"), LEFT)
    assert dialog.form.url.text() == str(folder)
    qtbot.mouseClick(dialog.form.formats["pdf"], LEFT)
    assert not dialog.form.secret.isVisibleTo(dialog)  # a folder needs no secret
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: "is writable" in dialog.result.text(), timeout=10_000)
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: h.gone(dialog))
    t = o.ws.publishing.targets.get("folder")
    assert t.url == str(folder) and t.option("formats") == "md,pdf"
    settings.close()


def test_cancel_after_a_test_removes_the_target_the_test_created(
    open_window, tmp_path, clock, micropub
):
    o = h.open_with_targets(open_window, tmp_path / "ws", clock, lambda ws: None)
    qtbot = o.qtbot
    settings = _open_targets_page(o)
    dialog = _add_dialog(o, settings)
    _choose_kind(o, dialog, "micropub")
    _type(o, dialog.form.url, micropub.url)
    _type(o, dialog.form.secret, MICROPUB_TOKEN)
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: dialog.result.text().startswith("✓"), timeout=10_000)
    assert o.ws.publishing.targets.find("blog") is not None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: o.ws.publishing.targets.find("blog") is None, timeout=5000)
    settings.close()


def test_without_a_keyring_the_secret_goes_to_an_encrypted_file_by_choice(
    open_window, tmp_path, clock, micropub
):
    o = h.open_with_targets(open_window, tmp_path / "ws", clock, lambda ws: None)
    qtbot = o.qtbot
    keyring.set_keyring(fail.Keyring())  # restored by the memory_keyring fixture
    settings = _open_targets_page(o)
    page = settings.stack.currentWidget()
    qtbot.waitUntil(lambda: "No system keyring" in page.secrets.text())
    dialog = _add_dialog(o, settings)
    _choose_kind(o, dialog, "micropub")
    qtbot.waitUntil(lambda: "No system keyring" in dialog.form.secret_hint.text())
    _type(o, dialog.form.url, micropub.url)
    _type(o, dialog.form.secret, MICROPUB_TOKEN)
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: dialog.use_file_button.isVisible(), timeout=5000)
    assert "no system keyring" in dialog.result.text()
    assert o.ws.publishing.targets.find("blog") is None  # nothing stored, not even the target

    qtbot.mouseClick(dialog.use_file_button, LEFT)
    qtbot.waitUntil(lambda: h.active_dialog(PassphraseDialog) is not None)
    ask = h.active_dialog(PassphraseDialog)
    _type(o, ask.first, "correct horse battery")
    _type(o, ask.second, "correct horse batterY")
    qtbot.mouseClick(ask.ok_button, LEFT)
    assert "differ" in ask.error.text()
    _type(o, ask.second, "correct horse battery")
    qtbot.mouseClick(ask.ok_button, LEFT)
    qtbot.waitUntil(lambda: h.gone(dialog), timeout=15_000)
    assert o.ws.publishing.targets.find("blog") is not None
    assert (o.ws.home / "secrets.enc").exists()
    assert o.ws.secrets.get("target:blog") == MICROPUB_TOKEN
    settings.close()
    o.close()
    assert MICROPUB_TOKEN.encode() not in _data_bytes(o)
