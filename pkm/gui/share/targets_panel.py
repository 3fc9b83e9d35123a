"""The list of targets: one card each with its kind, last result and its three buttons.

Used twice, in the Share stage and on the Targets page of Settings, so the
two always look and behave the same. A card says in words how the target
did last (the newest of: a connection test in this session, the last
publish in the log), so a broken target is visible before it is needed.
"""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pkm.core.publish.base import TargetConfig
from pkm.gui.share.controller import ShareController
from pkm.gui.share.kinds import info, shown_name
from pkm.gui.share.look import badge_icon, tone_color
from pkm.gui.share.ops import LogRow
from pkm.gui.share.words import when
from pkm.gui.widgets import Hint, heading

CARD_CSS = (
    "#targetCard { background: palette(base); border: 1px solid palette(mid); border-radius: 8px; }"
)


def last_result(
    share: ShareController, target: TargetConfig, rows: list[LogRow]
) -> tuple[str, str]:
    """(text, tone) for the card: the newer of the session's test and the log's last publish."""
    now = share.now()
    latest = next((r for r in rows if r.pub.target.lower() == target.name.lower()), None)
    test = share.last_result(target.name)
    pub_time = None
    if latest is not None:
        try:
            pub_time = dt.datetime.fromisoformat(latest.pub.updated)
        except ValueError:
            pub_time = None
    if test is not None and (pub_time is None or test[2] >= pub_time):
        ok, text, at = test
        return f"Test {when(at.isoformat(), now)}: {text}", "ok" if ok else "error"
    if latest is None:
        return "Nothing published here yet.", ""
    p = latest.pub
    title = f"“{latest.title}”" if latest.title else "an entry"
    if p.error and p.state != "published":
        return f"Last attempt {when(p.updated, now)} failed: {p.error}", "error"
    if p.error:
        return f"Last update {when(p.updated, now)} failed: {p.error}", "error"
    if p.state == "pending":
        return f"{title}: sent {when(p.updated, now)}, no answer yet.", "error"
    return f"Published {title} {when(p.published_at, now)}.", "ok"


class TargetCard(QFrame):
    """Badge, name, kind and address, the last result in words, then its three buttons."""

    def __init__(self, share: ShareController, target: TargetConfig, result: tuple[str, str]):
        super().__init__()
        self.setObjectName("targetCard")
        self.target = target
        self._share = share
        k = info(target.kind)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 10, 10, 8)
        lay.setSpacing(10)
        icon = QLabel()
        icon.setPixmap(badge_icon(target.kind, self.palette(), 28).pixmap(28, 28))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        lay.addWidget(icon)
        text = QVBoxLayout()
        text.setSpacing(3)
        self.name = QLabel(f"<b>{html.escape(shown_name(target))}</b>")
        self.name.setTextFormat(Qt.TextFormat.RichText)
        text.addWidget(self.name)
        where = target.url if target.url and not k.webhook else ""
        self.kind = Hint(k.label + (f" · {where}" if where else ""))
        self.kind.setToolTip(k.line)
        text.addWidget(self.kind)
        self.result = QLabel(objectName="targetLastResult")
        self.result.setWordWrap(True)
        pal = self.result.palette()
        pal.setColor(QPalette.ColorRole.WindowText, tone_color(result[1], self.palette()))
        self.result.setPalette(pal)
        self.result.setText(result[0])
        text.addWidget(self.result)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.setContentsMargins(0, 4, 0, 0)
        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName(f"test-{target.name}")
        self.test_button.setToolTip("Check the address and sign-in without publishing anything")
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setObjectName(f"edit-{target.name}")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName(f"remove-{target.name}")
        for b in (self.test_button, self.edit_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        text.addLayout(buttons)
        lay.addLayout(text, 1)
        self.test_button.clicked.connect(self._test)
        self.edit_button.clicked.connect(lambda: share.edit_target(target, self.window()))
        self.remove_button.clicked.connect(lambda: share.remove_target(target, self.window()))

    def _test(self) -> None:
        self.test_button.setEnabled(False)
        self.test_button.setText("Testing…")
        self._share.test(self.target.name)


class TargetsPanel(QWidget):
    """Cards for every target, refreshed when targets, tests or the log change."""

    def __init__(
        self, share: ShareController, title: str = "Targets", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.share = share
        self.targets: list[TargetConfig] = []
        self.rows: list[LogRow] = []
        self.cards: dict[str, TargetCard] = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(heading(title))
        top.addStretch(1)
        self.add_button = QPushButton("Add target…")
        self.add_button.setObjectName("addTarget")
        self.add_button.clicked.connect(lambda: share.add_target(self.window()))
        top.addWidget(self.add_button)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.inner = QWidget()
        self.inner.setStyleSheet(CARD_CSS)
        self.list = QVBoxLayout(self.inner)
        self.list.setContentsMargins(0, 0, 4, 0)
        self.list.setSpacing(8)
        self.scroll.setWidget(self.inner)
        lay.addLayout(top)
        lay.addWidget(self.scroll, 1)
        self.empty = Hint("No targets yet. Add your blog, a team channel, email or a folder.")
        self.empty.setObjectName("targetsEmpty")
        self.list.addWidget(self.empty)
        self.list.addStretch(1)
        share.ops.targets_changed.connect(self.refresh)
        # Bound methods, not lambdas: Qt drops them when this panel is deleted.
        share.ops.publications_changed.connect(self._publications_changed)
        share.tested.connect(self._tested)
        self._stale = True  # loaded when first shown, not while the window starts

    def refresh(self) -> None:
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self.share.ops.targets(self._targets_loaded, owner=self)

    def _publications_changed(self, _entry_id: object) -> None:
        self.refresh()

    def _tested(self, _name: str, _ok: bool, _text: str) -> None:
        self.show_cards()

    def showEvent(self, event) -> None:  # type: ignore[override]
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _targets_loaded(self, targets: list[TargetConfig]) -> None:
        self.targets = targets
        self.share.ops.publish_log(self._log_loaded, owner=self)

    def _log_loaded(self, rows: list[LogRow]) -> None:
        self.rows = rows
        self.show_cards()

    def show_cards(self) -> None:
        for card in self.cards.values():
            self.list.removeWidget(card)
            card.hide()
            card.deleteLater()
        self.cards = {}
        for i, t in enumerate(self.targets):
            card = TargetCard(self.share, t, last_result(self.share, t, self.rows))
            self.cards[t.name] = card
            self.list.insertWidget(i, card)
        self.empty.setVisible(not self.targets)

    def card(self, name: str) -> TargetCard | None:
        return self.cards.get(name)
