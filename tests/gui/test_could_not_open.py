"""When nothing can open a link, pkm says so and offers to copy it; it never claims it opened."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication

from tests.gui import look
from tests.gui import share_helpers as h

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LINK = "https://hbr.org/2026/11/the-decision-journal"


def _no_browser(o) -> list[str]:
    asked: list[str] = []
    o.window.system_open = lambda url: asked.append(url.toString()) and False
    return asked


def test_a_web_link_in_an_entry_with_no_browser(main_window, tmp_path):
    o = main_window
    asked = _no_browser(o)
    QApplication.clipboard().clear()
    o.editor.follow_link(QUrl(LINK))  # a link clicked in the preview
    assert asked == [LINK]
    box = o.window.could_not_open
    assert box is not None and box.isVisible() and not box.isModal()
    assert "could not open a browser" in box.message.text()
    shot = box.grab()
    assert look.placed(box.copy_button, box) is None and not look.clipped(box)
    target = DOCS if os.environ.get("PKM_SCREENSHOTS") else tmp_path
    assert shot.save(str(target / "could-not-open.png"))
    o.qtbot.mouseClick(box.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == LINK
    o.qtbot.waitUntil(lambda: o.window.could_not_open is None)


def test_an_article_link_in_seek_goes_through_the_same_helper(main_window):
    o = main_window
    asked = _no_browser(o)
    seek = o.window.stages["seek"]
    seek.open_url(LINK)
    assert asked == [LINK] and o.window.could_not_open is not None
    seek.open_url("javascript:alert(1)")  # never handed to the system at all
    assert asked == [LINK]


def test_linkedin_page_that_cannot_open_is_not_claimed(open_window, tmp_path, clock):
    o = h.open_with_targets(open_window, tmp_path / "ws", clock, lambda ws: None)
    share = h.share_of(o)
    share.open_url = share.open_link  # the real one, through the window
    asked = _no_browser(o)
    h.write_entry(o, "Simpler plans", "Customers asked for two tiers.")
    h.click_menu_item(o, object_name="share-linkedin")
    o.qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    assert asked[0].startswith("https://www.linkedin.com/")
    o.qtbot.waitUntil(lambda: "could not open LinkedIn" in h.status_text(o))
    assert "is opening" not in h.status_text(o)
    box = o.window.could_not_open
    assert box is not None and "LinkedIn's share page" in box.message.text()
