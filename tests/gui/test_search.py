"""The search box: as you type, off the GUI thread, Enter opens the hit."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt

from pkm.core.workspace import Workspace
from pkm.gui.search.model import kind_label, safe_marks

CTRL = Qt.KeyboardModifier.ControlModifier


def _search_ready(o) -> None:
    o.qtbot.waitUntil(lambda: o.window.ops.index_status == "ready", timeout=20_000)


def test_type_in_the_editor_then_find_it_with_ctrl_k(main_window):
    o, qtbot = main_window, main_window.qtbot
    today_id = o.editor.entry_id
    qtbot.keyClicks(o.editor.text, "Offsite in Lisbon with the leadership team")
    qtbot.waitUntil(lambda: "Lisbon" in o.saved_body(today_id), timeout=5000)
    _search_ready(o)

    qtbot.keyClick(o.editor.text, Qt.Key.Key_N, CTRL)  # move to another entry first
    qtbot.waitUntil(lambda: o.editor.entry_id not in (None, today_id))

    qtbot.keyClick(o.editor.text, Qt.Key.Key_K, CTRL)
    box = o.window.search
    assert box.hasFocus()
    qtbot.keyClicks(box, "lisbo")  # as you type: a word's beginning is enough
    qtbot.waitUntil(lambda: box.popup.isVisible() and box.popup.model.rowCount() >= 1)
    hit = box.popup.current_hit()
    assert hit.key == f"entry:{today_id}"
    assert "<b>Lisbon</b>" in hit.snippet
    assert "1 match" in box.popup.header.text()

    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: o.editor.entry_id == today_id)
    assert not box.popup.isVisible()


def test_up_down_choose_and_escape_closes(open_window, tmp_path, clock):
    home = tmp_path / "ws"
    with Workspace(home, clock=clock) as ws:
        ids = [ws.journal.create(title=f"Pricing memo {i}", body="pricing").id for i in range(3)]
    o = open_window(home)
    qtbot, box = o.qtbot, o.window.search
    _search_ready(o)
    o.window.focus_search()
    qtbot.keyClicks(box, "pricing")
    qtbot.waitUntil(lambda: box.popup.model.rowCount() == 3)
    first = box.popup.current_hit().key
    qtbot.keyClick(box, Qt.Key.Key_Down)
    qtbot.keyClick(box, Qt.Key.Key_Down)
    qtbot.keyClick(box, Qt.Key.Key_Down)  # stays on the last one
    qtbot.keyClick(box, Qt.Key.Key_Up)
    second = box.popup.current_hit().key
    assert second != first and second in {f"entry:{i}" for i in ids}
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert not box.popup.isVisible()
    assert box.text() == "pricing"
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == ""


def test_enter_before_the_results_arrive_opens_the_top_hit(open_window, tmp_path, clock):
    home = tmp_path / "ws"
    with Workspace(home, clock=clock) as ws:
        target = ws.journal.create(title="Succession planning", body="Who is next.")
    o = open_window(home)
    _search_ready(o)
    o.window.focus_search()
    o.qtbot.keyClicks(o.window.search, "succession")
    o.qtbot.keyClick(o.window.search, Qt.Key.Key_Return)  # within the debounce
    o.qtbot.waitUntil(lambda: o.editor.entry_id == target.id)


def test_no_matches_and_bad_queries_say_so(main_window):
    o, qtbot = main_window, main_window.qtbot
    _search_ready(o)
    box = o.window.search
    o.window.focus_search()
    qtbot.keyClicks(box, "zzzqqq")
    qtbot.waitUntil(lambda: "No matches for “zzzqqq”" in box.popup.header.text())
    box.clear()
    qtbot.keyClicks(box, "day:notadate")
    qtbot.waitUntil(lambda: box.popup.isVisible() and "day" in box.popup.header.text().lower())


def test_clicking_a_tag_searches_it(main_window):
    o, qtbot = main_window, main_window.qtbot
    qtbot.keyClicks(o.editor.text, "#boardroom")
    qtbot.waitUntil(lambda: "#boardroom" in o.editor.meta.text(), timeout=5000)
    _search_ready(o)
    o.editor.meta.linkActivated.emit("tag:boardroom")
    box = o.window.search
    assert box.text() == "tag:boardroom"
    qtbot.waitUntil(lambda: box.popup.model.rowCount() == 1)


@dataclass
class _FakeHit:
    key: str


def test_feed_items_are_handed_to_seek_with_open_item(main_window):
    o, qtbot = main_window, main_window.qtbot
    o.window.open_hit(_FakeHit("item:4"))  # Seek listens: an unknown item is explained
    qtbot.waitUntil(lambda: "There is no item 4" in o.window.status.message.text())
    with qtbot.waitSignal(o.window.open_item) as blocker:
        o.window.open_item.connect(lambda _id: None)
        o.window.open_hit(_FakeHit("item:4"))
    assert blocker.args == [4]


def test_snippets_keep_only_bold_marks():
    assert safe_marks('a <b>x</b> <img src="http://t/p.gif"><a href="x">y</a>') == "a <b>x</b> y"
    assert kind_label(("entry", "daily")) == "Daily entry"
    assert kind_label(("item",)) == "Article"


def test_opening_a_hit_puts_the_keyboard_in_the_text_and_esc_goes_back(
    open_window, tmp_path, clock
):
    home = tmp_path / "ws"
    with Workspace(home, clock=clock) as ws:
        target = ws.journal.create(title="Quarterly letter", body="Dear shareholders")
    o = open_window(home)
    qtbot, box = o.qtbot, o.window.search
    _search_ready(o)
    assert o.editor.text.hasFocus()
    qtbot.keyClick(o.editor.text, Qt.Key.Key_K, CTRL)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert o.editor.text.hasFocus()  # Esc with nothing typed: back to writing

    qtbot.keyClick(o.editor.text, Qt.Key.Key_K, CTRL)
    qtbot.keyClicks(box, "shareholders")
    qtbot.waitUntil(lambda: box.popup.model.rowCount() == 1)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: o.editor.entry_id == target.id)
    assert o.editor.text.hasFocus()


def test_one_letter_lists_the_newest_titles_and_says_why(open_window, tmp_path, clock):
    home = tmp_path / "ws"
    with Workspace(home, clock=clock) as ws:
        ws.journal.create(title="Pricing memo", body="pricing")
        ws.journal.create(title="Quarterly plan", body="pricing")
        ws.journal.create(title="Board notes", body="pricing and a plan")
    o = open_window(home)
    qtbot, box = o.qtbot, o.window.search
    _search_ready(o)
    o.window.focus_search()
    qtbot.keyClicks(box, "p")  # one letter: titles with a word starting with "p"
    qtbot.waitUntil(lambda: box.popup.isVisible() and box.popup.model.rowCount() == 2)
    assert "starting with “p”" in box.popup.header.text()
    assert {box.popup.model.hits[i].title for i in range(2)} == {"Pricing memo", "Quarterly plan"}
