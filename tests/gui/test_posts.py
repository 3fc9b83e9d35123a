"""Share this…: from a selected passage to a published post, and nothing else of the day.

Real windows, real keys and clicks, a real folder target and the Mastodon
protocol double; the post's text is read back from what the target received.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPushButton

from pkm.core.journal import ClipSource
from pkm.gui.share.post_window import PostWindow
from tests.gui import share_helpers as h
from tests.gui.share_helpers import LEFT
from tests.publish import conftest as publish_conftest
from tests.publish import doubles

micropub = h.micropub
webhooks = h.webhooks
wordpress = publish_conftest.wordpress  # the real WordPress of .ci/wordpress-setup

MINE = (
    "Trust grows when leaders share early. It compounds like interest. "
    "But this third sentence is private and stays in my journal."
)
SELECTED = "Trust grows when leaders share early. It compounds like interest."
QUOTE = "Trust is built in drops and lost in buckets."


def _daily_with_clip(ws) -> int:
    """Today's entry as a day of reading leaves it: the prompt, a clip, then my words."""
    today = ws.journal.today()
    ws.journal.add_clip(
        ClipSource(title="On trust", url="https://example.com/trust", author="Ann"),
        QUOTE,
        entry_id=today.id,
    )
    body = ws.journal.get(today.id).body + MINE + " #leadership\n"
    ws.journal.save(today.id, body=body)
    return today.id


def _folder_window(open_window, tmp_path: Path, clock):
    out = tmp_path / "published"

    def setup(ws) -> None:
        ws.publishing.add_target("blog", "folder", url=str(out))
        _daily_with_clip(ws)

    return h.open_with_targets(open_window, tmp_path / "ws", clock, setup), out


