"""The screenshot checks (tests/gui/look.py) catch what they claim to catch."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from tests.gui import look

LONG = "Publish this entry to every target you have configured"


def _window(qtbot, *widgets: QWidget) -> QWidget:
    w = QWidget()
    w.setWindowTitle("Look")
    box = QVBoxLayout(w)
    for child in widgets:
        box.addWidget(child)
    qtbot.addWidget(w)
    w.resize(QSize(400, 300))
    w.show()
    qtbot.waitExposed(w)
    return w


def test_text_that_fits_passes(qtbot) -> None:
    wrapped = QLabel(LONG * 3)
    wrapped.setWordWrap(True)
    w = _window(qtbot, QLabel("Streak: 7 days"), QPushButton("Publish"), wrapped)
    assert look.clipped(w) == []
    assert [look.placed(c, w) for c in (wrapped, w.findChild(QPushButton))] == [None, None]


def test_clipped_label_button_and_wrapped_label_are_reported(qtbot) -> None:
    label, button, tool = QLabel(LONG), QPushButton(LONG), QToolButton()
    tool.setText(LONG)
    for narrow in (label, button, tool):
        narrow.setFixedWidth(60)
    wrapped = QLabel(LONG * 3)
    wrapped.setWordWrap(True)
    wrapped.setFixedHeight(10)
    w = _window(qtbot, label, button, tool, wrapped)
    problems = look.clipped(w)
    assert len(problems) == 4, problems
    assert any("of height at width" in p for p in problems)


def test_elided_on_purpose_and_hidden_widgets_pass(qtbot) -> None:
    elided, hidden = QLabel(LONG[:20] + "…"), QLabel(LONG)
    elided.setFixedWidth(200)
    hidden.setFixedWidth(20)
    w = _window(qtbot, elided, hidden)
    hidden.hide()
    assert look.clipped(w) == []


def test_placed_and_not_blank(qtbot) -> None:
    inside, outside = QLabel("in"), QLabel("out")
    w = _window(qtbot, inside)
    outside.setParent(w)
    outside.move(390, 290)
    outside.resize(50, 50)
    outside.show()
    assert look.placed(inside, w) is None
    assert "outside the window" in (look.placed(outside, w) or "")
    flat = QPixmap(w.size())
    flat.fill(QColor("white"))
    try:
        look.not_blank(flat, w)
    except AssertionError:
        pass
    else:
        raise AssertionError("a one-colour grab passed as not blank")
