"""Focus mode (View › Focus mode, F11 or Ctrl+Shift+F; Esc leaves): only the text, centred.

The window's sidebar, top bar and menu bar, Sense's day list and side panel,
and the editor's toolbar, line of details and side preview are hidden; the title and the
text stay, in their centred column. The status bar stays too: a save that
failed must still be said. What was hidden is shown again on leaving, and
only what focus mode itself hid (a pane the user had closed stays closed).
Switching to another stage leaves focus mode first. The window's size is
left alone (no full screen): the user may have arranged it beside another.

The window's widgets are found by name (``sidebar``, ``topbar``), as menus.py
finds stages, so this module imports no window class.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import QFrame, QWidget

KEYS = ("F11", "Ctrl+Shift+F")


class FocusMode(QObject):
    toggled = Signal(bool)

    def __init__(self, window: Any, stage: Any) -> None:
        super().__init__(stage)
        self.window = window
        self.stage = stage
        self.active = False
        self._hidden: list[QWidget] = []
        self._frame = QFrame.Shape.StyledPanel
        self.leave_action = QAction("Leave focus mode", stage)
        self.leave_action.setShortcut(QKeySequence("Esc"))
        self.leave_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.leave_action.setEnabled(False)
        self.leave_action.triggered.connect(self.leave)
        stage.addAction(self.leave_action)
        changed = getattr(window, "stage_changed", None)
        if changed is not None:
            changed.connect(lambda key: key != stage.key and self.leave())

    def _widgets(self) -> list[QWidget]:
        w, ed = self.window, self.stage.editor
        found = [
            getattr(w, "sidebar", None),
            w.findChild(QWidget, "topbar") if isinstance(w, QWidget) else None,
            w.menuBar() if hasattr(w, "menuBar") else None,
            self.stage.day_panel,
            self.stage.context,
            ed.toolbar,
            ed.meta,
            ed.preview,
        ]
        return [x for x in found if isinstance(x, QWidget)]

    def _hold_collapser(self, hold: bool) -> None:
        """The stage's Collapser (pkm.gui.layout) shows and hides side panes as the width
        changes; in focus mode it must not bring one back, and on leaving it judges the
        width again (the window may have been resized meanwhile)."""
        collapser = getattr(self.stage, "collapser", None)
        if collapser is None:
            return
        watched = [collapser.split, *getattr(collapser, "_inner", [])]
        for widget in watched:
            if hold:
                widget.removeEventFilter(collapser)
            else:
                widget.installEventFilter(collapser)
        if not hold:
            collapser.apply()

    def _align_title(self, left: int) -> None:
        """The title starts where the text column does (the column is centred)."""
        ed = self.stage.editor
        shift = ed.text.mapTo(ed.title_edit.parentWidget(), ed.text.rect().topLeft()).x()
        shift -= ed.title_edit.geometry().x()
        ed.title_edit.setTextMargins(max(0, left + shift - 2), 0, 0, 0)

    def toggle(self) -> None:
        self.leave() if self.active else self.enter()

    def enter(self) -> None:
        if self.active:
            return
        self.active = True
        self._hold_collapser(True)
        self._hidden = [x for x in self._widgets() if not x.isHidden()]
        for x in self._hidden:
            x.hide()
        self.leave_action.setEnabled(True)
        ed = self.stage.editor
        self._frame = ed.text.frameShape()
        ed.text.setFrameShape(QFrame.Shape.NoFrame)  # a page, not a box in a window
        page = ed.pages.widget(1)
        page.setBackgroundRole(QPalette.ColorRole.Base)
        page.setAutoFillBackground(True)
        ed.text.column_moved.connect(self._align_title)
        self._align_title(ed.text.column_left())
        ed.text.setFocus()
        status = getattr(self.window, "status", None)
        if status is not None:
            status.show_message("Focus mode: only your text. Esc or F11 to leave.")
        self.toggled.emit(True)

    def leave(self) -> None:
        if not self.active:
            return
        self.active = False
        for x in self._hidden:
            x.show()
        self._hidden = []
        ed = self.stage.editor
        ed.text.column_moved.disconnect(self._align_title)
        ed.text.setFrameShape(self._frame)
        page = ed.pages.widget(1)
        page.setAutoFillBackground(False)
        page.setBackgroundRole(QPalette.ColorRole.Window)
        ed.title_edit.setTextMargins(0, 0, 0, 0)
        self.leave_action.setEnabled(False)
        self._hold_collapser(False)
        self.toggled.emit(False)
