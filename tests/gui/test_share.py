"""The Share stage: the newcomer's empty state, target cards, the publish log and its links."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QPushButton

from pkm.gui.share.log_view import ENTRY, LINK, RESULT
from pkm.gui.share.target_dialog import TargetDialog
from tests.gui import share_helpers as h
from tests.gui.share_helpers import LEFT, MICROPUB_TOKEN

micropub = h.micropub
webhooks = h.webhooks
CTRL = Qt.KeyboardModifier.ControlModifier


def _share_stage(o):
    o.qtbot.keyClick(o.editor.text, Qt.Key.Key_3, CTRL)
    stage = o.window.stages["share"]
    o.qtbot.waitUntil(lambda: o.window.current_stage() is stage)
    return stage


def test_a_newcomer_is_told_what_share_is_for_and_adds_a_target(open_window, tmp_path, clock):
    o = h.open_with_targets(open_window, tmp_path / "ws", clock, lambda ws: None)
    stage = _share_stage(o)
    o.qtbot.waitUntil(lambda: stage.welcome.isVisible())
    assert stage.welcome.text() == (
        "Publish a reflection to your blog, your team's channel or your inbox. "
        "Add a target to begin."
    )
    # Every wrapped line is shown, and the two texts do not overlap (they did on X11).
    welcome, how = stage.welcome, stage.welcome_how
    for label in (welcome, how):
        assert label.height() >= label.heightForWidth(label.width()), label.text()
    assert how.geometry().top() >= welcome.geometry().bottom()
    assert welcome.width() > 400  # the column's width, not a one-word sliver
    o.qtbot.mouseClick(stage.welcome_button, LEFT)
    o.qtbot.waitUntil(lambda: h.active_dialog(TargetDialog) is not None)
    dialog = h.active_dialog(TargetDialog)
    dialog.select_kind("folder")
    dialog.form.url.setText(str(tmp_path / "out"))
    o.qtbot.mouseClick(dialog.save_button, LEFT)
    o.qtbot.waitUntil(lambda: h.gone(dialog))
    o.qtbot.waitUntil(lambda: stage.targets_panel.card("folder") is not None)  # the stage fills in
    assert not stage.welcome.isVisible()
    assert stage.log.tree.topLevelItemCount() == 0
    assert "press Publish" in stage.log.tree.empty_text


def _published(open_window, tmp_path, clock, micropub, webhooks):
    """Two targets and three publications made through the core, then the window."""
    titles = {}

    def setup(ws):
        pub = ws.publishing
        pub.add_target("team-blog", "micropub", url=micropub.url, secret=MICROPUB_TOKEN)
        pub.add_target("team-chat", "mattermost", secret=webhooks.url + webhooks.MATTERMOST)
        a = ws.journal.create(title="Pricing memo", body="Two tiers, not four.")
        b = ws.journal.create(title="Customer council", body="Simpler plans, please.")
        titles.update(a=a.id, b=b.id)
        pub.publish(a.id, "team-blog")
        clock.advance(hours=3)
        pub.publish(b.id, "team-chat")
        clock.advance(hours=1)
        pub.publish(a.id, "team-blog")  # an update

    o = h.open_with_targets(open_window, tmp_path / "ws", clock, setup)
    return o, titles


def test_the_log_lists_publications_newest_first_and_opens_links_and_entries(
    open_window, tmp_path, clock, micropub, webhooks
):
    o, ids = _published(open_window, tmp_path, clock, micropub, webhooks)
    qtbot = o.qtbot
    stage = _share_stage(o)
    tree = stage.log.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 2)
    first, second = tree.topLevelItem(0), tree.topLevelItem(1)
    assert first.text(ENTRY) == "Pricing memo" and first.text(RESULT) == "Updated"
    assert first.text(0) == "just now"
    assert second.text(ENTRY) == "Customer council" and second.text(RESULT) == "Published"
    assert second.text(0) == "1 hour ago"
    assert second.text(LINK) == ""  # a webhook gives no link
    assert first.text(LINK) == "Open ↗"

    qtbot.mouseClick(tree.viewport(), LEFT, pos=_cell(tree, first, LINK))
    assert o.opened_urls == [next(iter(micropub.posts))]

    stage.log.filter.setCurrentText("team-chat")
    assert tree.topLevelItemCount() == 1 and tree.topLevelItem(0).text(ENTRY) == "Customer council"
    stage.log.filter.setCurrentText("All targets")

    item = stage.log.item_for("Customer council")
    qtbot.mouseClick(tree.viewport(), LEFT, pos=_cell(tree, item, ENTRY))
    qtbot.mouseDClick(tree.viewport(), LEFT, pos=_cell(tree, item, ENTRY))
    qtbot.waitUntil(lambda: o.editor.entry_id == ids["b"])
    assert o.window.current_stage() is o.sense


def _cell(tree, item, column):
    rect = tree.visualItemRect(item)
    x = tree.header().sectionViewportPosition(column) + 8
    return QPoint(x, rect.center().y())


def test_target_cards_show_the_last_result_test_and_remove(
    open_window, tmp_path, clock, micropub, webhooks
):
    o, _ids = _published(open_window, tmp_path, clock, micropub, webhooks)
    qtbot = o.qtbot
    stage = _share_stage(o)
    panel = stage.targets_panel
    qtbot.waitUntil(lambda: None not in (panel.card("team-blog"), panel.card("team-chat")))
    assert panel.card("team-blog").result.text() == "Published “Pricing memo” just now."
    assert panel.card("team-chat").result.text() == "Published “Customer council” 1 hour ago."

    micropub.token = "rotated-token"  # the site revoked the token: the test says so
    qtbot.mouseClick(panel.card("team-blog").test_button, LEFT)
    qtbot.waitUntil(lambda: "403" in panel.card("team-blog").result.text(), timeout=10_000)
    assert panel.card("team-blog").result.text().startswith("Test just now:")

    h.share_of(o).confirm = lambda *a: True
    qtbot.mouseClick(panel.card("team-chat").remove_button, LEFT)
    qtbot.waitUntil(lambda: panel.card("team-chat") is None, timeout=5000)
    assert o.ws.publishing.targets.find("team-chat") is None
    qtbot.waitUntil(lambda: stage.log.tree.topLevelItemCount() == 1)
    assert "Removed the target team-chat." in h.status_text(o)


def test_a_newcomer_writes_finds_and_publishes_in_the_window_only(main_window, tmp_path):
    """Issue 5's story: add a target, write a reflection, find it by search, publish it."""
    o, qtbot = main_window, main_window.qtbot
    share = h.share_of(o)
    out = tmp_path / "Reflections"
    share.choose_folder = lambda *a: str(out)
    today_id = o.editor.entry_id

    stage = _share_stage(o)
    qtbot.mouseClick(stage.welcome_button, LEFT)
    qtbot.waitUntil(lambda: h.active_dialog(TargetDialog) is not None)
    dialog = h.active_dialog(TargetDialog)
    kinds = dialog.kinds
    folder = kinds.findItems("Folder", Qt.MatchFlag.MatchExactly)[0]
    kinds.scrollToItem(folder)
    qtbot.mouseClick(kinds.viewport(), LEFT, pos=kinds.visualItemRect(folder).center())
    qtbot.mouseClick(dialog.findChild(object, "targetBrowse"), LEFT)
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: h.gone(dialog))
    o.window.activateWindow()  # the window manager's part when a dialog closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is o.window)

    qtbot.mouseClick(o.window.stage_button("sense"), LEFT)
    qtbot.waitUntil(lambda: o.window.current_stage() is o.sense)
    o.editor.text.setFocus()
    qtbot.keyClicks(o.editor.text, "Offsite in Lisbon: fewer priorities, clearer owners.")
    qtbot.waitUntil(lambda: "Lisbon" in o.saved_body(today_id), timeout=5000)
    qtbot.waitUntil(lambda: o.window.ops.index_status == "ready", timeout=20_000)
    qtbot.keyClick(o.editor.text, Qt.Key.Key_N, CTRL)  # somewhere else first
    qtbot.waitUntil(lambda: o.editor.entry_id not in (None, today_id))

    qtbot.keyClick(o.editor.text, Qt.Key.Key_K, CTRL)
    box = o.window.search
    qtbot.keyClicks(box, "lisbon")
    qtbot.waitUntil(lambda: box.popup.isVisible() and box.popup.model.rowCount() >= 1)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: o.editor.entry_id == today_id)

    h.click_menu_item(o, target="folder")
    # Today's entry still holds its prompt: asked once, the newcomer publishes it all.
    qtbot.waitUntil(lambda: share.question_box is not None, timeout=10_000)
    qtbot.mouseClick(share.question_box.findChild(QPushButton, "publishWhole"), LEFT)
    qtbot.waitUntil(lambda: share.preview_dialog is not None, timeout=10_000)
    qtbot.mouseClick(share.preview_dialog.publish_button, LEFT)
    qtbot.waitUntil(lambda: "Published" in h.status_text(o), timeout=10_000)
    written = list(out.glob("*.md"))
    assert len(written) == 1 and "Lisbon" in written[0].read_text()
