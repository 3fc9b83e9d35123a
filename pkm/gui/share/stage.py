"""Share: the targets on the left, the publish log on the right.

A newcomer with no target sees one sentence saying what Share is for and
an "Add target" button; everything else appears once there is a target.
Publishing itself starts from the editor (the Publish button in Sense),
where the words are; this stage is where to see where they went.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pkm.core.publish.base import TargetConfig
from pkm.gui.layout import Collapser, Pane
from pkm.gui.share.controller import ShareController
from pkm.gui.share.log_view import PublishLogView
from pkm.gui.share.ops import LogRow
from pkm.gui.share.resonance import ResonanceView
from pkm.gui.share.responses_panel import ResponsesPanel
from pkm.gui.share.responses_watch import ResponsesWatch
from pkm.gui.share.targets_panel import TargetsPanel
from pkm.gui.stage import GuiContext, Stage
from pkm.gui.widgets import Hint

WELCOME = (
    "Publish a reflection to your blog, your team's channel or your inbox. Add a target to begin."
)
HOW = (
    "Then open an entry in Sense and press Publish on its toolbar: the first time, you see "
    "a short preview; after that, one click updates the same post."
)


class ShareStage(Stage):
    key = "share"
    title = "Share"
    subtitle = "Publish what you learned"
    tooltip = "Publish reflections to your blog or team network (Ctrl+3)"

    def __init__(self, ctx: GuiContext, share: ShareController) -> None:
        super().__init__(ctx)
        self.share = share
        self.targets: list[TargetConfig] = []
        self.pages = QStackedWidget()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.pages)
        self.pages.addWidget(self._welcome_page())

        self.split = QSplitter()
        self.split.setChildrenCollapsible(False)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(16, 12, 8, 12)
        self.targets_panel = TargetsPanel(share, "Targets")
        ll.addWidget(self.targets_panel, 1)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(8, 12, 16, 12)
        # What came back, above where things went: hearing back is why one shares.
        self.heard_back = ResponsesPanel(ctx, everything=True, title="Heard back", newest=3)
        self.heard_back.open_url = lambda url: self.share.open_url(url)
        rl.addWidget(self.heard_back)
        self.watch = ResponsesWatch(ctx, self)
        QTimer.singleShot(0, self, self.watch.start)  # once the window runs, not while built
        self.heard_back.checked.connect(lambda _results: (self.watch.count(), self.refresh()))
        self.sense_responses: ResponsesPanel | None = None  # set when Sense's column is built
        self.log = PublishLogView()
        self.log.open_link.connect(lambda url: self.share.open_url(url))
        self.log.open_entry.connect(ctx.window.open_entry.emit)
        self.resonance = ResonanceView(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("shareTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.log, "Publish log")
        self.tabs.addTab(self.resonance, "What resonated")
        self.tabs.currentChanged.connect(self._tab_changed)
        rl.addWidget(self.tabs, 1)
        self.split.addWidget(left)
        self.split.addWidget(right)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([430, 900])
        # Narrow windows: the targets column shrinks so the log keeps its columns.
        self.collapser = Collapser(self.split, right, 560, [Pane(left, 320, can_hide=False)])
        self.pages.addWidget(self.split)

        share.ops.targets_changed.connect(self.refresh)
        share.ops.publications_changed.connect(self._publications_changed)

    def _welcome_page(self) -> QWidget:
        # The wrapped labels sit in a column of bounded width, not in the page's layout with
        # an alignment flag: a flag gives a label its one-line size hint and ignores
        # height-for-width, so on X11 the lines were cut and drawn over each other.
        column = QWidget()
        column.setMaximumWidth(620)
        col = QVBoxLayout(column)
        col.setContentsMargins(0, 0, 0, 0)
        self.welcome = QLabel(WELCOME)
        self.welcome.setObjectName("shareWelcome")
        f = QFont(self.welcome.font())
        f.setPointSizeF(f.pointSizeF() * 1.35)
        self.welcome.setFont(f)
        self.welcome.setWordWrap(True)
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addWidget(self.welcome)
        self.welcome_how = Hint(HOW)
        self.welcome_how.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addWidget(self.welcome_how)
        col.addSpacing(12)
        self.welcome_button = QPushButton("Add target")
        self.welcome_button.setObjectName("welcomeAddTarget")
        self.welcome_button.setDefault(True)
        self.welcome_button.clicked.connect(lambda: self.share.add_target(self.window()))
        col.addWidget(self.welcome_button, 0, Qt.AlignmentFlag.AlignHCenter)

        page = QWidget()
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 4)
        row.addStretch(1)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(48, 48, 48, 48)
        lay.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(2)
        return page

    # ---- data --------------------------------------------------------------------------

    def refresh(self) -> None:
        self.share.ops.targets(self._targets_loaded, owner=self)

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.resonance:
            self.resonance.reload()

    def _publications_changed(self, _entry_id: object) -> None:
        self.refresh()
        if self.isVisible():
            self.heard_back.reload()  # a new place to hear back from

    def _targets_loaded(self, targets: list[TargetConfig]) -> None:
        self.targets = targets
        self.pages.setCurrentIndex(1 if targets else 0)
        self.share.ops.publish_log(self._log_loaded, owner=self)

    def _log_loaded(self, rows: list[LogRow]) -> None:
        self.log.set_rows(rows, self.share.now())

    # ---- Stage hooks -------------------------------------------------------------------

    def activated(self) -> None:
        """Loaded when first shown (not at start-up), and fresh each visit ("2 days ago")."""
        self.refresh()
        self.heard_back.reload()
        self.watch.mark_seen()
        if self.tabs.currentWidget() is self.resonance:
            self.resonance.reload()

    def flush(self) -> None:
        """Open post windows save what was typed (their text is Share's to keep)."""
        self.share.flush_posts()

    def unsaved(self) -> BaseException | None:
        return self.share.unsaved_post()

    def save_state(self) -> dict[str, Any]:
        return {"split": bytes(self.split.saveState().toBase64().data()).decode("ascii")}

    def restore_state(self, state: dict[str, Any]) -> None:
        split = state.get("split")
        if isinstance(split, str):
            self.split.restoreState(QByteArray.fromBase64(split.encode("ascii")))
