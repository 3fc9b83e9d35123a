"""Seek: subscribe, refresh off the GUI thread, read with j/k, star, clip, pictures, errors.

Feeds come from a real HTTP server on 127.0.0.1 (the feeds tests' server);
the browser and file choosers are the stage's hooks, so nothing leaves the
machine and no modal native dialog ever blocks a test.
"""

from __future__ import annotations

import datetime as dt
import gc
import html
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QBuffer, QCoreApplication, QEvent, QIODevice, Qt, QTimer, QUrl
from PySide6.QtGui import QImage

from pkm.core.workspace import Workspace
from pkm.gui.seek.add_dialog import AddFeedDialog
from pkm.gui.seek.stage import REFRESH_SETTING, SeekStage
from pkm.gui.seek.tree import COUNT, ERROR
from pkm.gui.seek.views import View
from tests.feeds.conftest import FeedServer

NOW = dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.UTC)  # the FakeClock's start


# ---- a feed server and feeds ----------------------------------------------------------------


@pytest.fixture(autouse=True)
def _qt_garbage_in_the_gui_thread(qapp) -> Iterator[None]:
    """After the windows are closed: delete them and collect cycles here, in the GUI thread.

    Set up before open_window, so torn down after it. Otherwise Python's cyclic GC may
    free Qt objects later from whatever thread allocates (a writer thread of the next
    test), and Qt objects must die in the GUI thread.
    """
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    s = FeedServer()
    yield s
    s.close()


def rss(title: str, items: list[dict], site: str = "https://example.com/") -> str:
    """An RSS 2.0 document; each item: title, and optionally hours (ago), html, author, link."""
    parts = []
    for n, it in enumerate(items):
        when = NOW - dt.timedelta(hours=it.get("hours", n + 1))
        link = it.get("link", f"{site}posts/{n}")
        parts.append(
            f"<item><title>{html.escape(it['title'])}</title><link>{link}</link>"
            f"<guid>{link}</guid><pubDate>{when:%a, %d %b %Y %H:%M:%S} +0000</pubDate>"
            f"<author>{it.get('author', '')}</author>"
            f"<description>{html.escape(it.get('html', '<p>' + it['title'] + '.</p>'))}"
            "</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{html.escape(title)}</title><link>{site}</link>{''.join(parts)}</channel></rss>"
    )


def png(width: int = 40, height: int = 30) -> bytes:
    img = QImage(width, height, QImage.Format.Format_RGB32)
    img.fill(Qt.GlobalColor.darkCyan)
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    return bytes(buf.data().data())


LEADERSHIP = [
    {
        "title": "Why the best leaders write things down",
        "author": "Maria Okafor",
        "html": "<p>Writing is <strong>thinking made visible</strong>. A short memo beats a "
        'long meeting.</p><p>See the <a href="https://example.org/study">Harvard study</a>.</p>',
    },
    {"title": "Five questions for your next offsite", "hours": 5},
    {"title": "Decision journals, one year on", "hours": 30},
]


def short_limits(ws: Workspace, deadline: float = 5.0) -> None:
    from pkm.core.feeds.fetch import Limits

    ws.feeds.limits = Limits(
        connect_timeout=2.0, read_timeout=deadline, deadline=deadline, max_bytes=512 * 1024,
        max_redirects=3,
    )  # fmt: skip
    ws.feeds.workers = 4


class Seek:
    """The opened window, its Seek stage, and what the stage tried to open outside."""

    def __init__(self, o, stage: SeekStage) -> None:
        self.o, self.stage, self.qtbot, self.ws = o, stage, o.qtbot, o.ws
        self.opened: list[str] = []
        opened = self.opened  # not self: no reference cycle through the stage
        stage.open_external = lambda url: opened.append(url.toString())

    @property
    def model(self):
        return self.stage.items.model

    def titles(self) -> list[str]:
        return [i.title for i in self.model.items]

    def count(self, key: str) -> int:
        return int(self.stage.tree.rows[key].data(0, COUNT) or 0)

    def select(self, view: View) -> None:
        assert self.stage.select_view(view)
        self.qtbot.waitUntil(lambda: self.model.view == view and not self.model.loading)

    def click_action(self, action) -> None:
        button = self.stage.toolbar.widgetForAction(action)
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def key(self, key: Qt.Key) -> None:
        self.qtbot.keyClick(self.stage.items.view, key)

    def shown(self) -> str:
        item = self.stage.reader.item
        return item.title if item is not None else ""

    def idle(self) -> None:
        self.o.wait_idle()


