"""The Publish button in the editor: preview the first time, publish, link, update, errors.

Real windows and real clicks against real servers on 127.0.0.1 (the protocol
doubles of tests/publish) and a real folder; nothing in pkm is mocked.
"""

from __future__ import annotations

import json

from PySide6.QtWidgets import QApplication

from pkm.gui.share.preview_dialog import PreviewDialog
from tests.gui import share_helpers as h
from tests.gui.share_helpers import LEFT, MICROPUB_TOKEN

micropub = h.micropub
webhooks = h.webhooks


def _preview(o) -> PreviewDialog:
    o.qtbot.waitUntil(lambda: h.share_of(o).preview_dialog is not None, timeout=10_000)
    dialog = h.share_of(o).preview_dialog
    o.qtbot.waitUntil(dialog.isVisible)
    return dialog


def _micropub_window(open_window, tmp_path, clock, micropub):
    return h.open_with_targets(
        open_window,
        tmp_path / "ws",
        clock,
        lambda ws: ws.publishing.add_target(
            "team-blog", "micropub", url=micropub.url + "/", secret=MICROPUB_TOKEN
        ),
    )


def test_first_publish_previews_then_one_click_updates_the_same_post(
    open_window, tmp_path, clock, micropub
):
    o = _micropub_window(open_window, tmp_path, clock, micropub)
    qtbot = o.qtbot
    entry_id = h.write_entry(o, "Working out loud", "Share the *half-formed* thought. #leadership")

    h.click_menu_item(o, target="team-blog")
    dialog = _preview(o)
    assert "Working out loud" in dialog.heading.text()
    assert "team-blog · Micropub" in dialog.where.text()
    assert "half-formed" in dialog.body.toPlainText()  # the text as readers see it
    assert dialog.draft.isVisibleTo(dialog)  # Micropub has drafts
    assert dialog.publish_button.text() == "Publish"
    assert micropub.writes() == []  # a preview sends nothing
    qtbot.mouseClick(dialog.publish_button, LEFT)

    qtbot.waitUntil(lambda: len(micropub.posts) == 1, timeout=10_000)
    url = next(iter(micropub.posts))
    assert micropub.posts[url]["name"] == ["Working out loud"]
    assert "<em>half-formed</em>" in micropub.posts[url]["content"][0]["html"]
    qtbot.waitUntil(lambda: "Published “Working out loud” to team-blog." in h.status_text(o))
    qtbot.mouseClick(h.status_button(o), LEFT)  # "Open"
    assert o.opened_urls == [url]

    # The menu now says where it went; the second click updates without a preview.
    button = h.button_of(o)
    qtbot.waitUntil(lambda: "Published · just now" in button.action_for("team-blog").text())
    qtbot.keyClicks(o.editor.text, " Second thoughts.")
    h.click_menu_item(o, target="team-blog")
    qtbot.waitUntil(
        lambda: "Updated “Working out loud” on team-blog." in h.status_text(o), timeout=10_000
    )
    assert h.share_of(o).preview_dialog is None
    assert len(micropub.posts) == 1  # updated in place: no duplicate
    assert (
        "Second thoughts." in micropub.posts[url]["content"][0]["html"]
    )  # the unsaved typing went
    updates = [r for r in micropub.writes() if r.json().get("action") == "update"]
    assert len(updates) == 1

    clock.advance(days=2)
    o.window.stages["sense"].editor.open_entry(entry_id)  # the menu refreshes with the entry
    qtbot.waitUntil(lambda: "Published · 2 days ago" in button.action_for("team-blog").text())


def test_folder_target_writes_one_file_and_rewrites_it(open_window, tmp_path, clock):
    out = tmp_path / "site" / "content"
    o = h.open_with_targets(
        open_window,
        tmp_path / "ws",
        clock,
        lambda ws: ws.publishing.add_target("notes", "folder", url=str(out)),
    )
    qtbot = o.qtbot
    h.write_entry(o, "Board narrative", "Focus, simplicity, one bet.")
    h.click_menu_item(o, target="notes")
    qtbot.mouseClick(_preview(o).publish_button, LEFT)
    qtbot.waitUntil(
        lambda: "Published “Board narrative” to notes." in h.status_text(o), timeout=10_000
    )
    files = list(out.glob("*.md"))
    assert len(files) == 1 and "Focus, simplicity" in files[0].read_text()
    qtbot.mouseClick(h.status_button(o), LEFT)
    assert o.opened_urls == [files[0].as_uri()]

    button = h.button_of(o)
    qtbot.waitUntil(lambda: "Published · just now" in button.action_for("notes").text())
    assert "edited since" not in button.state_text(button.targets[0])
    clock.advance(minutes=5)
    qtbot.keyClicks(o.editor.text, " Cut the rest.")
    assert button.state_text(button.targets[0]) == "Published · 5 minutes ago · edited since"
    o.window.stages["sense"].editor.flush()  # saved: still newer than the post
    o.wait_idle()
    assert button.state_text(button.targets[0]).endswith("· edited since")
    h.click_menu_item(o, target="notes")
    qtbot.waitUntil(
        lambda: "Updated “Board narrative” on notes." in h.status_text(o), timeout=10_000
    )
    assert list(out.glob("*.md")) == files
    assert "Cut the rest." in files[0].read_text()


