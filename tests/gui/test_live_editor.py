"""The styled editor (issue 14): Markdown styled as typed, the stored text untouched.

Real keys and clicks on the real window: headings, folded link URLs, chips that
follow links, task boxes (undoable), pasted and dropped pictures, focus mode,
the text size setting and the preview toggle, dark mode.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QPalette,
    QTextCharFormat,
)
from PySide6.QtWidgets import QApplication, QWidget

from pkm.gui import appearance
from pkm.gui.sense import text_size
from pkm.gui.settings_dialog import GeneralPage

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier


def _type(o, text: str) -> None:
    """Replace the entry's text by typing it (Enter for each new line)."""
    edit = o.editor.text
    edit.setFocus()
    edit.selectAll()
    for n, line in enumerate(text.split("\n")):
        if n:
            o.qtbot.keyClick(edit, Qt.Key.Key_Return)
        o.qtbot.keyClicks(edit, line)


def _block(o, number: int):
    return o.editor.text.document().findBlockByNumber(number)


def _format_at(block, pos: int):
    for r in block.layout().formats():
        if r.start <= pos < r.start + r.length:
            return QTextCharFormat(r.format)  # the range list is a temporary copy
    return None


def _width(block) -> float:
    layout = block.layout()
    return sum(layout.lineAt(i).naturalTextWidth() for i in range(layout.lineCount()))


def _hit(o, kind: str):
    edit = o.editor.text
    edit.viewport().repaint()
    hits = [h for h in edit.decorations.hits if h.kind == kind]
    assert hits, f"no {kind} drawn"
    return hits[0]


