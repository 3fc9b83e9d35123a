"""What a person checks on a screenshot, as assertions on the real widgets.

``check(window, shot, title=..., shown=[...])``: the shot is the window and
not blank; the window's title is ``title``; each widget in ``shown`` is
visible, has a size and lies inside the window; and no visible label or
button anywhere in the window has its text clipped (see :func:`clipped`).
Every screenshot test calls it, so a screenshot in the README cannot show a
missing button or a cut-off word without a test failing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import (
    QFontMetrics,
    QImage,
    QPixmap,
    Qt,  # QtGui's Qt has mightBeRichText too
)
from PySide6.QtWidgets import QAbstractButton, QLabel, QPushButton, QToolButton, QWidget

#: Pixels of slack when comparing a text's width with its widget's (rounding
#: of fractional font metrics).
SLACK = 1


def not_blank(image: QImage | QPixmap, window: QWidget | None = None) -> None:
    """Not an empty or flat grab: the window's size (when given), several
    colours over a grid of samples, and no one colour covering nearly all of
    them (a real window is mostly one or two greys, so counting many colours
    says little)."""
    img = image.toImage() if isinstance(image, QPixmap) else image
    assert not img.isNull()
    if window is not None:
        dpr = img.devicePixelRatio()
        assert (round(img.width() / dpr), round(img.height() / dpr)) == (
            window.width(),
            window.height(),
        )
    samples = Counter(
        img.pixel(x, y) for x in range(0, img.width(), 37) for y in range(0, img.height(), 29)
    )
    assert len(samples) >= 8, f"{len(samples)} colours: the grab looks blank"
    commonest = samples.most_common(1)[0][1] / samples.total()
    assert commonest < 0.9, f"one colour covers {commonest:.0%} of the grab"


def rect_in(widget: QWidget, window: QWidget) -> QRect:
    """``widget``'s rectangle in ``window``'s coordinates."""
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def placed(widget: QWidget, window: QWidget) -> str | None:
    """Why ``widget`` is not where a person would see it, or None."""
    name = widget.objectName() or type(widget).__name__
    if not widget.isVisible():
        return f"{name} is not visible"
    if widget.width() <= 0 or widget.height() <= 0:
        return f"{name} has no size ({widget.width()}x{widget.height()})"
    if widget.window() is window:
        where = rect_in(widget, window)
        inside = window.rect().contains(where)
    else:  # a popup or dialog of its own: compare on the screen
        where = widget.frameGeometry()
        inside = window.frameGeometry().contains(where)
    if not inside:
        return f"{name} at {where} is outside the window ({window.rect()})"
    return None


def _plain(text: str) -> str:
    """A button's text as drawn: '&x' is a mnemonic, '&&' a literal '&'."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text or text.endswith("…"):  # empty, or elided on purpose by the code
        return None
    inner = label.contentsRect().adjusted(
        label.margin(), label.margin(), -label.margin(), -label.margin()
    )
    if label.wordWrap():
        need = label.heightForWidth(label.width())
        if need > label.height() + SLACK:
            return f"needs {need} px of height at width {label.width()}, has {label.height()}"
        return None
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and Qt.mightBeRichText(text)
    )
    if rich:
        hint = label.sizeHint()
        if hint.width() > label.width() + SLACK:
            return f"needs {hint.width()} px, has {label.width()}"
        return None
    fm = QFontMetrics(label.font())
    width = max(fm.horizontalAdvance(line) for line in text.split("\n"))
    height = fm.height() * len(text.split("\n"))
    if width > inner.width() + SLACK:
        return f"needs {width} px, has {inner.width()}"
    if height > inner.height() + SLACK:
        return f"needs {height} px of height, has {inner.height()}"
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    text = _plain(button.text())
    if not text:
        return None
    style = (
        button.toolButtonStyle()
        if isinstance(button, QToolButton)
        else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    )
    if style == Qt.ToolButtonStyle.ToolButtonIconOnly and not button.icon().isNull():
        return None  # (without an icon, Qt shows the text)
    fm = QFontMetrics(button.font())
    need = fm.horizontalAdvance(text)
    beside = style in (
        Qt.ToolButtonStyle.ToolButtonTextBesideIcon,
        Qt.ToolButtonStyle.ToolButtonFollowStyle,
    )
    if beside and not button.icon().isNull():
        need += button.iconSize().width()
    if isinstance(button, QPushButton) and button.menu() is not None:
        need += fm.height()  # room for the menu arrow
    if need > button.width() + SLACK:
        return f"needs {need} px, has {button.width()}"
    return None


def clipped(top: QWidget) -> list[str]:
    """Visible labels and buttons in ``top`` whose text does not fit.

    A label fits when its text's width and height (plain text: measured with
    ``fontMetrics``; rich text: ``sizeHint()``) fit in its contents, or, if
    it wraps words, when it is as tall as ``heightForWidth`` of its width. A
    label whose text ends with "…" was elided by the code and passes. A
    button fits when its text (and an icon beside it) fits its width.
    """
    problems = []
    widgets: Iterable[QWidget] = top.findChildren(QWidget)
    for w in widgets:
        if not w.isVisible() or w.window() is not top.window():
            continue
        if isinstance(w, QLabel):
            why = _label_problem(w)
        elif isinstance(w, QAbstractButton):
            why = _button_problem(w)
        else:
            continue
        if why:
            name = w.objectName() or type(w).__name__
            problems.append(f"{name} {w.text()!r}: {why}")
    return problems


def check(
    window: QWidget,
    shot: QImage | QPixmap,
    title: str | None = None,
    shown: Iterable[QWidget] = (),
) -> None:
    """Everything a person would check on a screenshot of ``window``."""
    not_blank(shot, window)
    if title is not None:
        assert window.windowTitle() == title
    problems = [why for w in shown if (why := placed(w, window))]
    problems += clipped(window)
    assert not problems, "\n".join(problems)
