"""Side panes give way before the main pane does, at every window size.

A stage is a QSplitter with one main pane (Sense's editor, Seek's reader, Share's log)
and side panes. When the window narrows, a :class:`Collapser` first shrinks the side
panes to their own minimum widths, then hides them one by one in the order given
(Sense: the context column, then the side preview), until the main pane has its
minimum width again; when the window widens they come back in the reverse order.
Only panes the collapser hid are shown again: a pane the user turned off stays off.

A pane with a ``toggle`` (the editor's Preview button) reflects the collapse: the
button is unchecked while the pane is hidden for lack of room (so one click brings it
back, and that explicit choice then wins over the width rule until it is turned off),
and checked again when the room returns. :meth:`Collapser.wanted` tells what the user
chose, for the layout that is saved.

Why not a fixed breakpoint per stage: the sidebar, the user's splitter positions and
the text size all change what fits, so the rule is computed from widths.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QSplitter, QWidget


@dataclass(eq=False)
class Pane:
    """A side pane: ``widget`` needs ``min_width`` pixels to be useful.

    ``inside_main``: the pane lives inside the main pane (the preview beside the text),
    so while shown it adds to what the main pane needs instead of taking a splitter slot.
    """

    widget: QWidget
    min_width: int
    inside_main: bool = False
    toggle: QAction | None = None
    can_hide: bool = True  # False: it only shrinks (Seek's feed list: there is no other way in)
    collapsed: bool = field(default=False, init=False)  # hidden by us, for lack of room
    forced: bool = field(default=False, init=False)  # turned on by the user while narrow


class Collapser(QObject):
    """Keeps ``main`` at least ``main_min`` wide in ``split`` by shrinking, then hiding, panes.

    ``panes`` are in the order they give way (the first one goes first).
    """

    def __init__(self, split: QSplitter, main: QWidget, main_min: int, panes: list[Pane]) -> None:
        super().__init__(split)
        self.split = split
        self.main = main
        self.main_min = main_min
        self.panes = panes
        self._applying = False
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.apply)
        split.installEventFilter(self)
        self._inner = [
            p.widget.parentWidget()
            for p in panes
            if p.inside_main and isinstance(p.widget.parentWidget(), QSplitter)
        ]
        for inner in self._inner:  # it gets its new width after the outer one
            inner.installEventFilter(self)
        for pane in panes:
            if pane.toggle is not None:
                pane.toggle.toggled.connect(lambda on, p=pane: self._toggled(p, on))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.split or watched in self._inner) and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.Show,
        ):
            self._timer.start()
        return False

    def wanted(self, widget: QWidget) -> bool:
        """Whether the user wants ``widget`` shown (True while it is collapsed for room)."""
        for pane in self.panes:
            if pane.widget is widget:
                return pane.collapsed or (pane.toggle is None or pane.toggle.isChecked())
        return widget.isVisibleTo(self.split)

    def collapsed(self) -> list[QWidget]:
        return [p.widget for p in self.panes if p.collapsed]

    def _toggled(self, pane: Pane, on: bool) -> None:
        if self._applying:
            return
        pane.collapsed = False
        pane.forced = on  # the user asked for it now: it wins over the width rule
        if not on:
            self._timer.start()

    def _user_on(self, pane: Pane) -> bool:
        if pane.collapsed:
            return True
        if pane.toggle is not None:
            return pane.toggle.isChecked()
        return True

    def apply(self) -> None:
        """Hide what does not fit, show what fits again, then give the main pane its width."""
        total = self.split.width()
        if total <= 0 or not self.split.isVisible():
            return
        candidates = [p for p in self.panes if self._user_on(p)]
        handle = self.split.handleWidth()

        def need(shown: list[Pane]) -> int:
            return self.main_min + sum(
                p.min_width + (0 if p.inside_main else handle) for p in shown
            )

        shown = list(candidates)
        for pane in candidates:  # in the order they give way
            if need(shown) <= total:
                break
            if pane.can_hide and not pane.forced:
                shown.remove(pane)
        self._applying = True
        try:
            for pane in candidates:
                self._set_shown(pane, pane in shown)
        finally:
            self._applying = False
        self._give_main_room(shown)

    def _set_shown(self, pane: Pane, show: bool) -> None:
        if show and pane.collapsed:
            pane.collapsed = False
            if pane.toggle is not None:
                pane.toggle.setChecked(True)  # its owner shows it (and renders, for a preview)
            pane.widget.setVisible(True)
        elif not show and not pane.collapsed:
            pane.collapsed = True
            pane.widget.setVisible(False)
            if pane.toggle is not None:
                pane.toggle.blockSignals(True)  # the owner's "off" would forget the choice
                pane.toggle.setChecked(False)
                pane.toggle.blockSignals(False)

    def _give_main_room(self, shown: list[Pane]) -> None:
        """Shrink the shown side panes (not below their minimum) until main has its width."""
        nested = sum(p.min_width for p in shown if p.inside_main)
        for pane in shown:
            if pane.inside_main:
                self._share_inside(pane)
        wanted_main = self.main_min + nested
        index = self.split.indexOf(self.main)
        sizes = self.split.sizes()
        if index < 0 or sizes[index] >= wanted_main:
            return
        lacking = wanted_main - sizes[index]
        mins = {self.split.indexOf(p.widget): p.min_width for p in shown if not p.inside_main}
        for i, size in enumerate(sizes):
            if i == index or i not in mins or lacking <= 0:
                continue
            give = min(lacking, max(0, size - mins[i]))
            sizes[i] -= give
            sizes[index] += give
            lacking -= give
        self.split.setSizes(sizes)

    def _share_inside(self, pane: Pane) -> None:
        """A pane inside main (the preview) leaves the rest of main its minimum width."""
        inner = pane.widget.parentWidget()
        if not isinstance(inner, QSplitter):
            return
        sizes = inner.sizes()
        i, total = inner.indexOf(pane.widget), sum(sizes)
        if i < 0 or total - sizes[i] >= self.main_min or len(sizes) != 2:
            return
        sizes[i] = max(pane.min_width, total - self.main_min)
        sizes[1 - i] = total - sizes[i]
        inner.setSizes(sizes)
