"""Sense: today's entry, typing and autosave, completion, revisions, trash, export."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication

from pkm.core.workspace import Workspace
from pkm.gui.sense.autosave import IDLE_MS, MAX_MS
from pkm.gui.sense.history_dialog import HistoryDialog

CTRL = Qt.KeyboardModifier.ControlModifier


def test_ctrl_t_opens_todays_entry(main_window):
    o, qtbot = main_window, main_window.qtbot
    note = o.ws.journal.create(title="Pricing memo", body="Draft.", day=dt.date(2026, 11, 2))
    o.window.open_entry.emit(note.id)
    qtbot.waitUntil(lambda: o.editor.entry_id == note.id)
    assert o.sense.day_panel.day == dt.date(2026, 11, 2)

    qtbot.keyClick(o.editor.text, Qt.Key.Key_T, CTRL)
    qtbot.waitUntil(lambda: o.editor.entry is not None and o.editor.entry.kind == "daily")
    today = o.ws.journal.today()
    assert o.editor.entry_id == today.id
    assert o.editor.title_edit.text() == "Sunday 22 November 2026"
    assert o.sense.day_panel.day == dt.date(2026, 11, 22)
    assert o.editor.text.hasFocus()
    prompt = o.ws.journal.prompt()
    assert prompt in o.sense.day_panel.prompt.text()  # today's prompt is visible


def test_typing_is_saved_soon_after_typing_stops(main_window):
    o, qtbot = main_window, main_window.qtbot
    entry_id = o.editor.entry_id
    qtbot.keyClicks(o.editor.text, "Met the board about #pricing")
    assert "Met the board" not in o.saved_body(entry_id)  # debounced, not per key
    assert o.editor.save_state.text() == "Edited"
    qtbot.waitUntil(
        lambda: "Met the board about #pricing" in o.saved_body(entry_id), timeout=IDLE_MS + 1500
    )
    qtbot.waitUntil(lambda: o.editor.save_state.text() == "Saved")
    qtbot.waitUntil(lambda: "#pricing" in o.editor.meta.text())  # tags come from the core


def test_a_continuous_typist_is_saved_every_few_seconds(main_window):
    """Never a pause long enough for the idle timer: the MAX_MS timer still saves.

    The timers are driven directly (idle made unreachable, max shortened), so the
    test checks which timer saves, not how fast this machine is.
    """
    o, qtbot = main_window, main_window.qtbot
    entry_id = o.editor.entry_id
    autosaver = o.editor.autosaver
    assert MAX_MS > IDLE_MS  # the max timer is the fallback, never the first to fire
    autosaver._idle.setInterval(600_000)  # typing never pauses that long
    autosaver._max.setInterval(300)
    saved_while_typing = False
    for i in range(200):
        qtbot.keyClicks(o.editor.text, f"w{i} ")
        assert autosaver._idle.isActive()  # restarted by every key
        qtbot.wait(20)
        if "w1 " in o.saved_body(entry_id):
            saved_while_typing = True
            break
    assert saved_while_typing


def test_closing_right_after_typing_keeps_the_text(open_window, tmp_path, clock):
    home = tmp_path / "ws"
    o = open_window(home)
    entry_id = o.editor.entry_id
    o.qtbot.keyClicks(o.editor.text, "Last thought before the flight")
    o.close()  # immediately: the debounce has not fired yet

    with Workspace(home, clock=clock) as ws:
        entry = ws.journal.get(entry_id)
        assert "Last thought before the flight" in entry.body
        assert any(r.reason == "close" for r in ws.journal.revisions(entry_id))


def test_double_bracket_completes_entry_titles(main_window):
    o, qtbot = main_window, main_window.qtbot
    o.ws.journal.create(title="Quarterly board review", body="Numbers.")
    o.ws.journal.create(title="Quiet quitting", body="Culture.")
    text = o.editor.text
    qtbot.keyClicks(text, "See [[Quar")
    popup = text.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    offered = [popup.model().index(i, 0).data() for i in range(popup.model().rowCount())]
    assert offered == ["Quarterly board review"]
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert text.toPlainText().endswith("See [[Quarterly board review]]")
    assert not popup.isVisible()


def test_revision_history_restores_an_earlier_version(main_window, clock):
    o, qtbot = main_window, main_window.qtbot
    j = o.ws.journal
    note = j.create(title="Strategy", body="Version one: grow in Europe.")
    j.save(note.id, body="Version two: grow in Asia.", force_revision=True)
    o.window.open_entry.emit(note.id)
    qtbot.waitUntil(lambda: o.editor.entry_id == note.id)

    qtbot.mouseClick(
        o.editor.toolbar.widgetForAction(o.editor.toolbar.history_action), Qt.MouseButton.LeftButton
    )
    dialog = o.editor.findChild(HistoryDialog)
    qtbot.waitUntil(lambda: dialog.list.count() >= 1)
    row = next(i for i, r in enumerate(dialog.revisions) if "Version one" in r.body)
    dialog.list.setCurrentRow(row)
    qtbot.waitUntil(lambda: "Version one" in dialog.preview.toPlainText())
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: "Version one" in o.editor.text.toPlainText())
    assert j.get(note.id).body == "Version one: grow in Europe."
    assert any("Version two" in r.body for r in j.revisions(note.id))  # undoable too


def test_preview_renders_through_the_core_and_links_open_entries(main_window):
    o, qtbot = main_window, main_window.qtbot
    target = o.ws.journal.create(title="Hiring plan", body="Two engineers.")
    assert not o.editor.preview.isVisible()  # off for a new user: the text itself is styled
    toolbar = o.editor.toolbar
    qtbot.mouseClick(toolbar.widgetForAction(toolbar.preview_action), Qt.MouseButton.LeftButton)
    assert o.editor.preview.isVisible()
    o.editor.text.selectAll()
    qtbot.keyClicks(o.editor.text, "**Decision**: see [[Hiring plan]] #hiring <script>x()</script>")
    qtbot.waitUntil(lambda: "Decision" in o.editor.preview.toPlainText())
    html = o.editor.preview.toHtml()
    assert "script" not in o.editor.preview.toPlainText()
    assert "font-weight" in html and "pkm://entry/Hiring%20plan" in html

    o.editor.follow_link(QUrl("pkm://entry/Hiring%20plan"))
    qtbot.waitUntil(lambda: o.editor.entry_id == target.id)
    o.editor.follow_link(QUrl("pkm://tag/hiring"))
    assert o.window.search.text() == "tag:hiring"


def test_a_wiki_link_to_a_missing_entry_creates_it(main_window):
    o, qtbot = main_window, main_window.qtbot
    o.editor.follow_link(QUrl("pkm://entry/Board%20offsite%202027"))
    qtbot.waitUntil(
        lambda: o.editor.entry is not None and o.editor.entry.title == "Board offsite 2027"
    )
    assert o.ws.journal.resolve("Board offsite 2027") is not None


def test_calendar_day_list_streak_backlinks_and_on_this_day(open_window, tmp_path, clock):
    home = tmp_path / "ws"
    with Workspace(home, clock=clock) as ws:
        j = ws.journal
        hub = j.create(title="Customer council", body="Notes.", day=dt.date(2026, 11, 20))
        j.create(
            title="Follow-up", body="After [[Customer council]] call.", day=dt.date(2026, 11, 21)
        )
        old = j.create(title="Last year's plan", body="Plan.", day=dt.date(2025, 11, 22))
        j.save(j.today().id, body="Wrote today.")
    o = open_window(home)
    qtbot = o.qtbot
    panel = o.sense.day_panel
    qtbot.waitUntil(lambda: "Streak: 3 days" in panel.streak.text())
    qtbot.waitUntil(lambda: {"2026-11-20", "2026-11-21", "2026-11-22"} <= set(panel.calendar.marks))
    qtbot.waitUntil(lambda: [old.id] == o.sense.context.on_this_day.ids())

    panel.calendar.setSelectedDate(panel.calendar.selectedDate().addDays(-2))
    qtbot.waitUntil(lambda: panel.entries.ids() == [hub.id])
    rect = panel.entries.visualItemRect(panel.entries.item(0))
    qtbot.mouseClick(panel.entries.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: o.editor.entry_id == hub.id)
    qtbot.waitUntil(lambda: len(o.sense.context.backlinks.ids()) == 1)
    assert "Follow-up" in o.sense.context.backlinks.item(0).text()


def test_empty_day_explains_what_to_do(main_window):
    o, qtbot = main_window, main_window.qtbot
    panel = o.sense.day_panel
    panel.calendar.setSelectedDate(panel.calendar.selectedDate().addDays(-5))
    qtbot.waitUntil(
        lambda: panel.entries.count() == 0 and "No entries this day" in panel.entries.empty_text
    )
    assert "Ctrl+T" in panel.entries.empty_text


def test_move_to_trash_and_undo(main_window):
    o, qtbot = main_window, main_window.qtbot
    note = o.ws.journal.create(title="Draft memo", body="Text.")
    o.window.open_entry.emit(note.id)
    qtbot.waitUntil(lambda: o.editor.entry_id == note.id)
    o.editor.toolbar.trash_action.trigger()
    status = o.window.status
    qtbot.waitUntil(lambda: status.undo_button.isVisible())
    assert "Moved “Draft memo” to the trash" in status.message.text()
    assert o.editor.entry is None
    assert [e.id for e in o.ws.journal.trash()] == [note.id]
    qtbot.mouseClick(status.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: o.editor.entry_id == note.id)
    assert o.ws.journal.trash() == []


def test_export_markdown_html_pdf_and_copy_as_rich_text(main_window, tmp_path):
    o, qtbot = main_window, main_window.qtbot
    o.editor.text.selectAll()
    qtbot.keyClicks(o.editor.text, "A **bold** idea #strategy")
    for fmt in ("md", "html", "pdf", "eml"):
        path = tmp_path / f"out.{fmt}"
        o.editor.toolbar.export_to(fmt, path)
        qtbot.waitUntil(path.exists, timeout=10_000)
    md = (tmp_path / "out.md").read_text()
    front, body = md.split("---\n")[1:3]
    assert "title: Sunday 22 November 2026" in front and "strategy" in front
    assert "A **bold** idea #strategy" in body
    assert "<strong>bold</strong>" in (tmp_path / "out.html").read_text()
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    assert b"Subject: Sunday 22 November 2026" in (tmp_path / "out.eml").read_bytes()
    qtbot.waitUntil(lambda: "Exported to" in o.window.status.message.text())

    QApplication.clipboard().clear()
    qtbot.keyClick(o.editor.text, Qt.Key.Key_C, CTRL | Qt.KeyboardModifier.ShiftModifier)

    def copied() -> bool:
        mime = QApplication.clipboard().mimeData()
        return mime is not None and mime.hasHtml()

    qtbot.waitUntil(copied)
    mime = QApplication.clipboard().mimeData()
    assert "<strong>bold</strong>" in mime.html()
    assert "A bold idea" in mime.text() and "**" not in mime.text()


def test_typing_plain_text_redraws_no_side_panel(main_window):
    """A body-only save touches only the text: calendar, day list, streak, context stay."""
    o, qtbot = main_window, main_window.qtbot
    o.editor.text.setFocus()
    qtbot.keyClicks(o.editor.text, "#first")  # the first edit of the day: streak changes
    o.editor.flush()
    qtbot.waitUntil(lambda: "#first" in o.saved_body(o.editor.entry_id))
    o.wait_idle()
    qtbot.wait(400)  # the stage's refresh timer
    redraws: list[str] = []
    panel = o.sense.day_panel
    for name in ("refresh_marks", "refresh_day", "refresh_streak"):
        setattr(panel, name, lambda name=name: redraws.append(name))
    qtbot.keyClicks(o.editor.text, " more words")
    o.editor.flush()
    qtbot.waitUntil(lambda: "more words" in o.saved_body(o.editor.entry_id))
    o.wait_idle()
    qtbot.wait(400)
    assert redraws == []
    qtbot.keyClicks(o.editor.text, " #newtag")
    o.editor.flush()
    qtbot.waitUntil(lambda: "#newtag" in o.saved_body(o.editor.entry_id))
    qtbot.waitUntil(lambda: "refresh_streak" in redraws)
