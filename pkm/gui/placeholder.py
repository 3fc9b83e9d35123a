"""A stand-in page for a stage whose window part is not built yet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from pkm.gui.widgets import Hint


def placeholder_page(title: str, lines: list[str], parent: QWidget | None = None) -> QWidget:
    page = QWidget(parent)
    lay = QVBoxLayout(page)
    lay.setContentsMargins(48, 48, 48, 48)
    lay.addStretch(1)
    head = QLabel(title)
    f = head.font()
    f.setPointSizeF(f.pointSizeF() * 1.6)
    f.setBold(True)
    head.setFont(f)
    head.setAlignment(Qt.AlignmentFlag.AlignCenter)
    lay.addWidget(head)
    for line in lines:
        hint = Hint(line)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(hint)
    lay.addStretch(2)
    return page