def _click(o, hit, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    c = hit.rect.center()
    o.qtbot.mouseClick(o.editor.text.viewport(), LEFT, modifier, QPoint(round(c.x()), round(c.y())))


def _media_files(o) -> list:
    folder = o.ws.home / "media"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_headings_bold_and_the_stored_text_is_exactly_what_was_typed(main_window):
    o = main_window
    text = "# Big idea\nSome **bold** words, a > b, and `code`.\n> A quote\n- a point"
    _type(o, text)
    edit = o.editor.text
    size = edit.font().pointSizeF()
    heading = _format_at(_block(o, 0), 2)
    assert heading is not None and heading.fontPointSize() > size * 1.4
    assert heading.fontWeight() >= 700
    bold = _format_at(_block(o, 1), len("Some **"))
    assert bold is not None and bold.fontWeight() >= 700
    assert edit.toPlainText() == text  # styling never changes the text
    o.wait_idle()
    o.qtbot.waitUntil(lambda: o.saved_body(o.editor.entry_id) == text, timeout=5000)


def test_a_link_url_is_folded_until_the_cursor_enters_it_and_that_is_no_edit(main_window):
    o = main_window
    _type(o, "See [the memo](https://example.com/a/very/long/address/nobody/reads) today")
    edit = o.editor.text
    block = _block(o, 0)
    folded = _width(block)
    o.wait_idle()
    o.qtbot.waitUntil(lambda: o.editor.save_state.text() == "Saved", timeout=5000)
    edits = []
    edit.textChanged.connect(lambda: edits.append(1))
    o.qtbot.keyClick(edit, Qt.Key.Key_Home)
    for _ in range(len("See [th")):
        o.qtbot.keyClick(edit, Qt.Key.Key_Right)
    unfolded = _width(block)
    assert unfolded > folded + 150  # the address is on screen now, to be edited
    o.qtbot.keyClick(edit, Qt.Key.Key_End, CTRL)  # End alone: the end of the wrapped line
    assert abs(_width(block) - folded) < 1
    assert edits == [] and o.editor.save_state.text() == "Saved"  # no save, no "Edited"


def test_clicking_a_wiki_link_chip_opens_the_entry_and_a_tag_chip_searches(main_window):
    o = main_window
    target = o.ws.journal.create(title="Hiring plan", body="Two engineers.")
    _type(o, "Next: [[Hiring plan]] for #hiring now")
    _click(o, _hit(o, "wiki"))
    o.qtbot.waitUntil(lambda: o.editor.entry_id == target.id, timeout=5000)
    o.window.show_stage("sense")
    o.editor.text.setFocus()
    o.qtbot.keyClicks(o.editor.text, " More on #hiring.")
    _click(o, _hit(o, "tag"))
    assert o.window.search.text() == "tag:hiring"


def test_a_web_link_opens_only_with_ctrl_click(main_window):
    o = main_window
    opened = []
    o.window.system_open = lambda url: opened.append(url) or True  # the desktop's browser
    _type(o, "Read [the memo](https://example.com/memo) first")
    hit = _hit(o, "link")
    _click(o, hit)
    assert opened == []  # a plain click puts the cursor there: the address unfolds
    assert hit.start <= o.editor.text.textCursor().position() <= hit.end
    o.qtbot.keyClick(o.editor.text, Qt.Key.Key_End)
    _click(o, _hit(o, "link"), CTRL)
    assert [u.toString() for u in opened] == ["https://example.com/memo"]


def test_clicking_a_task_box_ticks_it_and_undo_brings_it_back(main_window):
    o = main_window
    _type(o, "Today\n- [ ] Call Anna\n- [x] Send the memo")
    edit = o.editor.text
    box = _hit(o, "checkbox")
    _click(o, box)
    assert edit.toPlainText() == "Today\n- [x] Call Anna\n- [x] Send the memo"
    o.qtbot.keyClick(edit, Qt.Key.Key_Z, CTRL)
    assert edit.toPlainText() == "Today\n- [ ] Call Anna\n- [x] Send the memo"
    _click(o, box)
    o.wait_idle()
    o.qtbot.waitUntil(
        lambda: "- [x] Call Anna" in o.saved_body(o.editor.entry_id), timeout=5000
    )  # autosaved like any edit


def _picture() -> QImage:
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a7bd5"))
    return image


def test_a_pasted_picture_is_stored_once_and_shown_in_the_text(main_window):
    o = main_window
    _type(o, "Whiteboard after the offsite:")
    edit = o.editor.text
    QGuiApplication.clipboard().setImage(_picture())
    o.qtbot.keyClick(edit, Qt.Key.Key_V, CTRL)
    o.qtbot.waitUntil(lambda: "](media/" in edit.toPlainText(), timeout=5000)
    files = _media_files(o)
    assert len(files) == 1 and files[0].endswith(".png")
    ref = f"media/{files[0]}"
    assert edit.toPlainText() == f"Whiteboard after the offsite:\n![pasted picture]({ref})\n"
    # Shown inline: the picture's line is as tall as the picture (scaled to the column).
    line = _block(o, 1)
    o.qtbot.waitUntil(lambda: edit.images.image(ref) is not None, timeout=5000)
    assert edit.blockBoundingRect(line).height() >= 250
    assert edit.images.size_of(ref).width() <= edit.viewport().width()  # fits the column
    # The same picture again: one file, two references.
    o.qtbot.keyClick(edit, Qt.Key.Key_V, CTRL)
    o.qtbot.waitUntil(lambda: edit.toPlainText().count(ref) == 2, timeout=5000)
    assert _media_files(o) == files
    o.wait_idle()
    o.qtbot.waitUntil(lambda: o.saved_body(o.editor.entry_id).count(ref) == 2, timeout=5000)


def test_pasting_text_stays_text(main_window):
    o = main_window
    _type(o, "")
    mime = QMimeData()
    mime.setText("Plain words")
    mime.setImageData(_picture())  # word processors add a picture of the text
    QGuiApplication.clipboard().setMimeData(mime)
    o.qtbot.keyClick(o.editor.text, Qt.Key.Key_V, CTRL)
    assert o.editor.text.toPlainText() == "Plain words"
    assert _media_files(o) == []


def _drop(o, mime: QMimeData) -> None:
    viewport = o.editor.text.viewport()
    pos = QPointF(20, 20)
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(pos.toPoint(), actions, mime, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, enter)
    drop = QDropEvent(pos, actions, mime, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, drop)


def test_dropping_a_file_that_is_not_a_picture_says_so_and_adds_nothing(main_window, tmp_path):
    o = main_window
    _type(o, "Notes from the board")
    report = tmp_path / "board report.pdf"
    report.write_bytes(b"%PDF-1.7 not a picture")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(report))])
    _drop(o, mime)
    message = o.window.status.message
    o.qtbot.waitUntil(lambda: "not a picture" in message.text(), timeout=5000)
    assert "“board report.pdf”" in message.text()
    assert o.editor.text.toPlainText() == "Notes from the board"
    assert _media_files(o) == []
    # A real picture file dropped is kept, named after the file.
    photo = tmp_path / "whiteboard.png"
    _picture().save(str(photo))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    _drop(o, mime)
    o.qtbot.waitUntil(lambda: "![whiteboard](media/" in o.editor.text.toPlainText(), timeout=5000)
    assert len(_media_files(o)) == 1