def open_seek(
    open_window, home: Path, clock, setup: Callable[[Workspace], None] | None = None
) -> Seek:
    """A window on ``home`` (automatic refresh off), showing Seek once its tree is loaded."""
    with Workspace(home, clock=clock) as ws:
        ws.settings.set(REFRESH_SETTING, 0)
        if setup is not None:
            short_limits(ws)
            setup(ws)
    o = open_window(home)
    short_limits(o.ws)
    stage = o.window.stages["seek"]
    s = Seek(o, stage)
    o.window.show_stage("seek")
    o.qtbot.waitUntil(lambda: stage.loaded)
    return s


# ---- subscribing and refreshing --------------------------------------------------------------


def test_a_new_user_adds_a_feed_in_the_window_and_refreshes(open_window, tmp_path, clock,
                                                            feed_server):  # fmt: skip
    url = feed_server.serve("/leadership.xml", rss("Strategy Weekly", LEADERSHIP))
    s = open_seek(open_window, tmp_path / "ws", clock)
    stage, qtbot = s.stage, s.qtbot
    assert stage.pages.currentWidget() is stage.empty
    assert "No feeds yet" in stage.empty_label.text() and "OPML" in stage.empty_label.text()

    qtbot.mouseClick(stage.empty_add, Qt.MouseButton.LeftButton)
    dialog = stage.findChild(AddFeedDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.url, url)
    dialog.folder.setCurrentText("Leadership")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=10_000)  # closed, deleted

    feed = s.ws.feeds.list()[0]
    assert feed.folder == "Leadership"
    qtbot.waitUntil(lambda: s.model.view == View("feed", feed.id) and len(s.model.items) == 3)
    assert stage.pages.currentWidget() is stage.split
    assert s.count(f"feed:{feed.id}") == 3 and s.count(f"folder:{feed.folder_id}") == 3
    assert s.count("unread") == 3
    assert s.titles()[0] == "Why the best leaders write things down"
    assert "Subscribed to “Strategy Weekly”" in s.o.window.status.message.text()

    # a new article appears on the server; Refresh fetches it on another thread
    feed_server.serve(
        "/leadership.xml",
        rss(
            "Strategy Weekly", [{"title": "The board wants a narrative", "hours": 0.5}, *LEADERSHIP]
        ),
    )
    threads: list[int] = []
    core_refresh = s.ws.feeds.refresh

    def spy(*args, **kwargs):
        threads.append(threading.get_ident())
        return core_refresh(*args, **kwargs)

    s.ws.feeds.refresh = spy
    s.click_action(stage.refresh_action)
    qtbot.waitUntil(lambda: s.count(f"feed:{feed.id}") == 4, timeout=10_000)
    assert threads and threads[0] != threading.get_ident()
    qtbot.waitUntil(lambda: "Checked 1 feed: 1 new article." in s.o.window.status.message.text())
    qtbot.waitUntil(lambda: s.titles()[:1] == ["The board wants a narrative"])


def _one_feed(feed_server: FeedServer, items: list[dict] = LEADERSHIP) -> Callable:
    url = feed_server.serve("/leadership.xml", rss("Strategy Weekly", items))
    return lambda ws: ws.feeds.add(url, folder="Leadership")


@pytest.fixture
def reading(open_window, tmp_path, clock, feed_server) -> Seek:
    """One feed with three unread articles, Seek on "All unread"."""
    s = open_seek(open_window, tmp_path / "ws", clock, _one_feed(feed_server))
    s.qtbot.waitUntil(lambda: len(s.model.items) == 3)
    return s


