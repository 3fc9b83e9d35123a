"""Settings › Feeds: OPML import and export, feeds, rules, reading preferences."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from pkm.gui.seek.settings_page import FeedsPage
from pkm.gui.seek.views import View
from pkm.gui.settings_dialog import REMOTE_IMAGES, SettingsDialog
from tests.gui import test_seek
from tests.gui.test_seek import LEADERSHIP, _one_feed, open_seek, png, rss

feed_server = test_seek.feed_server  # the local HTTP server fixture
_qt_garbage = test_seek._qt_garbage_in_the_gui_thread  # autouse: see there

CTRL = Qt.KeyboardModifier.ControlModifier

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>From my old reader</title></head><body>
  <outline text="Leadership">
    <outline type="rss" text="Strategy Weekly" xmlUrl="{base}/leadership.xml"/>
    <outline type="rss" text="Board Letters" xmlUrl="{base}/board.xml"/>
  </outline>
  <outline type="rss" text="Market Wire" xmlUrl="{base}/markets.xml"/>
  <outline type="rss" text="Local file" xmlUrl="file:///etc/passwd"/>
</body></opml>
"""


def feeds_page(s) -> tuple[SettingsDialog, FeedsPage]:
    s.qtbot.keyClick(s.stage.items.view, Qt.Key.Key_Comma, CTRL)
    dialog = s.o.window.findChild(SettingsDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.show_page("Feeds")
    page = dialog.stack.currentWidget()
    assert isinstance(page, FeedsPage)
    return dialog, page


def test_import_opml_from_the_settings_page_then_articles_arrive(open_window, tmp_path, clock,
                                                                 feed_server):  # fmt: skip
    feed_server.serve("/leadership.xml", rss("Strategy Weekly", LEADERSHIP))
    feed_server.serve(
        "/board.xml", rss("Board Letters", [{"title": "Dear shareholders"}], "https://b.example/")
    )
    feed_server.serve(
        "/markets.xml", rss("Market Wire", [{"title": "Rates on hold"}], "https://m.example/")
    )
    opml = tmp_path / "old-reader.opml"
    opml.write_text(OPML.format(base=feed_server.base), encoding="utf-8")
    s = open_seek(open_window, tmp_path / "ws", clock)
    asked: list[str] = []
    s.stage.choose_open_path = lambda _parent, caption: asked.append(caption) or str(opml)

    dialog, page = feeds_page(s)
    s.qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert asked == ["Import feeds from an OPML file"]
    s.qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=10_000)
    cells = {page.table.item(r, 0).text(): page.table.item(r, 1).text() for r in range(3)}
    assert cells == {"Board Letters": "Leadership", "Strategy Weekly": "Leadership",
                     "Market Wire": ""}  # fmt: skip
    status = s.o.window.status
    assert "Imported 3 feeds (1 refused" in status.message.text()
    assert "file:///etc/passwd" in status.message.text()

    # the import fetches the new feeds at once, off the GUI thread
    s.qtbot.waitUntil(lambda: s.count("unread") == 5, timeout=10_000)
    s.qtbot.waitUntil(lambda: "Checked 3 feeds: 5 new articles." in status.message.text())
    assert "1 refused" in status.message.text()  # still said after the refresh
    s.qtbot.waitUntil(lambda: page.table.item(0, 3).text() != "never")
    assert s.stage.pages.currentWidget() is s.stage.split
    folder = s.ws.feeds.folders()[0]
    assert s.count(f"folder:{folder.id}") == 4
    dialog.close()


def test_export_opml_rename_move_and_unsubscribe_from_the_page(open_window, tmp_path, clock,
                                                               feed_server):  # fmt: skip
    s = open_seek(open_window, tmp_path / "ws", clock, _one_feed(feed_server))
    stage, qtbot = s.stage, s.qtbot
    target = tmp_path / "exported.opml"
    stage.choose_save_path = lambda _parent, _caption, name: str(target)
    dialog, page = feeds_page(s)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists)
    assert feed_server.url("/leadership.xml") in target.read_text(encoding="utf-8")
    assert target.stat().st_mode & 0o044  # for another reader: not private
    qtbot.waitUntil(lambda: "Saved 1 feed to" in s.o.window.status.message.text())

    page.table.selectRow(0)
    assert page.rename_button.isEnabled() and page.folder.currentText() == "Leadership"
    stage.ask_text = lambda *_a: "Strategy & Leadership"
    qtbot.mouseClick(page.rename_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.item(0, 0).text() == "Strategy & Leadership")
    page.folder.setCurrentText("Board reading")
    qtbot.mouseClick(page.move_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.item(0, 1).text() == "Board reading")
    feed = s.ws.feeds.list()[0]
    assert feed.folder == "Board reading" and feed.title == "Strategy & Leadership"
    qtbot.waitUntil(lambda: stage.tree.title(View("folder", feed.folder_id)) == "Board reading")

    stage.confirm = lambda *_a: False  # "Cancel": nothing happens
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    s.idle()
    assert len(s.ws.feeds.list()) == 1
    stage.confirm = lambda *_a: True
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.rowCount() == 0)
    assert s.ws.feeds.list() == []
    dialog.close()


