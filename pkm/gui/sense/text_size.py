"""The writing's text size (Settings › General › Writing): named sizes the zoom works on top of.

Names rather than points, as Day One and Bear offer them: "Large" means the
same on a laptop and on a 4K screen because each is a factor of the system's
own font size. View › Zoom (Ctrl+= / Ctrl+-) then scales whatever size is
chosen, 10 % a step; Ctrl+0 goes back to the chosen size, not to "Medium".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

KEY = "editor.text_size"
DEFAULT = "medium"
#: (setting, label, factor of the system font size)
SIZES = (
    ("small", "Small", 1.0),
    ("medium", "Medium", 1.15),
    ("large", "Large", 1.35),
    ("xlarge", "Extra large", 1.6),
)
FACTORS = {key: factor for key, _label, factor in SIZES}


def factor(choice: object) -> float:
    """The factor of a stored choice; an unknown or damaged value is Medium."""
    return FACTORS.get(choice, FACTORS[DEFAULT]) if isinstance(choice, str) else FACTORS[DEFAULT]


class TextSizeRow(QWidget):
    """'Text size: [Medium ▾]', applied to the open editor at once and remembered."""

    def __init__(self, ctx: Any) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel("Text size:"))
        self.combo = QComboBox()
        self.combo.setObjectName("textSize")
        for key, label, _factor in SIZES:
            self.combo.addItem(label, key)
        current = ctx.ops.setting(KEY, DEFAULT)
        self.combo.setCurrentIndex(max(0, self.combo.findData(current)))
        self.combo.currentIndexChanged.connect(self._chosen)
        lay.addWidget(self.combo)
        lay.addStretch(1)

    def _chosen(self, _index: int) -> None:
        choice = self.combo.currentData()
        self.ctx.ops.set_setting(KEY, choice)
        sense = getattr(self.ctx.window, "stages", {}).get("sense")
        editor = getattr(sense, "editor", None)
        if editor is not None:
            editor.set_text_size(choice)