def test_feeds_refresh_on_their_own_and_say_so_only_when_there_is_news(
    open_window, tmp_path, clock, feed_server
):
    s = open_seek(open_window, tmp_path / "ws", clock, _one_feed(feed_server))
    stage, qtbot = s.stage, s.qtbot
    qtbot.waitUntil(lambda: len(s.model.items) == 3)
    feed_server.serve(
        "/leadership.xml",
        rss(
            "Strategy Weekly", [{"title": "The board wants a narrative", "hours": 0.5}, *LEADERSHIP]
        ),
    )
    clock.advance(hours=2)  # the feed's own polling interval has passed
    stage.minute_ms = 20  # the setting's unit, shortened: "every 1 minute" fires in 20 ms
    stage.set_refresh_minutes(1)  # what Settings › Feeds does; nobody clicks Refresh
    qtbot.waitUntil(lambda: "The board wants a narrative" in s.titles(), timeout=10_000)
    assert "Checked 1 feed: 1 new article." in s.o.window.status.message.text()

    s.o.window.status.show_message("")  # a scheduled refresh with nothing new stays silent
    fetched = len(feed_server.seen("/leadership.xml"))
    clock.advance(hours=2)
    qtbot.waitUntil(lambda: len(feed_server.seen("/leadership.xml")) > fetched, timeout=10_000)
    qtbot.waitUntil(lambda: stage.refresh_task is None)
    s.idle()
    assert "Checked" not in s.o.window.status.message.text()
    stage.set_refresh_minutes(0)


# ---- reading with the keyboard ------------------------------------------------------------------


def test_j_k_move_through_articles_and_mark_them_read(reading):
    s, qtbot = reading, reading.qtbot
    feed = s.ws.feeds.list()[0]
    assert s.stage.view == View("unread") and s.count("unread") == 3
    assert s.stage.items.heading.text() == "All unread · 3"

    s.key(Qt.Key.Key_J)
    qtbot.waitUntil(lambda: s.shown() == "Why the best leaders write things down")
    assert "thinking made visible" in s.stage.reader.article.toPlainText()
    assert "Strategy Weekly · Maria Okafor" in s.stage.reader.meta.text()
    assert s.count("unread") == 2 and s.count(f"feed:{feed.id}") == 2  # at once
    s.key(Qt.Key.Key_J)
    qtbot.waitUntil(lambda: s.shown() == "Five questions for your next offsite")
    s.key(Qt.Key.Key_K)
    qtbot.waitUntil(lambda: s.shown() == "Why the best leaders write things down")
    assert s.stage.items.selected_row() == 0
    s.idle()
    qtbot.waitUntil(lambda: s.count("unread") == 1)  # the reload after the write agrees
    read = {i.title: i.read for i in s.ws.feeds.items()}
    assert read == {
        "Why the best leaders write things down": True,
        "Five questions for your next offsite": True,
        "Decision journals, one year on": False,
    }


def test_s_stars_m_toggles_unread_and_starred_lists_it(reading):
    s, qtbot = reading, reading.qtbot
    s.key(Qt.Key.Key_J)
    qtbot.waitUntil(lambda: s.shown() == "Why the best leaders write things down")
    item_id = s.stage.reader.item.id
    s.key(Qt.Key.Key_S)
    assert s.stage.reader.star_button.text() == "★ Starred"
    assert s.model.items[0].starred
    s.idle()
    assert s.ws.feeds.item(item_id).starred

    s.key(Qt.Key.Key_M)
    s.idle()
    assert not s.ws.feeds.item(item_id).read
    qtbot.waitUntil(lambda: s.count("unread") == 3)
    s.key(Qt.Key.Key_M)
    s.idle()
    assert s.ws.feeds.item(item_id).read

    s.select(View("starred"))
    assert s.titles() == ["Why the best leaders write things down"]
    assert not s.stage.items.unread_only.isVisible()  # Starred lists read ones too