def test_rules_editor_adds_applies_and_removes_a_rule(open_window, tmp_path, clock, feed_server):
    s = open_seek(open_window, tmp_path / "ws", clock, _one_feed(feed_server))
    qtbot = s.qtbot
    dialog, page = feeds_page(s)
    page.tabs.setCurrentIndex(1)
    page.rule_field.setCurrentIndex(1)  # Title
    qtbot.keyClicks(page.rule_pattern, "offsite")
    page.rule_action.setCurrentIndex(2)  # Tag
    assert page.rule_tag.isEnabled()
    qtbot.keyClicks(page.rule_tag, "board")
    page.rule_apply.setChecked(True)
    qtbot.mouseClick(page.add_rule_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.rules.count() == 1)
    assert page.rules.item(0).text() == "'offsite' in the title → tag #board"
    assert page.rule_message.text() == "Rule added."
    tagged = s.ws.feeds.items(tag="board")
    assert [i.title for i in tagged] == ["Five questions for your next offsite"]

    qtbot.keyClicks(page.rule_pattern, "(unclosed")
    page.rule_regex.setChecked(True)
    page.rule_action.setCurrentIndex(0)
    qtbot.mouseClick(page.add_rule_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.rule_message.text().startswith("⚠"))
    assert "not a valid regular expression" in page.rule_message.text()

    page.rules.setCurrentRow(0)
    qtbot.mouseClick(page.remove_rule_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.rules.count() == 0)
    assert s.ws.feeds.rules() == []
    dialog.close()


def test_reading_preferences_pictures_retention_and_refresh_interval(open_window, tmp_path, clock,
                                                                     feed_server):  # fmt: skip
    pic = feed_server.serve("/team.png", png(), headers={"Content-Type": "image/png"})
    items = [{"title": "Our new team", "html": f'<p>Hello.</p><img src="{pic}" alt="Team">'}]
    s = open_seek(open_window, tmp_path / "ws", clock, _one_feed(feed_server, items))
    qtbot, stage = s.qtbot, s.stage
    dialog, page = feeds_page(s)
    page.tabs.setCurrentIndex(2)
    qtbot.waitUntil(page.remote_images.isVisible)
    assert not page.remote_images.isChecked()
    box = page.remote_images
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    page.retention.setValue(0)
    page.refresh_every.setValue(45)
    s.idle()
    assert s.ws.settings.get(REMOTE_IMAGES) is True
    assert s.ws.feeds.retention_days() == 0 and page.retention.text() == "forever"
    assert s.ws.settings.get("feeds.refresh_minutes") == 45
    assert stage._auto.isActive() and stage._auto.interval() == 45 * 60_000
    page.refresh_every.setValue(0)
    assert not stage._auto.isActive()
    dialog.close()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    s.o.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is s.o.window)
    stage.items.view.setFocus()
    s.key(Qt.Key.Key_J)
    qtbot.waitUntil(lambda: s.shown() == "Our new team")
    qtbot.waitUntil(lambda: pic in stage.reader.article.images, timeout=10_000)
    assert not stage.reader.images_button.isVisible()
    assert len(feed_server.seen("/team.png")) == 1


def test_settings_page_is_registered_once_per_window(main_window):
    titles = [p.title for p in main_window.window.ctx.settings_pages]
    assert titles.count("Feeds") == 1


def test_opml_that_is_not_a_file_says_so(open_window, tmp_path, clock):
    s = open_seek(open_window, tmp_path / "ws", clock)
    s.stage.import_opml(str(Path(tmp_path / "missing.opml")))
    s.qtbot.waitUntil(lambda: "missing.opml" in s.o.window.status.message.text())
    assert s.o.window.status.message.text().startswith("⚠")