def test_a_webhook_cannot_edit_so_the_second_click_offers_to_post_again(
    open_window, tmp_path, clock, webhooks
):
    hook = webhooks.url + webhooks.MATTERMOST
    o = h.open_with_targets(
        open_window,
        tmp_path / "ws",
        clock,
        lambda ws: ws.publishing.add_target("team-chat", "mattermost", secret=hook),
    )
    qtbot = o.qtbot
    h.write_entry(o, "Customer council", "Three of five asked for simpler plans.")
    h.click_menu_item(o, target="team-chat")
    dialog = _preview(o)
    assert "cannot change a message once it is sent" in dialog.notes.text()
    assert not dialog.draft.isVisibleTo(dialog)
    assert "mmsecrethookid" not in dialog.details.toPlainText()  # the secret URL is never shown
    qtbot.mouseClick(dialog.publish_button, LEFT)
    qtbot.waitUntil(lambda: len(webhooks.messages["mattermost"]) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: "Published “Customer council” to team-chat." in h.status_text(o))
    assert "simpler plans" in webhooks.messages["mattermost"][0]["text"]

    button = h.button_of(o)
    qtbot.waitUntil(lambda: "Published · just now" in button.action_for("team-chat").text())
    h.click_menu_item(o, target="team-chat")
    qtbot.waitUntil(
        lambda: "cannot change a message once it is sent" in h.status_text(o), timeout=10_000
    )
    assert "Mattermost" in h.status_text(o) and "pkm publish" not in h.status_text(o)
    assert len(webhooks.messages["mattermost"]) == 1  # nothing sent twice behind the user's back
    again = h.status_button(o)
    assert again is not None and again.text() == "Post again"
    qtbot.mouseClick(again, LEFT)
    qtbot.waitUntil(lambda: len(webhooks.messages["mattermost"]) == 2, timeout=10_000)


def test_a_refused_token_is_explained_and_the_window_stays_usable(
    open_window, tmp_path, clock, micropub
):
    o = _micropub_window(open_window, tmp_path, clock, micropub)
    qtbot = o.qtbot
    entry_id = h.write_entry(o, "Pricing memo", "Two tiers, not four.")
    micropub.fail_next(401, body={"error": "unauthorized", "error_description": "Token expired"})
    h.click_menu_item(o, target="team-blog")
    qtbot.mouseClick(_preview(o).publish_button, LEFT)
    qtbot.waitUntil(lambda: "refused" in h.status_text(o), timeout=10_000)
    text = h.status_text(o)
    assert "401" in text and "Token expired" in text
    assert "Settings → Targets" in text and "--secret" not in text and "pkm targets" not in text
    assert micropub.posts == {}
    assert o.ws.publishing.publications(entry_id)[0].state == "failed"

    # Still usable: typing is saved, and the next click previews again and publishes.
    qtbot.keyClicks(o.editor.text, " Decided.")
    qtbot.waitUntil(lambda: "Decided." in o.saved_body(entry_id), timeout=5000)
    button = h.button_of(o)
    qtbot.waitUntil(lambda: "Failed" in button.action_for("team-blog").text())
    h.click_menu_item(o, target="team-blog")
    qtbot.mouseClick(_preview(o).publish_button, LEFT)
    qtbot.waitUntil(lambda: len(micropub.posts) == 1, timeout=10_000)