def test_unread_only_filter_and_lazy_pages(open_window, tmp_path, clock, feed_server):
    many = [{"title": f"Market note {n}", "hours": n + 1} for n in range(130)]
    s = open_seek(open_window, tmp_path / "ws", clock, _one_feed(feed_server, many))
    qtbot = s.qtbot
    qtbot.waitUntil(lambda: len(s.model.items) == 100)  # one page, not all 130
    assert s.model.canFetchMore()
    s.stage.items.view.scrollToBottom()
    qtbot.waitUntil(lambda: len(s.model.items) == 130)
    assert not s.model.canFetchMore()

    feed = s.ws.feeds.list()[0]
    s.ws.feeds.mark_read([i.id for i in s.ws.feeds.items(limit=5)])
    s.select(View("feed", feed.id))
    assert s.model.items[0].title == "Market note 5"
    assert not any(i.read for i in s.model.items)
    qtbot.mouseClick(s.stage.items.unread_only, Qt.MouseButton.LeftButton)  # show read ones too
    qtbot.waitUntil(lambda: s.titles()[:1] == ["Market note 0"])


def test_space_scrolls_the_reader_then_moves_on(reading):
    s, qtbot = reading, reading.qtbot
    long = "".join(f"<p>Paragraph {n} of a long essay on strategy.</p>" for n in range(120))
    item_id = s.model.items[0].id
    s.ws.store.conn.execute("UPDATE items SET html = ? WHERE id = ?", (long, item_id))
    s.key(Qt.Key.Key_J)
    qtbot.waitUntil(lambda: "Paragraph 119" in s.stage.reader.article.toPlainText())
    bar = s.stage.reader.article.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    s.key(Qt.Key.Key_Space)
    assert bar.value() > 0 and s.shown() == "Why the best leaders write things down"
    bar.setValue(bar.maximum())
    s.key(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: s.shown() == "Five questions for your next offsite")


# ---- clipping, links, pictures ------------------------------------------------------------------


def test_select_text_then_c_clips_it_into_todays_entry_with_its_source(reading):
    s, qtbot = reading, reading.qtbot
    s.key(Qt.Key.Key_J)
    qtbot.waitUntil(lambda: "thinking made visible" in s.stage.reader.article.toPlainText())
    item = s.stage.reader.item
    assert s.stage.reader.article.find("thinking made visible. A short memo")
    s.key(Qt.Key.Key_C)
    status = s.o.window.status
    qtbot.waitUntil(lambda: status.message.text() == "Clipped to today's entry.")
    assert status.undo_button.text() == "Open" and status.undo_button.isVisible()

    today = s.ws.journal.today()
    clips = s.ws.journal.clips(today.id)
    assert [c.quote for c in clips] == ["thinking made visible. A short memo"]
    source = clips[0].source
    assert source.item_id == item.id and source.title == item.title
    assert source.feed == "Strategy Weekly" and source.url == item.url
    assert "thinking made visible. A short memo" in today.body

    qtbot.mouseClick(status.undo_button, Qt.MouseButton.LeftButton)  # "Open"
    qtbot.waitUntil(lambda: s.o.window.current_stage().key == "sense")
    qtbot.waitUntil(lambda: "thinking made visible" in s.o.editor.text.toPlainText())
    assert status.undo_button.text() == "Open"  # until another message with a button


