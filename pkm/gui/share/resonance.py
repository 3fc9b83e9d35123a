"""What resonated: which posts drew an answer, where, and at what length (issue 13).

An executive would rather look than read a table, so it is drawn: one bar
per post, newest at the top, as long as the responses it drew and split in
the colours of the places it went; beside each, the count and the post's
length in words. Above it, one sentence compares short and long posts
(`resonance_summary`), and says so when there is too little to compare yet.
Painted with QPainter: no chart library for a dozen bars.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from pkm.core.publish.responses import Resonance, resonance_summary
from pkm.gui.stage import GuiContext
from pkm.gui.widgets import Hint, heading

#: Distinct in light and dark themes and for the common colour blindnesses (Okabe-Ito).
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
ROW = 28
TOP = 30  # the legend


class ResonanceChart(QWidget):
    """The bars (module docstring); `posts` newest first."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("resonanceChart")
        self.posts: list[Resonance] = []
        self.targets: list[str] = []

    def set_posts(self, posts: list[Resonance]) -> None:
        self.posts = posts
        self.targets = sorted({t for p in posts for t in p.by_target}, key=str.lower)
        self.setMinimumHeight(TOP + ROW * max(1, len(posts)) + 8)
        self.updateGeometry()
        self.update()

    def colour(self, target: str) -> QColor:
        return QColor(COLOURS[self.targets.index(target) % len(COLOURS)])

    def sizeHint(self) -> QSize:
        return QSize(640, TOP + ROW * max(1, len(self.posts)) + 8)

    def paintEvent(self, event: object) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text, subtle = pal.color(QPalette.ColorRole.WindowText), pal.color(QPalette.ColorRole.Mid)
        fm = p.fontMetrics()
        w = self.width()
        label_w = int(min(240, w * 0.34))
        right_w = fm.horizontalAdvance("888 responses · 8888 words") + 12
        bars_x, bars_w = label_w + 12, max(40, w - label_w - right_w - 24)
        # Legend: the places, in their colours.
        x = bars_x
        for t in self.targets:
            p.fillRect(QRectF(x, 9, 12, 12), self.colour(t))
            p.setPen(text)
            p.drawText(int(x + 16), 20, t)
            x += 16 + fm.horizontalAdvance(t) + 18
        if not self.posts:
            p.setPen(subtle)
            p.drawText(bars_x, TOP + 18, "Nothing published yet.")
            return
        most = max(1, max(post.total for post in self.posts))
        for i, post in enumerate(self.posts):
            y = TOP + i * ROW
            p.setPen(text)
            title = fm.elidedText(post.title or "Untitled", Qt.TextElideMode.ElideRight, label_w)
            p.drawText(QRectF(0, y, label_w, ROW - 6), Qt.AlignmentFlag.AlignRight
                       | Qt.AlignmentFlag.AlignVCenter, title)  # fmt: skip
            x = float(bars_x)
            p.fillRect(QRectF(bars_x, y + ROW / 2 - 4, bars_w, 1), subtle)  # the axis of none
            for t in self.targets:
                n = post.by_target.get(t, 0)
                if n:
                    seg = bars_w * n / most
                    p.fillRect(QRectF(x, y + 3, seg, ROW - 12), self.colour(t))
                    x += seg
            p.setPen(text if post.total else subtle)
            said = f"{post.total} response{'s' * (post.total != 1)} · {post.words} words"
            p.drawText(QRectF(w - right_w, y, right_w, ROW - 6),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, said)  # fmt: skip
        p.end()


class ResonanceView(QWidget):
    """The "What resonated" tab of Share: the sentence, then the chart."""

    loaded = Signal(object)

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(heading("What resonated"))
        self.summary = Hint()
        self.summary.setObjectName("resonanceSummary")
        lay.addWidget(self.summary)
        self.chart = ResonanceChart()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.chart)
        lay.addWidget(scroll, 1)

    def reload(self) -> None:
        ws = self.ctx.ws
        self.ctx.ops.read("resonance", lambda: ws.responses.resonance(), self._loaded, owner=self)

    def _loaded(self, posts: list[Resonance]) -> None:
        self.summary.setText(
            "Your newest posts, by the responses they drew and where. " + resonance_summary(posts)
        )
        self.chart.set_posts(posts)
        self.loaded.emit(posts)