def test_a_second_click_while_publishing_is_refused(open_window, tmp_path, clock, micropub):
    o = _micropub_window(open_window, tmp_path, clock, micropub)
    qtbot = o.qtbot
    o.ws.publishing.timeout = 10.0
    h.write_entry(o, "Hiring plan", "Two senior engineers first.")
    micropub.fail_next(mode="stall-after")  # the post is made, the answer never comes
    h.click_menu_item(o, target="team-blog")
    qtbot.mouseClick(_preview(o).publish_button, LEFT)
    button = h.button_of(o)
    qtbot.waitUntil(lambda: "Publishing…" in button.action_for("team-blog").text())
    assert not button.action_for("team-blog").isEnabled()
    assert o.window.status.progress.isVisible()  # progress, with Cancel
    assert o.window.status.cancel_button.isEnabled()
    target = next(t for t in button.targets if t.name == "team-blog")
    qtbot.waitUntil(lambda: len(micropub.writes()) == 1)
    button.publish_to(target)  # a second click (e.g. from the keyboard) does nothing
    qtbot.wait(200)
    assert h.share_of(o).preview_dialog is None
    assert len(micropub.writes()) == 1
    o.editor.text.setFocus()
    qtbot.keyClicks(o.editor.text, " Typing still works.")
    assert "Typing still works." in o.editor.text.toPlainText()

    micropub.release.set()  # the server hangs up without answering
    qtbot.waitUntil(lambda: "may have been carried out" in h.status_text(o), timeout=15_000)
    try_again = h.status_button(o)
    assert try_again.text() == "Try again"  # Micropub can look the post up: no duplicate
    qtbot.mouseClick(try_again, LEFT)
    qtbot.waitUntil(
        lambda: "team-blog" in h.status_text(o) and "Published" in h.status_text(o), timeout=10_000
    )
    assert len(micropub.posts) == 1


def test_share_on_linkedin_copies_rich_text_and_opens_the_share_page(open_window, tmp_path, clock):
    o = h.open_with_targets(open_window, tmp_path / "ws", clock, lambda ws: None)
    qtbot = o.qtbot
    h.write_entry(o, "Simpler plans", "Customers asked for two tiers. #pricing")
    QApplication.clipboard().clear()
    h.click_menu_item(o, object_name="share-linkedin")
    qtbot.waitUntil(lambda: bool(o.opened_urls), timeout=5000)
    assert o.opened_urls[0].startswith("https://www.linkedin.com/")
    assert "Simpler%20plans" in o.opened_urls[0]  # short text is prefilled
    mime = QApplication.clipboard().mimeData()
    assert mime.hasHtml() and "<p>Simpler plans</p>" in mime.html()
    assert "#pricing" in mime.text()
    assert "LinkedIn" in h.status_text(o)


def test_with_no_target_the_menu_offers_to_add_one(open_window, tmp_path, clock):
    from pkm.gui.settings_dialog import SettingsDialog

    o = h.open_with_targets(open_window, tmp_path / "ws", clock, lambda ws: None)
    button = h.button_of(o)
    o.qtbot.waitUntil(lambda: h.menu_ready(o))
    texts = [a.text() for a in button.menu_.actions()]
    assert any("No targets yet" in t for t in texts)
    h.click_menu_item(o, object_name="add-target")
    o.qtbot.waitUntil(lambda: h.active_dialog(SettingsDialog) is not None)
    dialog = h.active_dialog(SettingsDialog)
    assert dialog.pages_list.currentItem().text() == "Targets"
    dialog.close()


def test_the_publish_log_keeps_no_secret(open_window, tmp_path, clock, micropub):
    o = _micropub_window(open_window, tmp_path, clock, micropub)
    h.write_entry(o, "Quarterly letter", "Thank you, team.")
    h.click_menu_item(o, target="team-blog")
    o.qtbot.mouseClick(_preview(o).publish_button, LEFT)
    o.qtbot.waitUntil(lambda: len(micropub.posts) == 1, timeout=10_000)
    o.close()
    data = b"".join(p.read_bytes() for p in (tmp_path / "ws").rglob("*") if p.is_file())
    assert MICROPUB_TOKEN.encode() not in data
    assert json.loads((tmp_path / "ws" / "settings.json").read_text())  # settings still valid


def test_cancel_stops_waiting_and_the_log_keeps_what_happened(
    open_window, tmp_path, clock, micropub
):
    o = _micropub_window(open_window, tmp_path, clock, micropub)
    qtbot = o.qtbot
    o.ws.publishing.timeout = 10.0
    entry_id = h.write_entry(o, "Offsite agenda", "Three topics, no slides.")
    micropub.fail_next(mode="stall-after")
    h.click_menu_item(o, target="team-blog")
    qtbot.mouseClick(_preview(o).publish_button, LEFT)
    status = o.window.status
    qtbot.waitUntil(lambda: len(micropub.writes()) == 1)  # sent; the answer is awaited
    assert status.cancel_button.isVisible() and status.cancel_button.isEnabled()
    qtbot.mouseClick(status.cancel_button, LEFT)
    assert status.task_label.text() == "Stopping…"
    micropub.release.set()
    qtbot.waitUntil(lambda: "Stopped waiting for team-blog" in h.status_text(o), timeout=15_000)
    assert not status.progress.isVisible()
    button = h.button_of(o)
    qtbot.waitUntil(lambda: "Not confirmed" in button.action_for("team-blog").text())
    assert o.ws.publishing.publications(entry_id)[0].state == "pending"