def _select(o, text: str) -> None:
    """Select `text` in the editor with the keyboard, as a user would (shift+arrows)."""
    edit = o.editor.text
    body = edit.toPlainText()
    start = body.index(text)
    cursor = edit.textCursor()
    cursor.setPosition(start)
    edit.setTextCursor(cursor)
    edit.setFocus()
    for _ in range(len(text)):
        o.qtbot.keyClick(edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert edit.textCursor().selectedText() == text


def _post_window(o) -> PostWindow:
    share = h.share_of(o)
    o.qtbot.waitUntil(lambda: bool(share.post_windows), timeout=10_000)
    w = share.post_windows[-1]
    o.qtbot.waitUntil(lambda: w.context is not None and w.isVisible(), timeout=10_000)
    return w


def test_two_selected_sentences_become_a_post_with_nothing_else_of_the_day(
    open_window, tmp_path, clock
):
    o, out = _folder_window(open_window, tmp_path, clock)
    qtbot = o.qtbot
    qtbot.waitUntil(lambda: MINE in o.editor.text.toPlainText())
    _select(o, SELECTED)

    # 1: Ctrl+Shift+P (Share this…)
    qtbot.keyClick(
        o.editor.text,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    w = _post_window(o)
    assert w.text.toPlainText().strip() == SELECTED
    assert w.title_edit.text() == "Trust grows when leaders share early"  # never the date
    assert "Drawn from" in w.source_label.text()
    assert "#leadership" not in w.text.toPlainText()
    assert w.tags_edit.text() == ""  # a tag only in unselected text stays private
    # 2: type a title
    w.title_edit.selectAll()
    qtbot.keyClicks(w.title_edit, "Share early")
    # The preview for the folder target shows the post as readers will see it.
    qtbot.waitUntil(lambda: "Share early" in w.preview.toPlainText())
    assert "It compounds like interest." in w.preview.toPlainText()
    assert w.publish_button.text() == "Publish to blog"
    # 3: Publish to blog; 4: Publish in the preview
    qtbot.mouseClick(w.publish_button, LEFT)
    qtbot.waitUntil(lambda: h.share_of(o).preview_dialog is not None, timeout=10_000)
    dialog = h.share_of(o).preview_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert "Share early" in dialog.heading.text()
    qtbot.mouseClick(dialog.publish_button, LEFT)
    qtbot.waitUntil(lambda: out.exists() and any(out.glob("*.md")), timeout=10_000)

    published = next(out.glob("*.md")).read_text(encoding="utf-8")
    assert SELECTED in published
    assert "private" not in published  # the unselected sentence
    assert QUOTE not in published  # the clip
    assert o.ws.journal.prompt() not in published  # the prompt
    post = o.ws.journal.list_posts()[0]
    assert post.kind == "post" and post.title == "Share early"
    assert post.source_id == o.editor.entry_id
    qtbot.waitUntil(lambda: "Published to blog" in w.state.text(), timeout=10_000)
    qtbot.waitUntil(lambda: w.publish_button.text() == "Update on blog")


def test_the_post_is_saved_as_you_type_and_links_back(open_window, tmp_path, clock):
    o, _out = _folder_window(open_window, tmp_path, clock)
    qtbot = o.qtbot
    qtbot.waitUntil(lambda: MINE in o.editor.text.toPlainText())
    source_id = o.editor.entry_id
    o.editor.text.setFocus()
    o.editor.text.moveCursor(QTextCursor.MoveOperation.End)
    # Nothing selected: the entry's own writing, without prompt and clip.
    o.window.stages["share"].share_this.action.trigger()
    w = _post_window(o)
    text = w.text.toPlainText()
    assert MINE in text and QUOTE not in text and o.ws.journal.prompt() not in text
    assert w.tags_edit.text() == "leadership"  # written in the shared text, so it comes along
    w.text.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(w.text, " Added in the post window.")
    w.close()  # closing saves
    o.wait_idle()
    post = o.ws.journal.list_posts(source_id)[0]
    assert post.body.rstrip().endswith("Added in the post window.")
    # The source entry lists its post; the post names its source.
    qtbot.waitUntil(lambda: o.sense.context.shared.ids() == [post.id], timeout=10_000)


def test_from_my_reading_adds_the_sources_it_quotes(open_window, tmp_path, clock):
    o, _out = _folder_window(open_window, tmp_path, clock)
    qtbot = o.qtbot
    qtbot.waitUntil(lambda: QUOTE in o.editor.text.toPlainText())
    _select(o, QUOTE)
    o.window.stages["share"].share_this.action.trigger()
    w = _post_window(o)
    assert w.attribution.isVisibleTo(w)
    assert "On trust" in w.attribution.text()
    qtbot.mouseClick(w.attribution, LEFT, pos=QPoint(8, w.attribution.height() // 2))
    assert "*From my reading:* [On trust](https://example.com/trust) · Ann" in w.text.toPlainText()
    qtbot.mouseClick(w.attribution, LEFT, pos=QPoint(8, w.attribution.height() // 2))
    assert "From my reading" not in w.text.toPlainText()


def test_share_this_is_in_the_context_menu(open_window, tmp_path, clock):
    o, _out = _folder_window(open_window, tmp_path, clock)
    share_this = o.window.stages["share"].share_this
    seen: list[str] = []

    def look() -> None:
        menu = getattr(share_this, "menu", None)
        if menu is None or not menu.isVisible():
            QTimer.singleShot(20, look)
            return
        seen.extend(a.text() for a in menu.actions())
        menu.close()

    QTimer.singleShot(20, look)
    edit = o.editor.text
    edit.customContextMenuRequested.emit(QPoint(10, 10))
    assert seen and seen[0] == "Share this…"


def test_mastodon_counts_characters_and_offers_the_blog_first(
    open_window, tmp_path, clock, micropub
):

    mastodon = doubles.Mastodon()
    try:

        def setup(ws) -> None:
            ws.publishing.add_target(
                "blog", "micropub", url=micropub.url + "/", secret=h.MICROPUB_TOKEN
            )
            ws.publishing.add_target("social", "mastodon", url=mastodon.url, secret=mastodon.token)
            _daily_with_clip(ws)

        o = h.open_with_targets(open_window, tmp_path / "ws", clock, setup)
        qtbot = o.qtbot
        qtbot.waitUntil(lambda: MINE in o.editor.text.toPlainText())
        _select(o, SELECTED)
        o.window.stages["share"].share_this.action.trigger()
        w = _post_window(o)
        w.target_box.setCurrentIndex(w.target_box.findData("social"))
        qtbot.waitUntil(lambda: "characters left on Mastodon" in w.counter.text())
        left = int(w.counter.text().split()[0].replace(",", ""))
        qtbot.keyClicks(w.text, "x")
        qtbot.waitUntil(lambda: w.counter.text().startswith(f"{left - 1} "))
        w.text.moveCursor(QTextCursor.MoveOperation.End)
        w.text.insertPlainText(" word" * 120)
        qtbot.waitUntil(lambda: "too many for Mastodon" in w.counter.text())
        assert w.warning.isVisibleTo(w) and "Publish it to your blog first" in w.warning.text()
        assert w.first_button.isVisibleTo(w)
        assert w.first_button.text() == "Publish to blog first"
        assert mastodon.statuses == {}  # previewing sends nothing
    finally:
        mastodon.close()


def _question(o):
    share = h.share_of(o)
    o.qtbot.waitUntil(lambda: share.question_box is not None, timeout=10_000)
    box = share.question_box
    o.qtbot.waitUntil(box.isVisible)
    return box


def test_publishing_a_whole_daily_entry_asks_once_and_offers_a_part(open_window, tmp_path, clock):
    o, out = _folder_window(open_window, tmp_path, clock)
    share = h.share_of(o)
    h.click_menu_item(o, target="blog")
    box = _question(o)
    assert box.text() == (
        "This is your whole day's entry, with today's prompt and 1 clip. Share a part instead?"
    )
    assert box.defaultButton().text() == "Share a part…"  # Enter never sends the whole day
    o.qtbot.mouseClick(box.findChild(QPushButton, "sharePart"), LEFT)
    w = _post_window(o)
    assert MINE in w.text.toPlainText() and QUOTE not in w.text.toPlainText()
    assert not out.exists() or not any(out.glob("*.md"))  # nothing was published
    w.close()

    # Cancel: nothing happens.
    h.click_menu_item(o, target="blog")
    box = _question(o)
    o.qtbot.keyClick(box, Qt.Key.Key_Escape)
    o.qtbot.waitUntil(lambda: share.question_box is None)
    assert share.preview_dialog is None and len(share.post_windows) == 0

    # "Publish the whole entry" goes on to the usual preview, and is asked only once.
    h.click_menu_item(o, target="blog")
    box = _question(o)
    o.qtbot.mouseClick(box.findChild(QPushButton, "publishWhole"), LEFT)
    o.qtbot.waitUntil(lambda: share.preview_dialog is not None, timeout=10_000)
    o.qtbot.mouseClick(share.preview_dialog.publish_button, LEFT)
    o.qtbot.waitUntil(lambda: out.exists() and any(out.glob("*.md")), timeout=10_000)
    assert QUOTE in next(out.glob("*.md")).read_text(encoding="utf-8")  # the user chose it
    o.qtbot.waitUntil(lambda: h.button_of(o).pubs.get("blog") is not None, timeout=10_000)
    h.click_menu_item(o, target="blog")  # an update now: no question
    o.qtbot.waitUntil(lambda: "Updated" in h.status_text(o), timeout=10_000)
    assert share.question_box is None


def test_channel_previews_are_drawn_from_what_is_sent(open_window, tmp_path, clock, webhooks):
    """Teams' card and Slack's blocks, from the adapters' own payloads: a quote is a quote,
    code is code, a table a table, and a line of #tags is no heading."""
    text = (
        "> Customers asked for fewer plans.\n\n"
        "| plan | price |\n| --- | --- |\n| Basic | 10 |\n\n"
        "```\nif cost < 4: buy()\n```\n\n#strategy #pricing\n"
    )

    def setup(ws) -> None:
        ws.publishing.add_target("team", "teams", secret=webhooks.url + webhooks.TEAMS)
        ws.publishing.add_target("chat", "slack", secret=webhooks.url + webhooks.SLACK)
        note = ws.journal.create(kind="note", title="Pricing", body=text)
        ws.journal.new_post(source_id=note.id, title="Pricing, simpler", body=text)

    o = h.open_with_targets(open_window, tmp_path / "ws", clock, setup)
    share = h.share_of(o)
    share.open_post(o.ws.journal.list_posts()[0])
    w = _post_window(o)
    w.target_box.setCurrentIndex(w.target_box.findData("team"))
    o.qtbot.waitUntil(lambda: "Basic" in w.preview.toPlainText())
    doc = w.preview.toHtml()
    assert "<table" in doc and "Basic" in doc  # a real table
    assert "if cost &lt; 4: buy()" in doc  # code kept, verbatim
    assert "<h3" not in doc.split("Pricing, simpler", 1)[1]  # only the title is a heading
    assert "|" not in w.preview.toPlainText()  # no raw Markdown table
    w.target_box.setCurrentIndex(w.target_box.findData("chat"))
    o.qtbot.waitUntil(lambda: w.publish_button.text() == "Publish to chat")
    plain = w.preview.toPlainText()
    assert "Customers asked for fewer plans." in plain and "&gt;" not in plain
    assert "if cost < 4: buy()" in plain and "```" not in plain
    assert webhooks.messages == {"slack": [], "teams": [], "mattermost": []}  # nothing sent


def test_share_this_and_publish_stay_on_the_toolbar_at_1024_wide(open_window, tmp_path, clock):
    """A narrow window folds Preview, History and Export away first, never the way to share."""
    from PySide6.QtCore import QSize

    o, _out = _folder_window(open_window, tmp_path, clock)
    o.window.resize(QSize(1024, 700))
    stage = o.window.stages["share"]
    o.qtbot.waitUntil(lambda: stage.share_this.button.isVisible(), timeout=5000)
    assert stage.publish_button.isVisible()
    assert stage.share_this.button.text() == "Share this…"


@pytest.mark.integration
def test_a_newcomer_shares_two_sentences_to_a_real_wordpress_in_four_actions(
    open_window, tmp_path, clock, wordpress
):
    """The issue's "done when": select, Share this…, (title), Publish to blog, Publish."""
    from tests.publish.test_wordpress import server_post

    def setup(ws) -> None:
        ws.publishing.add_target(
            "blog",
            "wordpress",
            url=wordpress["PKM_WP_URL"],
            user=wordpress["PKM_WP_USER"],
            secret=wordpress["PKM_WP_APP_PASSWORD"],
        )
        _daily_with_clip(ws)

    o = h.open_with_targets(open_window, tmp_path / "ws", clock, setup)
    o.ws.publishing.timeout = 30.0
    qtbot = o.qtbot
    qtbot.waitUntil(lambda: MINE in o.editor.text.toPlainText())
    _select(o, SELECTED)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(o.editor.text, Qt.Key.Key_P, ctrl_shift)  # 1
    w = _post_window(o)
    w.title_edit.selectAll()
    qtbot.keyClicks(w.title_edit, "Share early (pkm GUI test)")  # 2
    qtbot.waitUntil(lambda: w.publish_button.text() == "Publish to blog")
    qtbot.mouseClick(w.publish_button, LEFT)  # 3
    qtbot.waitUntil(lambda: h.share_of(o).preview_dialog is not None, timeout=30_000)
    qtbot.mouseClick(h.share_of(o).preview_dialog.publish_button, LEFT)  # 4
    qtbot.waitUntil(lambda: "Published to blog" in w.state.text(), timeout=60_000)
    post = o.ws.journal.list_posts()[0]
    [pub] = o.ws.publishing.publications(post.id)
    content = server_post(wordpress, pub.remote_id)["content"]["raw"]
    assert SELECTED in content
    assert "private" not in content and QUOTE not in content
    assert o.ws.journal.prompt() not in content