def test_clip_without_a_selection_quotes_the_opening(reading):
    s, qtbot = reading, reading.qtbot
    s.key(Qt.Key.Key_J)
    qtbot.waitUntil(lambda: s.shown() != "")
    qtbot.mouseClick(s.stage.reader.clip_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Clipped" in s.o.window.status.message.text())
    clips = s.ws.journal.clips(s.ws.journal.today().id)
    assert clips[0].quote.startswith("Writing is thinking made visible.")


def test_o_and_link_clicks_go_to_the_system_browser_hook(reading):
    s, qtbot = reading, reading.qtbot
    s.key(Qt.Key.Key_J)
    qtbot.waitUntil(lambda: "Harvard study" in s.stage.reader.article.toPlainText())
    s.key(Qt.Key.Key_O)
    assert s.opened == ["https://example.com/posts/0"]

    article = s.stage.reader.article
    assert article.find("Harvard study")
    rect = article.cursorRect()
    cursor = article.textCursor()
    cursor.clearSelection()
    article.setTextCursor(cursor)
    qtbot.mouseClick(article.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: len(s.opened) == 2)
    assert s.opened[1] == "https://example.org/study"

    s.stage.reader.title.linkActivated.emit(s.stage.reader.item.url)  # the title is a link
    assert s.opened[2] == "https://example.com/posts/0"
    s.stage.open_url(QUrl("file:///etc/passwd"))  # never: only web and mail addresses leave
    assert len(s.opened) == 3
    assert "only web and email links" in s.o.window.status.message.text()


def test_remote_pictures_load_only_when_allowed(open_window, tmp_path, clock, feed_server):
    pic = feed_server.serve("/chart.png", png(), headers={"Content-Type": "image/png"})
    items = [
        {
            "title": "Margins by segment",
            "html": f'<p>The chart:</p><p><img src="{pic}" alt="Chart" width="800" '
            'height="450"></p><p>Mid-market is the gap.</p>',
        }
    ]
    s = open_seek(open_window, tmp_path / "ws", clock, _one_feed(feed_server, items))
    qtbot, reader = s.qtbot, s.stage.reader
    qtbot.waitUntil(lambda: len(s.model.items) == 1)
    s.key(Qt.Key.Key_J)
    qtbot.waitUntil(lambda: "Mid-market" in reader.article.toPlainText())
    reader.article.viewport().repaint()
    assert pic in reader.article.requested  # the document wanted it: it got a placeholder
    assert feed_server.seen("/chart.png") == []  # and nothing went to the server
    assert reader.images_button.isVisible() and reader.images_button.text() == "Load the picture"

    qtbot.mouseClick(reader.images_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pic in reader.article.images, timeout=10_000)
    assert len(feed_server.seen("/chart.png")) == 1
    assert not reader.images_button.isVisible()
    image = reader.article.document().resource(2, QUrl(pic))
    assert isinstance(image, QImage) and image.size().width() == 40


# ---- errors, cancel -----------------------------------------------------------------------------


def test_a_broken_feed_shows_its_error_and_the_other_still_refreshes(open_window, tmp_path, clock,
                                                                     feed_server):  # fmt: skip
    good = feed_server.serve("/good.xml", rss("Strategy Weekly", LEADERSHIP[:1]))
    bad = feed_server.serve("/bad.xml", rss("Market Wire", [{"title": "Rates on hold"}]))

    def setup(ws: Workspace) -> None:
        ws.feeds.add(good)
        ws.feeds.add(bad)

    s = open_seek(open_window, tmp_path / "ws", clock, setup)
    qtbot = s.qtbot
    feeds = {f.title: f for f in s.ws.feeds.list()}
    feed_server.serve("/bad.xml", status=500)
    feed_server.serve(
        "/good.xml", rss("Strategy Weekly", [{"title": "New: hiring"}, *LEADERSHIP[:1]])
    )
    qtbot.keyClick(s.stage.items.view, Qt.Key.Key_F5)
    status = s.o.window.status
    qtbot.waitUntil(lambda: "could not be read" in status.message.text(), timeout=10_000)
    text = status.message.text()
    assert text.startswith("⚠ Checked 2 feeds: 1 new article.")
    assert "“Market Wire” could not be read:" in text and "server error (500)" in text

    row = s.stage.tree.rows[f"feed:{feeds['Market Wire'].id}"]
    qtbot.waitUntil(lambda: bool(row.data(0, ERROR)))
    assert "server error (500)" in row.toolTip(0) and not row.icon(0).isNull()
    ok_row = s.stage.tree.rows[f"feed:{feeds['Strategy Weekly'].id}"]
    assert ok_row.icon(0).isNull() and not ok_row.data(0, ERROR)
    assert s.count(f"feed:{feeds['Strategy Weekly'].id}") == 2


def slow(server: FeedServer, body: str, seconds: float):
    """A handler that thinks for ``seconds`` (or until the server stops), then answers."""

    def handler(h) -> None:
        server.stopping.wait(seconds)
        data = body.encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    return handler


def test_cancel_a_slow_refresh_and_the_window_stays_responsive(open_window, tmp_path, clock,
                                                               feed_server):  # fmt: skip
    urls = [
        feed_server.serve(
            f"/wire{n}.xml",
            rss(
                f"Wire {n}", [{"title": f"Wire {n} news", "hours": n + 1}], f"https://w{n}.example/"
            ),
        )
        for n in range(8)
    ]
    s = open_seek(open_window, tmp_path / "ws", clock, lambda ws: [ws.feeds.add(u) for u in urls])
    qtbot, status = s.qtbot, s.o.window.status
    qtbot.waitUntil(lambda: len(s.model.items) == 8)
    for n in range(8):  # now every feed takes a while: 8 of them, one at a time
        feed_server.handle(f"/wire{n}.xml", slow(feed_server, rss(f"Wire {n}", []), 1.5))
    s.ws.feeds.workers = 1
    ticks: list[float] = []
    timer = QTimer(interval=20, timeout=lambda: ticks.append(time.monotonic()))
    timer.start()
    s.key(Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: status.cancel_button.isVisible())
    assert "Refreshing feeds" in status.task_label.text()
    s.key(Qt.Key.Key_J)  # reading goes on meanwhile
    qtbot.waitUntil(lambda: s.shown() == "Wire 0 news")
    qtbot.waitUntil(lambda: "1 of 8" in status.task_label.text(), timeout=5000)
    started = time.monotonic()
    qtbot.mouseClick(status.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: s.stage.refresh_task is None and not status.cancel_button.isVisible())
    assert time.monotonic() - started < 3
    assert status.message.text() == "Stopped: refreshing feeds."
    timer.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 20 and max(gaps) < 1.0  # never stalled, not even for one feed
    assert len(feed_server.requests) < 8 + 8  # the feeds after the cancel were not fetched
    s.idle()
    assert s.ws.feeds.item(s.model.items[0].id).read  # the read mark waited, then landed


# ---- search, state --------------------------------------------------------------------------------


def test_a_search_hit_of_an_article_opens_it_in_seek(reading):
    s, qtbot = reading, reading.qtbot
    s.o.window.show_stage("sense")
    qtbot.waitUntil(lambda: s.o.window.ops.index_status == "ready", timeout=20_000)
    s.o.window.focus_search()
    box = s.o.window.search
    qtbot.keyClicks(box, "offsite questions")
    qtbot.waitUntil(lambda: box.popup.isVisible() and box.popup.model.rowCount() >= 1)
    assert box.popup.current_hit().key.startswith("item:")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: s.o.window.current_stage().key == "seek")
    qtbot.waitUntil(lambda: s.shown() == "Five questions for your next offsite")
    assert s.stage.items.current_item().title == "Five questions for your next offsite"
    s.idle()
    qtbot.waitUntil(lambda: s.count("unread") == 2)  # opened is read


