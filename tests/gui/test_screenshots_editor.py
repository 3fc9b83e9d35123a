"""Screenshots of the styled editor: light, dark, and focus mode, with a picture inline.

Saved to a temp folder on every run; with PKM_SCREENSHOTS=1 they are written to
docs/screenshots/ for the README (editor.png, editor-dark.png, focus.png).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from pkm.core.media import MediaStore, markdown_for
from pkm.core.workspace import Workspace
from pkm.gui import appearance
from tests.gui import look

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _target(tmp_path: Path) -> Path:
    return DOCS if os.environ.get("PKM_SCREENSHOTS") else tmp_path


def _chart() -> bytes:
    """A small bar chart, as someone would paste from a spreadsheet."""
    image = QImage(560, 250, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont()
    font.setPixelSize(15)
    p.setFont(font)
    p.setPen(QColor("#333333"))
    p.drawText(QRectF(20, 10, 520, 24), "Net revenue retention by plan")
    for n, (label, value, colour) in enumerate(
        (("Team", 0.61, "#8fb3e0"), ("Business", 0.74, "#3a7bd5"), ("Enterprise", 0.92, "#1f4e96"))
    ):
        x = 50 + n * 170
        h = 170 * value
        p.fillRect(QRectF(x, 225 - h, 110, h), QColor(colour))
        p.drawText(QRectF(x, 228, 110, 20), Qt.AlignmentFlag.AlignCenter, label)
    p.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return bytes(data.data())


def _entry(ws: Workspace) -> int:
    ws.journal.create(title="Board offsite prep", body="Agenda and the pre-read.")
    chart = markdown_for(MediaStore(ws.home).add(_chart(), "retention.png"), "retention chart")
    body = (
        "## What I heard at the customer council\n\n"
        "Three of five asked for **simpler plans**. The finance view is in the "
        "[pricing memo](https://intranet.example.com/finance/2026/pricing-review-q4?view=full) "
        "and feeds into [[Board offsite prep]]. #pricing #customers\n\n"
        "> Price is what you pay. Value is what you get.\n\n"
        f"{chart}\n\n"
        "### Next steps\n\n"
        "- [x] Send the memo to Anna\n"
        "- [ ] Ask finance for churn by segment\n"
        "- [ ] Draft the *one-page* narrative for the board\n\n"
        "The rule we agreed: `discount <= 15%` without a VP."
    )
    return ws.journal.create(title="Customer council debrief", body=body).id


def _open(open_window, tmp_path, clock):
    home = tmp_path / "ws"
    with Workspace(home, clock=clock) as ws:
        entry_id = _entry(ws)
    o = open_window(home)
    o.window.resize(QSize(1280, 800))
    o.window.open_entry.emit(entry_id)
    o.qtbot.waitUntil(lambda: o.editor.entry_id == entry_id)
    edit = o.editor.text
    ref = next(b for b in o.editor.entry.body.split("(") if b.startswith("media/")).split(")")[0]
    o.qtbot.waitUntil(lambda: edit.images.image(ref) is not None, timeout=5000)
    cursor = edit.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    edit.setTextCursor(cursor)
    o.qtbot.wait(100)
    return o


def _shoot(o, path: Path, shown: list) -> None:
    shot = o.window.grab()
    look.check(o.window, shot, title="Sense — pkm", shown=shown)
    assert shot.save(str(path))


def test_editor_screenshot_light_and_dark(open_window, tmp_path, clock):
    o = _open(open_window, tmp_path, clock)
    shown = [o.editor.text, o.editor.title_edit, o.editor.toolbar]
    _shoot(o, _target(tmp_path) / "editor.png", shown)
    try:
        appearance.apply("dark")
        o.qtbot.wait(100)
        _shoot(o, _target(tmp_path) / "editor-dark.png", shown)
    finally:
        appearance.apply("system")


def test_focus_mode_screenshot(open_window, tmp_path, clock):
    o = _open(open_window, tmp_path, clock)
    o.editor.text.setFocus()
    o.qtbot.keyClick(o.editor.text, Qt.Key.Key_F11)
    assert o.sense.focus.active
    o.qtbot.wait(100)
    shot = o.window.grab()
    assert shot.save(str(_target(tmp_path) / "focus.png"))
    # A page of text is mostly white by design, so not look.check's "not one colour" test:
    # the rest of what a person checks, and that the text is really drawn.
    image = shot.toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, 600, 5)}
    assert len(colours) >= 8
    problems = [
        why for w in (o.editor.text, o.editor.title_edit) if (why := look.placed(w, o.window))
    ]
    assert not problems + look.clipped(o.window)