def test_focus_mode_hides_everything_but_the_text_and_esc_leaves(main_window):
    o = main_window
    w = o.window
    panes = [w.sidebar, w.findChild(QWidget, "topbar"), o.sense.day_panel, o.sense.context]
    panes += [o.editor.toolbar]
    assert all(p.isVisible() for p in panes)
    edit = o.editor.text
    edit.setFocus()
    o.qtbot.keyClick(edit, Qt.Key.Key_F11)
    assert o.sense.focus.active and not any(p.isVisible() for p in panes)
    assert edit.isVisible() and o.editor.title_edit.isVisible()
    assert w.menus.actions["focus"].isChecked()
    o.qtbot.keyClicks(edit, "Only words")  # typing still works, and is saved
    o.qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert not o.sense.focus.active and all(p.isVisible() for p in panes)
    assert not w.menus.actions["focus"].isChecked()
    o.qtbot.keyClick(edit, Qt.Key.Key_F, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert o.sense.focus.active
    o.qtbot.keyClick(edit, Qt.Key.Key_F11)
    assert not o.sense.focus.active and all(p.isVisible() for p in panes)


def test_text_size_setting_applies_at_once_and_is_remembered(open_window, tmp_path):
    home = tmp_path / "ws"
    o = open_window(home)
    medium = o.editor.text.font().pointSizeF()
    page = GeneralPage(o.window.ctx)
    o.qtbot.addWidget(page)
    combo = page.findChild(QWidget, "textSize")
    assert combo.currentData() == "medium"
    combo.setFocus()
    o.qtbot.keyClick(combo, Qt.Key.Key_Down)  # Medium -> Large
    assert combo.currentData() == "large"
    large = o.editor.text.font().pointSizeF()
    assert abs(large / medium - text_size.FACTORS["large"] / text_size.FACTORS["medium"]) < 0.01
    # The zoom works on top of it.
    o.editor.text.setFocus()
    o.qtbot.keyClick(o.editor.text, Qt.Key.Key_Equal, CTRL)
    assert abs(o.editor.text.font().pointSizeF() - large * 1.1) < 0.01
    o.qtbot.keyClick(o.editor.text, Qt.Key.Key_0, CTRL)
    assert abs(o.editor.text.font().pointSizeF() - large) < 0.01
    o.wait_idle()
    o.close()
    again = open_window(home)
    assert abs(again.editor.text.font().pointSizeF() - large) < 0.01


def test_show_preview_is_off_for_a_new_user_and_remembered(open_window, tmp_path):
    home = tmp_path / "ws"
    o = open_window(home)
    act = o.window.menus.actions["preview"]
    assert not o.editor.preview.isVisible() and not act.isChecked()
    act.trigger()  # View › Show preview
    assert o.editor.preview.isVisible() and act.isChecked()
    assert o.editor.toolbar.preview_action.isChecked()
    o.qtbot.keyClicks(o.editor.text, "**Shown** beside")
    o.qtbot.waitUntil(lambda: "Shown" in o.editor.preview.toPlainText(), timeout=5000)
    o.wait_idle()
    o.close()
    again = open_window(home)
    assert again.editor.preview.isVisible()
    again.window.menus.actions["preview"].trigger()
    assert not again.editor.preview.isVisible()
    again.wait_idle()
    again.close()
    third = open_window(home)
    assert not third.editor.preview.isVisible()


def _contrast(a: QColor, b: QColor) -> float:
    def lum(c: QColor) -> float:
        def ch(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_dark_mode_keeps_the_styled_text_readable(main_window):
    o = main_window
    try:
        appearance.apply("dark")
        _type(o, "# Dark\nA [link](https://example.com) and #tag and > quote\n> quoted")
        edit = o.editor.text
        o.qtbot.waitUntil(lambda: edit.palette().color(QPalette.ColorRole.Base).lightness() < 100)
        base = edit.palette().color(QPalette.ColorRole.Base)
        o.qtbot.keyClick(edit, Qt.Key.Key_End)
        link = _format_at(_block(o, 1), 3).foreground().color()
        quote = _format_at(_block(o, 2), 3).foreground().color()
        text = edit.palette().color(QPalette.ColorRole.Text)  # headings and plain text
        for colour in (text, link, quote):
            assert _contrast(colour, base) >= 4.5, colour.name()
    finally:
        appearance.apply("system")


class _Paints(QObject):
    """The rectangles the editor's viewport is asked to paint."""

    def __init__(self) -> None:
        super().__init__()
        self.rects: list = []

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.rect())
        return False


def test_a_keystroke_repaints_its_line_and_a_taller_line_repaints_what_is_below(main_window):
    o = main_window
    _type(o, "\n".join(f"Line {n} with #tags and [[links]] to style" for n in range(30)))
    edit = o.editor.text
    viewport = edit.viewport()
    paints = _Paints()
    viewport.installEventFilter(paints)
    try:
        o.qtbot.keyClick(edit, Qt.Key.Key_Home, CTRL)
        o.qtbot.keyClick(edit, Qt.Key.Key_Down)
        o.qtbot.waitUntil(lambda: bool(paints.rects))
        o.qtbot.wait(300)  # the scroll to the top is painted
        paints.rects.clear()
        o.qtbot.keyClick(edit, Qt.Key.Key_X)
        o.qtbot.waitUntil(lambda: bool(paints.rects))
        assert max(r.height() for r in paints.rects) < viewport.height() / 3  # just that line
        paints.rects.clear()
        o.qtbot.keyClick(edit, Qt.Key.Key_Home)
        o.qtbot.keyClicks(edit, "# ")  # now a heading: taller, the lines below move
        o.qtbot.waitUntil(lambda: bool(paints.rects))
        assert any(r.height() >= viewport.height() - 2 for r in paints.rects)
    finally:
        viewport.removeEventFilter(paints)
    assert edit.toPlainText().split("\n")[1] == "# xLine 1 with #tags and [[links]] to style"


def test_someone_who_had_the_preview_before_the_styled_editor_keeps_it(
    open_window, tmp_path, clock
):
    from pkm.core.workspace import Workspace
    from pkm.gui.main_window import LAYOUT_KEY

    home = tmp_path / "ws"
    with Workspace(home, clock=clock) as ws:  # a layout saved by an earlier pkm
        ws.settings.set(LAYOUT_KEY, {"stage": "sense", "stages": {"sense": {"preview": True}}})
    o = open_window(home)
    assert o.editor.preview.isVisible() and o.window.menus.actions["preview"].isChecked()
    o.wait_idle()
    assert o.ws.settings.get("editor.preview") is True  # from now on, the setting decides


def test_entry_add_picture_asks_for_files_and_keeps_them(main_window, tmp_path):
    o = main_window
    _type(o, "From the offsite:")
    photo = tmp_path / "team photo.jpg"
    _picture().save(str(photo), "JPG")
    asked = []
    o.editor.pictures.choose = lambda: asked.append(1) or [str(photo)]
    o.window.menus.actions["add-picture"].trigger()  # Entry › Add picture…
    assert asked == [1]
    o.qtbot.waitUntil(lambda: "![team photo](media/" in o.editor.text.toPlainText(), timeout=5000)
    assert [name.rsplit(".", 1)[1] for name in _media_files(o)] == ["jpg"]
    o.editor.pictures.choose = lambda: []  # cancelled: nothing happens
    o.window.menus.actions["add-picture"].trigger()
    o.wait_idle()
    assert o.editor.text.toPlainText().count("](media/") == 1