def test_view_item_and_panes_are_restored_after_reopening(open_window, tmp_path, clock,
                                                          feed_server):  # fmt: skip
    home = tmp_path / "ws"
    s = open_seek(open_window, home, clock, _one_feed(feed_server))
    feed = s.ws.feeds.list()[0]
    s.select(View("feed", feed.id))
    s.key(Qt.Key.Key_J)
    s.key(Qt.Key.Key_J)
    s.qtbot.waitUntil(lambda: s.shown() == "Five questions for your next offsite")
    s.stage.split.setSizes([260, 420, 700])
    sizes = s.stage.split.sizes()
    s.o.close()

    again = open_window(home)
    stage = again.window.stages["seek"]
    assert again.window.current_stage() is stage
    again.qtbot.waitUntil(lambda: stage.reader.item is not None)
    assert stage.view == View("feed", feed.id)
    assert stage.reader.item.title == "Five questions for your next offsite"
    assert stage.split.sizes() == sizes
    assert stage.items.unread_only.isChecked()
    # read articles are not in an "Unread only" list: j goes on with the first unread one
    again.qtbot.waitUntil(lambda: [i.title for i in stage.items.model.items]
                          == ["Decision journals, one year on"])  # fmt: skip
    again.qtbot.keyClick(stage.items.view, Qt.Key.Key_J)
    again.qtbot.waitUntil(lambda: stage.reader.item.title == "Decision journals, one year on")


# ---- views and feed commands -----------------------------------------------------------------------


