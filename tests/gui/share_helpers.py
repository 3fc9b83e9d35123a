"""Shared steps of the Share GUI tests: a window with targets, clicking through the Publish menu."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from pkm.core.workspace import Workspace
from tests.publish import doubles

MICROPUB_TOKEN = "micropub-token-456"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def micropub() -> Iterator[doubles.Micropub]:
    server = doubles.Micropub()
    yield server
    server.close()


@pytest.fixture
def webhooks() -> Iterator[doubles.Webhooks]:
    server = doubles.Webhooks()
    yield server
    server.close()


def share_of(o):
    """The window's ShareController (shared by the stage, the button and the settings page)."""
    return o.window.stages["share"].share


def button_of(o):
    return o.window.stages["share"].publish_button


def open_with_targets(open_window, home: Path, clock, setup) -> object:
    """Configure targets through the core (``setup(ws)``), then open the window on them."""
    with Workspace(home, clock=clock) as ws:
        ws.publishing.timeout = 3.0
        setup(ws)
    o = open_window(home)
    o.ws.publishing.timeout = 3.0
    o.opened_urls = []
    share_of(o).open_url = lambda url, what="": o.opened_urls.append(url)
    return o


def write_entry(o, title: str, body: str) -> int:
    """Type a title and a text into the editor, as a user would."""
    qtbot = o.qtbot
    o.editor.title_edit.selectAll()
    qtbot.keyClicks(o.editor.title_edit, title)
    o.editor.text.selectAll()
    qtbot.keyClicks(o.editor.text, body)
    return o.editor.entry_id


def menu_ready(o) -> bool:
    b = button_of(o)
    return b.isEnabled() and b.loaded


def click_menu_item(o, object_name: str = "", target: str = "") -> None:
    """Click the Publish button, then the menu item (a real click in the open menu)."""
    qtbot = o.qtbot
    button = button_of(o)
    qtbot.waitUntil(lambda: menu_ready(o))
    if target:
        qtbot.waitUntil(lambda: button.action_for(target) is not None)
    clicked: list[bool] = []

    def pick() -> None:
        menu = button.menu_
        if not menu.isVisible():
            QTimer.singleShot(20, pick)
            return
        act = button.action_for(target) if target else menu.findChild(object, object_name)
        if act is None:
            act = next(a for a in menu.actions() if a.objectName() == object_name)
        assert act.isEnabled(), act.text()
        qtbot.mouseClick(menu, LEFT, pos=menu.actionGeometry(act).center())
        clicked.append(True)

    QTimer.singleShot(0, pick)
    qtbot.mouseClick(button, LEFT)
    qtbot.waitUntil(lambda: bool(clicked))


def status_text(o) -> str:
    return o.window.status.message.text()


def status_button(o):
    """The status area's one button (Open, Post again, Undo…) when it is showing."""
    b = o.window.status.undo_button
    return b if b.isVisible() else None


def active_dialog(cls):
    for w in QApplication.topLevelWidgets():
        if isinstance(w, cls) and w.isVisible():
            return w
    return None


def gone(widget) -> bool:
    """Closed (dialogs delete themselves on close)."""
    import shiboken6

    return not shiboken6.isValid(widget) or not widget.isVisible()
