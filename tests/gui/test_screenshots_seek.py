"""A screenshot of Seek with realistic feeds: 3 feeds in 2 folders, an article in the reader.

Saved to a temp folder on every run; with PKM_SCREENSHOTS=1 it is written to
docs/screenshots/seek.png for the README.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt

from pkm.core.workspace import Workspace
from pkm.gui.seek.views import View
from tests.gui import test_seek
from tests.gui.test_screenshots import _shoot, _target
from tests.gui.test_seek import open_seek, rss

feed_server = test_seek.feed_server  # the local HTTP server fixture
_qt_garbage = test_seek._qt_garbage_in_the_gui_thread  # autouse: see there

ARTICLE = (
    "<p>Writing is <strong>thinking made visible</strong>. The executives who decide well "
    "rarely decide in the meeting; they decide in the memo they wrote the night before.</p>"
    '<p><img src="{pic}" alt="A handwritten memo" width="800" height="450"></p>'
    "<p>Amazon's six-page narrative is the famous example, but the habit scales down: a "
    "half-page note before a hard conversation, a paragraph before a budget review.</p>"
    "<blockquote>If you cannot write it down clearly, you have not decided yet.</blockquote>"
    "<h3>Three habits worth stealing</h3><ul>"
    "<li><b>Write the decision first</b>, then the reasons: readers skim.</li>"
    "<li><b>Name what would change your mind</b>, so the team knows what to bring you.</li>"
    "<li><b>Keep a decision journal</b> and reread it every quarter.</li></ul>"
    "<p>None of this is new. What is new is how little time leaders have to think between "
    'meetings, which is why the <a href="https://example.org/study">Harvard study on '
    "deliberate reflection</a> found that fifteen minutes of writing a day improved "
    "decisions more than an extra hour of meetings.</p>"
)

FEEDS = {
    "/leadership.xml": (
        "Strategy & Leadership Weekly",
        "https://leadership.example.com/",
        [
            {
                "title": "Why the best leaders write things down",
                "author": "Maria Okafor",
                "hours": 2,
                "html": ARTICLE,
            },
            {"title": "Five questions for your next offsite", "author": "Sam Lee", "hours": 7},
            {"title": "The quiet power of a decision journal", "hours": 26},
            {"title": "What great CEOs do in their first 90 days", "hours": 50},
            {"title": "Stop managing your calendar; manage your energy", "hours": 75},
        ],
    ),
    "/boardroom.xml": (
        "The Board Room",
        "https://boardroom.example.org/",
        [
            {"title": "Three signs your board is too polite", "hours": 4},
            {"title": "Succession planning is a strategy problem", "hours": 30},
            {"title": "How to present bad news to the board", "hours": 98},
        ],
    ),
    "/markets.xml": (
        "Market Wire Daily",
        "https://markets.example.net/",
        [
            {"title": "Rates on hold: what it means for mid-market pricing", "hours": 1},
            {"title": "Cloud spending slows for a third quarter", "hours": 5},
            {"title": "Europe's AI rules: a first reading for executives", "hours": 9},
            {"title": "Why procurement cycles got longer this year", "hours": 28},
        ],
    ),
}
FOLDERS = {"/leadership.xml": "Leadership", "/boardroom.xml": "Leadership",
           "/markets.xml": "Markets"}  # fmt: skip


def test_seek_screenshot(open_window, tmp_path, clock, feed_server):
    pic = feed_server.url("/memo.jpg")
    urls = {}
    for path, (title, site, items) in FEEDS.items():
        for it in items:
            it["html"] = it.get("html", f"<p>{it['title']}.</p>").replace("{pic}", pic)
        urls[path] = feed_server.serve(path, rss(title, items, site))

    def setup(ws: Workspace) -> None:
        for path, url in urls.items():
            ws.feeds.add(url, folder=FOLDERS[path])
        items = {i.title: i for i in ws.feeds.items(limit=100)}
        ws.feeds.mark_read([items["What great CEOs do in their first 90 days"].id,
                            items["How to present bad news to the board"].id])  # fmt: skip
        ws.feeds.star([items["The quiet power of a decision journal"].id])

    s = open_seek(open_window, tmp_path / "ws", clock, setup)
    s.o.window.resize(QSize(1440, 900))
    s.qtbot.waitUntil(lambda: len(s.model.items) == 10)
    row = s.model.row_of(
        next(i.id for i in s.model.items if i.title == "Why the best leaders write things down")
    )
    s.stage.items.select_row(row)
    s.qtbot.waitUntil(lambda: "Harvard study" in s.stage.reader.article.toPlainText())
    s.idle()
    s.qtbot.waitUntil(lambda: s.count("unread") == 9)
    assert s.stage.view == View("unread")
    s.stage.items.view.setFocus(Qt.FocusReason.OtherFocusReason)
    s.qtbot.wait(100)
    w = s.o.window
    parts = [
        *(w.stage_button(k) for k in ("seek", "sense", "share")),
        w.search,
        w.stage_title,
        s.stage.items.view,
        s.stage.reader.article,
    ]
    _shoot(w, _target(tmp_path) / "seek.png", "Seek — pkm", parts)
    assert feed_server.seen("/memo.jpg") == []  # the picture stayed on its server
