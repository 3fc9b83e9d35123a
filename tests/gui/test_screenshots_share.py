"""Screenshots of Share: the stage with targets and a publish log, and the Publish menu.

Saved to a temp folder on every run (so this keeps working); with
PKM_SCREENSHOTS=1 they are written to docs/screenshots/ for the README.
The publications are real (made through the core against the local
doubles); only the addresses are then rewritten to what a reader would see
instead of 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QPoint, QSize
from PySide6.QtGui import QPainter

from pkm.core.workspace import Workspace
from tests.gui import look
from tests.gui import share_helpers as h
from tests.gui.scenes import fill
from tests.gui.test_screenshots import _sense_parts, _shoot, _target
from tests.publish import doubles

micropub = h.micropub
webhooks = h.webhooks
NOW = dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.UTC)
BLOG = "https://blog.northwind.example"


def _scene(ws: Workspace, clock, micropub: doubles.Micropub, webhooks: doubles.Webhooks) -> None:
    pub = ws.publishing
    pub.add_target("company-blog", "micropub", url=micropub.url, secret=h.MICROPUB_TOKEN)
    pub.add_target("leadership", "mattermost", secret=webhooks.url + webhooks.MATTERMOST)
    pub.add_target("all-hands", "slack", secret=webhooks.url + webhooks.SLACK)
    pub.add_target("intranet", "folder", url=str(ws.home.parent / "intranet"))
    by_title = {e.title: e.id for e in ws.journal.list(limit=100)}
    steps = [
        ("2026-11-18T16:10", "Pricing review with finance", "intranet"),
        ("2026-11-20T18:40", "Customer council", "company-blog"),
        ("2026-11-20T18:45", "Customer council", "leadership"),
        ("2026-11-21T11:05", "Board offsite prep", "intranet"),
        ("2026-11-21T19:30", "Customer council", "company-blog"),  # an update
        ("2026-11-22T08:50", "Team update draft", "all-hands"),
        ("2026-11-22T09:05", "Team update draft", "company-blog"),
    ]
    for at, title, target in steps:
        clock.now = dt.datetime.fromisoformat(at).replace(tzinfo=dt.UTC)
        pub.publish(by_title[title], target)
    clock.now = NOW
    with ws.store.transaction() as conn:
        # Written on their day, before being published (the scene creates them all "now").
        conn.execute("UPDATE entries SET updated = day || 'T08:00:00+00:00'")
        conn.execute("UPDATE publish_targets SET url = ? WHERE name = 'company-blog'", (BLOG,))
        conn.execute(
            "UPDATE publish_targets SET url = 'https://chat.northwind.example/hooks/***' "
            "WHERE name = 'leadership'"
        )
        conn.execute(
            "UPDATE publish_targets SET url = 'https://hooks.slack.com/services/***' "
            "WHERE name = 'all-hands'"
        )
        conn.execute(
            "UPDATE publish_targets SET url = '/Users/anna/Intranet/reflections' "
            "WHERE name = 'intranet'"
        )
        for title, slug in [
            ("Customer council", "customer-council-simpler-plans"),
            ("Team update draft", "what-i-took-from-this-week"),
        ]:
            conn.execute(
                "UPDATE publications SET url = ? WHERE entry_id = ? AND url LIKE 'http://127.%'",
                (f"{BLOG}/2026/11/{slug}", by_title[title]),
            )


def _open(open_window, tmp_path: Path, clock, micropub, webhooks):
    home = tmp_path / "ws"
    with Workspace(home, clock=clock) as ws:
        fill(ws)
        _scene(ws, clock, micropub, webhooks)
    o = open_window(home)
    o.window.resize(QSize(1440, 900))
    o.qtbot.waitUntil(lambda: o.window.ops.index_status == "ready", timeout=20_000)
    return o


def test_share_screenshot(open_window, tmp_path, clock, micropub, webhooks):
    o = _open(open_window, tmp_path, clock, micropub, webhooks)
    o.window.show_stage("share")
    stage = o.window.stages["share"]
    o.qtbot.waitUntil(lambda: stage.log.tree.topLevelItemCount() == 6)
    o.qtbot.waitUntil(lambda: stage.targets_panel.card("intranet") is not None)
    o.qtbot.wait(150)
    w = o.window
    parts = [
        *(w.stage_button(k) for k in ("seek", "sense", "share")),
        w.search,
        w.stage_title,
        stage.log.tree,
        stage.targets_panel.card("intranet"),
    ]
    _shoot(w, _target(tmp_path) / "share.png", "Share — pkm", parts)


def test_publish_menu_screenshot(open_window, tmp_path, clock, micropub, webhooks):
    o = _open(open_window, tmp_path, clock, micropub, webhooks)
    o.qtbot.waitUntil(
        lambda: o.editor.entry is not None and "Streak" in o.sense.day_panel.streak.text()
    )
    note = next(e for e in o.ws.journal.list(limit=50) if e.title == "Customer council")
    o.window.open_entry.emit(note.id)
    o.qtbot.waitUntil(lambda: o.editor.entry_id == note.id)
    button = h.button_of(o)
    o.qtbot.waitUntil(lambda: button.loaded and button.action_for("intranet") is not None)
    o.qtbot.waitUntil(lambda: "Five customers" in o.editor.text.toPlainText())
    menu = button.menu_
    # Where a real screen would put it: below the button, inside the window's right edge.
    below = button.mapToGlobal(QPoint(0, button.height()))
    right = o.window.geometry().right() - menu.sizeHint().width() - 12
    menu.popup(QPoint(min(below.x(), right), below.y()))
    o.qtbot.waitUntil(menu.isVisible)
    o.qtbot.wait(150)
    shot = o.window.grab()
    p = QPainter(shot)
    p.drawPixmap(menu.geometry().topLeft() - o.window.geometry().topLeft(), menu.grab())
    p.end()
    # The menu is a window of its own: inside the main window, its items all there.
    look.check(o.window, shot, title="Sense — pkm", shown=[*_sense_parts(o), button, menu])
    assert look.placed(menu, o.window) is None
    assert button.action_for("intranet").isVisible()
    menu.hide()
    assert shot.save(str(_target(tmp_path) / "publish.png"))


def test_preview_dialog_renders(open_window, tmp_path, clock, micropub, webhooks):
    """The first-publish preview over the editor (kept in the temp folder: not in the README)."""
    o = _open(open_window, tmp_path, clock, micropub, webhooks)
    note = next(e for e in o.ws.journal.list(limit=50) if e.title == "Board offsite prep")
    o.window.open_entry.emit(note.id)
    o.qtbot.waitUntil(lambda: o.editor.entry_id == note.id)
    h.click_menu_item(o, target="company-blog")
    share = h.share_of(o)
    o.qtbot.waitUntil(lambda: share.preview_dialog is not None, timeout=10_000)
    dialog = share.preview_dialog
    o.qtbot.waitUntil(dialog.isVisible)
    assert "Publishing again later updates this same post." in dialog.notes.text()
    o.qtbot.wait(150)
    shot = o.window.grab()
    p = QPainter(shot)
    p.drawPixmap(dialog.geometry().topLeft() - o.window.geometry().topLeft(), dialog.grab())
    p.end()
    assert shot.save(str(tmp_path / "publish-preview.png"))  # first: to look at if it fails
    look.check(o.window, shot, title="Sense — pkm", shown=[dialog, dialog.notes])
    assert look.clipped(dialog) == []
    dialog.reject()


def _post_window(o, title: str, passage: str):
    entry = next(e for e in o.ws.journal.list(limit=50) if e.title == title)
    o.window.open_entry.emit(entry.id)
    o.qtbot.waitUntil(lambda: o.editor.entry_id == entry.id)
    body = o.editor.text.toPlainText()
    start = body.index(passage)
    cursor = o.editor.text.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len(passage), cursor.MoveMode.KeepAnchor)
    o.editor.text.setTextCursor(cursor)
    o.window.stages["share"].share_this.action.trigger()
    share = h.share_of(o)
    o.qtbot.waitUntil(lambda: bool(share.post_windows), timeout=10_000)
    w = share.post_windows[-1]
    o.qtbot.waitUntil(lambda: w.context is not None, timeout=10_000)
    w.resize(QSize(1180, 720))
    return w


def test_post_window_screenshot(open_window, tmp_path, clock, micropub, webhooks):
    o = _open(open_window, tmp_path, clock, micropub, webhooks)
    w = _post_window(
        o,
        "Customer council",
        "Five customers, two hours. Simpler plans, better invoices, an admin console.",
    )
    o.qtbot.waitUntil(lambda: "Five customers" in w.preview.toPlainText())
    assert w.publish_button.text() == "Publish to company-blog"
    o.qtbot.wait(150)
    shot = w.grab()
    assert shot.save(str(_target(tmp_path) / "post.png"))
    look.check(
        w,
        shot,
        title=w.windowTitle(),
        shown=[w.title_edit, w.text, w.preview, w.publish_button, w.source_label],
    )
    # The per-target preview: the same post as the Slack channel will show it.
    w.target_box.setCurrentIndex(w.target_box.findData("all-hands"))
    o.qtbot.waitUntil(lambda: w.publish_button.text() == "Publish to all-hands")
    o.qtbot.wait(150)
    shot = w.grab()
    assert shot.save(str(_target(tmp_path) / "post-preview.png"))
    look.check(w, shot, title=w.windowTitle(), shown=[w.preview, w.publish_button])
