"""Hearing back in the background: the schedule's checks, and the count on Share.

Without nagging: no pop-up, no sound. A check runs a few minutes after the
window opens and then every quarter of an hour, and asks only what the
schedule says is due (pkm.core.publish.responses: often in a post's first
month, rarely until half a year, then never). When a check finds something,
the status bar says so once, and the Share button in the sidebar carries the
number of responses the user has not seen; opening Share shows them ("Heard
back") and clears it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from pkm.core.changes import Change
from pkm.core.publish.response_docs import unseen_count
from pkm.core.publish.responses import CheckResult
from pkm.gui.stage import GuiContext

FIRST_CHECK_MS = 3 * 60_000  # after start-up settled, not during it
EVERY_MS = 15 * 60_000


class ResponsesWatch(QObject):
    counted = Signal(int)  # unseen responses, after each count

    def __init__(self, ctx: GuiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.unseen = 0
        self.timer = QTimer(self, interval=EVERY_MS)
        self.timer.timeout.connect(self.check_due)
        self._running = False

    def start(self) -> None:
        self.count()
        QTimer.singleShot(FIRST_CHECK_MS, self, self.check_due)
        self.timer.start()

    def check_due(self) -> None:
        """The schedule's check, on the pool (network work); skipped while one runs."""
        if self._running:
            return
        self._running = True
        ws = self.ctx.ws
        self.ctx.ops.background(
            lambda: ws.responses.refresh(due_only=True),
            on_done=self._checked,
            on_error=self._failed,
            owner=self,
        )

    def _checked(self, results: list[CheckResult]) -> None:
        self._running = False
        new = sum(r.new for r in results)
        if new:
            self.ctx.ops.sync_index()
            self.ctx.status.show_message(
                f"{new} new response{'s' * (new != 1)} to your posts: see Share."
            )
        self.count()

    def _failed(self, exc: BaseException) -> None:
        """A scheduled check says nothing when it fails (the panels show the error)."""
        self._running = False

    def count(self) -> None:
        store = self.ctx.ws.store
        self.ctx.ops.read(
            "responses-unseen", lambda: unseen_count(store), self._counted, owner=self
        )

    def _counted(self, n: int) -> None:
        self.unseen = n
        tip = f"{n} new response{'s' * (n != 1)} to your posts"
        self.ctx.window.set_stage_badge("share", n, tip)
        self.counted.emit(n)

    def mark_seen(self) -> None:
        """The user opened Share, where the newest are shown: the count goes."""
        if not self.unseen:
            return
        ws = self.ctx.ws
        self.ctx.ops.write(
            lambda: (ws.responses.mark_seen(), Change()), on_done=lambda _n: self.count(),
            owner=self,
        )  # fmt: skip