def test_today_view_mark_all_read_and_undo(reading):
    s, qtbot = reading, reading.qtbot
    s.select(View("today"))
    assert s.titles() == ["Why the best leaders write things down",
                          "Five questions for your next offsite"]  # fmt: skip
    assert s.count("today") == 2
    s.click_action(s.stage.mark_all_action)
    status = s.o.window.status
    qtbot.waitUntil(lambda: status.message.text() == "Marked 2 articles as read.")
    qtbot.waitUntil(lambda: s.count("unread") == 1 and s.count("today") == 0)
    assert all(i.read for i in s.model.items)
    qtbot.mouseClick(status.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: s.count("unread") == 3)
    assert s.ws.feeds.count_items(unread=True) == 3


def test_rename_move_and_unsubscribe_from_the_tree_menu(reading):
    s, qtbot = reading, reading.qtbot
    stage = s.stage
    feed = s.ws.feeds.list()[0]
    view = View("feed", feed.id)
    answers = iter(["Strategy & Leadership", "Board reading"])
    stage.ask_text = lambda *_a: next(answers)
    stage.confirm = lambda *_a: True

    def trigger(menu, text: str) -> None:
        for act in menu.actions():
            if act.text() == text:
                act.trigger()
                return
            if act.menu() is not None and any(a.text() == text for a in act.menu().actions()):
                trigger(act.menu(), text)
                return
        raise AssertionError(f"no menu entry {text!r}")

    trigger(stage.view_menu(view), "Rename…")
    qtbot.waitUntil(lambda: stage.tree.title(view) == "Strategy & Leadership")
    trigger(stage.view_menu(view), "New folder…")
    qtbot.waitUntil(lambda: s.ws.feeds.get(feed.id).folder == "Board reading")
    folder = s.ws.feeds.get(feed.id).folder_id
    qtbot.waitUntil(lambda: stage.tree.rows[f"feed:{feed.id}"].parent()
                    is stage.tree.rows.get(f"folder:{folder}"))  # fmt: skip
    stage.select_view(view)
    trigger(stage.view_menu(view), "Unsubscribe…")
    qtbot.waitUntil(lambda: s.ws.feeds.list() == [])
    qtbot.waitUntil(lambda: stage.pages.currentWidget() is stage.empty)
    assert "Unsubscribed from “Strategy & Leadership”" in s.o.window.status.message.text()


def test_a_private_feed_keeps_its_password_in_the_keyring(open_window, tmp_path, clock,
                                                          feed_server):  # fmt: skip
    import base64

    body = rss("Board Portal", [{"title": "Minutes of the November meeting"}]).encode()
    token = "Basic " + base64.b64encode(b"ceo:s3cret-board").decode()

    def private(h) -> None:
        ok = h.headers.get("Authorization") == token
        h.send_response(200 if ok else 401)
        h.send_header("Content-Type", "application/rss+xml")
        if not ok:
            h.send_header("WWW-Authenticate", 'Basic realm="board"')
        data = body if ok else b"no"
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    url = feed_server.handle("/portal.xml", private)
    s = open_seek(open_window, tmp_path / "ws", clock)
    dialog = s.stage.add_feed()
    s.qtbot.keyClicks(dialog.url, url)
    s.qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    s.qtbot.waitUntil(lambda: "⚠" in dialog.message.text(), timeout=10_000)
    assert "401" in dialog.message.text() or "password" in dialog.message.text().lower()
    assert dialog.ok_button.isEnabled()  # fix it right there

    dialog.private.setChecked(True)
    s.qtbot.keyClicks(dialog.username, "ceo")
    s.qtbot.keyClicks(dialog.password, "s3cret-board")
    s.qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    s.qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=10_000)
    feed = s.ws.feeds.list()[0]
    assert feed.username == "ceo" and feed.unread == 1
    from pkm.core.feeds.service import password_key

    assert s.ws.secrets.get(password_key(feed.id)) == "s3cret-board"
    s.idle()
    files = [p for p in s.ws.home.rglob("*") if p.is_file()]
    assert not any(b"s3cret-board" in p.read_bytes() for p in files)
