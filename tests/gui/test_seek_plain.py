"""Feed and user text is shown as text: no label or tooltip in Seek renders it as HTML.

Feed titles and authors are plain text after parsing, but they may hold '<'
(a feed that escaped twice, a title the user typed). Qt guesses rich text
for labels, tooltips and message boxes, so `<h1>` would become a heading and
`<img src="file:...">` would draw a local file. Each check reads what the
widget shows, the way Qt decides it.
"""

from __future__ import annotations

import html

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGui
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel

from tests.feeds.conftest import FeedServer
from tests.gui.test_seek import NOW, open_seek
from tests.gui.test_seek import _qt_garbage_in_the_gui_thread as _qt_garbage  # noqa: F401

TITLE = "<h1>Big</h1>"
AUTHOR = '<img src="file:///etc/x.png">'


@pytest.fixture
def feed_server():
    s = FeedServer()
    yield s
    s.close()


def shown(text: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """What Qt shows for `text`: the characters, or what is left once read as HTML."""
    rich = fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and QtGui.mightBeRichText(text)
    )
    if not rich:
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def label_shows(label: QLabel) -> str:
    return shown(label.text(), label.textFormat())


def hostile_feed(server) -> str:
    """RSS whose channel title, item title and author are, once parsed, TITLE and AUTHOR."""
    twice = lambda s: html.escape(html.escape(s))  # noqa: E731 - the XML, then the HTML layer
    when = f"{NOW:%a, %d %b %Y %H:%M:%S} +0000"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{twice(TITLE)}</title><link>https://example.com/</link>"
        f"<item><title>{twice(TITLE)}</title><link>https://example.com/p</link>"
        f"<guid>https://example.com/p</guid><pubDate>{when}</pubDate>"
        f"<author>{twice(AUTHOR)}</author><description>&lt;p&gt;Body.&lt;/p&gt;</description>"
        "</item></channel></rss>"
    )
    return server.serve("/hostile.xml", body)


def test_feed_titles_and_authors_show_as_literal_text(open_window, tmp_path, clock, feed_server,
                                                      monkeypatch):  # fmt: skip
    url = hostile_feed(feed_server)
    s = open_seek(
        open_window, tmp_path / "ws", clock, lambda ws: ws.feeds.add(url, folder="<b>Desk</b>")
    )
    qtbot, stage = s.qtbot, s.stage
    feed = s.ws.feeds.list()[0]
    assert feed.title == TITLE  # the parser kept the characters: the GUI must show them
    qtbot.waitUntil(lambda: len(s.model.items) == 1)
    assert s.model.items[0].author == AUTHOR

    # the tree: the row and its tooltips
    row = stage.tree.rows[f"feed:{feed.id}"]
    assert row.text(0) == TITLE
    assert shown(row.toolTip(0)).startswith(TITLE + "\n" + url)
    folder_row = stage.tree.rows[f"folder:{feed.folder_id}"]
    assert shown(folder_row.toolTip(0)).startswith("Folder <b>Desk</b>:")

    # a real click on the feed: the list's heading names it
    rect = stage.tree.visualItemRect(row)
    qtbot.mouseClick(stage.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: s.model.view is not None and s.model.view.kind == "feed")
    qtbot.waitUntil(lambda: not s.model.loading and len(s.model.items) == 1)
    qtbot.waitUntil(lambda: label_shows(stage.items.heading).startswith(TITLE))

    # j opens the article: the title (a link, rich on purpose) and the byline
    s.key(Qt.Key.Key_J)
    qtbot.waitUntil(lambda: s.shown() == TITLE)
    reader = stage.reader
    assert label_shows(reader.title) == TITLE
    assert label_shows(reader.meta).startswith(f"{TITLE} · {AUTHOR} · ")
    assert shown(reader.title.toolTip()) == "Open in the browser: https://example.com/p"

    # the question before unsubscribing names the feed
    import pkm.gui.widgets as widgets

    asked: list[str] = []
    monkeypatch.setattr(widgets, "confirm", lambda _p, _t, text, _y: asked.append(text) or False)
    stage.remove_feed(feed.id)
    assert [shown(t) for t in asked] == [
        f"Unsubscribe from “{TITLE}”? Its articles go, except those you starred or clipped."
    ]
