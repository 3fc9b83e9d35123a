"""Responses: what came back from the places a post went (issue 13, "hear back").

One widget, used twice: in Sense beside the open entry or post (the post's
own responses; for an entry, those of every post drawn from it), and in Share
for everything ("Heard back", newest first). It shows, per place, the counts
in words ("2 comments, 1 awaiting your approval"), where responses cannot be
read says so in words (never a zero), then the newest comments and replies
with who, when, a link to open and "Clip to today": a response is the start
of the next reflection. "Check now" reads them at once (on the pool: it is
network work); the schedule does the same in the background (ResponsesWatch).

Reads run on the reader, the clip on the writer; nothing here touches SQLite.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pkm.core.errors import NotFound
from pkm.core.publish.responses import CheckResult, StoredResponse
from pkm.gui.share import hooks
from pkm.gui.share.words import when
from pkm.gui.stage import GuiContext
from pkm.gui.widgets import Hint, heading

NEWEST = 5  # replies shown; the rest are a click away in the CLI's list and in search
KIND_WORDS = {
    "comment": ("comment", "comments"),
    "reply": ("reply", "replies"),
    "like": ("like", "likes"),
    "boost": ("boost", "boosts"),
    "reaction": ("reaction", "reactions"),
}
ROW_CSS = "#responseRow { border-top: 1px solid palette(midlight); }"


@dataclass
class ResponsesView:
    """What the panel shows, read in one go on the reader thread."""

    entry_ids: tuple[int, ...] | None  # None: every post
    places: list[str] = field(default_factory=list)  # targets the post(s) went to
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # target -> cannot be read, why
    errors: dict[str, str] = field(default_factory=dict)  # target -> last check's error
    newest: list[StoredResponse] = field(default_factory=list)
    titles: dict[int, str] = field(default_factory=dict)  # post id -> title (for "all")


def load_view(ws: Any, entry_id: int | None) -> ResponsesView:
    """On the reader: the post itself and the posts drawn from it (or everything)."""
    if entry_id is None:
        ids: tuple[int, ...] | None = None
        pubs = ws.publishing.publications()
    else:
        ids = (entry_id, *(p.id for p in ws.journal.list_posts(entry_id)))
        pubs = [p for i in ids for p in ws.publishing.publications(i)]
    pubs = [p for p in pubs if p.state == "published"]
    view = ResponsesView(ids)
    view.places = sorted({p.target for p in pubs}, key=str.lower)
    if not pubs:
        return view
    every = ws.responses.list(entry_ids=ids)
    for r in every:
        view.counts.setdefault(r.target, {}).setdefault(r.kind, 0)
        view.counts[r.target][r.kind] += 1
        if r.status == "pending":
            view.pending[r.target] = view.pending.get(r.target, 0) + 1
    all_notes = ws.responses.unreadable()
    view.notes = {t: n for t, n in all_notes.items() if t in view.places}
    for i in {p.entry_id for p in pubs}:
        for target, check in ws.responses.last_checks(i).items():
            if check.get("error"):
                view.errors[target] = str(check["error"])
    view.newest = [r for r in every if r.kind in ("comment", "reply")][:NEWEST]
    for r in view.newest:
        if r.entry_id not in view.titles:
            try:
                view.titles[r.entry_id] = ws.journal.get(r.entry_id, include_trashed=True).title
            except NotFound:  # a purged post: its responses still show
                view.titles[r.entry_id] = ""
    return view


def counts_words(counts: dict[str, int], pending: int = 0) -> str:
    """'2 comments (1 awaiting your approval), 85 likes': counts as a person says them."""
    parts = []
    for kind, (one, many) in KIND_WORDS.items():
        n = counts.get(kind, 0)
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    text = ", ".join(parts) or "no responses yet"
    return text + (f" ({pending} awaiting your approval)" if pending else "")


class ResponseRow(QFrame):
    """One comment or reply: who, on what, where and when, the words; Open and Clip beside."""

    def __init__(self, r: StoredResponse, when_text: str, post: str, panel: ResponsesPanel):
        super().__init__()
        self.setObjectName("responseRow")
        self.setStyleSheet(ROW_CSS)
        self.response = r
        # Beside the text where there is room (Share), below it in Sense's narrow column.
        lay = QHBoxLayout(self) if panel.everything else QVBoxLayout(self)
        lay.setContentsMargins(2, 6, 2, 4)
        lay.setSpacing(6 if panel.everything else 2)
        # A long handle (@bob@other.example) may wrap after its @ and dots.
        who = html.escape(r.author or "Someone").replace("@", "@\u200b").replace(".", ".\u200b")
        on = f" on “{html.escape(post)}”" if post else ""
        pending = " · <i>awaiting your approval</i>" if r.status == "pending" else ""
        where = f"{html.escape(r.target)} · {html.escape(when_text)}{pending}"
        text = " ".join(r.text.split())
        text = html.escape(text[:277] + "…" if len(text) > 280 else text)
        self.head = QLabel(f"<b>{who}</b>{on}<br><span>{where}</span><br>{text}")
        self.head.setWordWrap(True)
        self.head.setTextFormat(Qt.TextFormat.RichText)
        self.head.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        lay.addWidget(self.head, 1)
        buttons = QVBoxLayout() if panel.everything else QHBoxLayout()
        buttons.setSpacing(2)
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip(f"Open this {r.kind} where it was written")
        self.open_button.setVisible(bool(r.url))
        self.open_button.clicked.connect(lambda: panel.open_url(r.url))
        self.clip_button = QPushButton("Clip to today")
        self.clip_button.setToolTip("Quote it in today's entry, with who said it and where")
        self.clip_button.clicked.connect(lambda: panel.clip(r))
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.clip_button)
        buttons.addStretch(1)
        lay.addLayout(buttons)


class ResponsesPanel(QWidget):
    """The "Responses" section (module docstring). Hidden where nothing was published."""

    loaded = Signal(object)  # the ResponsesView shown (tests wait for it)
    checked = Signal(object)  # the CheckResults of "Check now"

    def __init__(
        self, ctx: GuiContext, *, everything: bool = False, title: str = "Responses",
        newest: int = NEWEST,
    ) -> None:  # fmt: skip
        super().__init__()
        self.newest = newest
        self.setObjectName("responsesPanel")
        self.ctx = ctx
        self.everything = everything
        self.entry_id: int | None = None
        self.view: ResponsesView | None = None
        self.open_url: Callable[[str], None] = hooks.open_url  # tests capture it
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        top = QHBoxLayout()
        top.addWidget(heading(title))
        top.addStretch(1)
        self.check_button = QPushButton("Check now")
        self.check_button.setToolTip(
            "Ask every place this was published for new comments, replies and likes "
            "(nothing is changed there)"
        )
        self.check_button.clicked.connect(self.check_now)
        top.addWidget(self.check_button)
        lay.addLayout(top)
        self.summary = Hint()
        self.summary.setObjectName("responsesSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.summary)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(0)
        lay.addLayout(self.rows)
        self.setVisible(everything)

    # ---- loading ----------------------------------------------------------------------

    def show_entry(self, entry_id: int | None) -> None:
        """Sense: the open entry (None when closed). Sense shows its context again after
        every change that is not only text (a publish, a clip), and this follows it; a
        keystroke in the post reloads nothing."""
        self.entry_id = entry_id
        if entry_id is None and not self.everything:
            self.view = None
            self.setVisible(False)
            return
        self.reload()

    def reload(self) -> None:
        ws, entry_id = self.ctx.ws, None if self.everything else self.entry_id
        key = f"responses:{id(self)}"
        self.ctx.ops.read(key, lambda: load_view(ws, entry_id), self._loaded, owner=self)

    def _loaded(self, view: ResponsesView) -> None:
        if not self.everything and view.entry_ids and view.entry_ids[0] != self.entry_id:
            return  # another entry was opened meanwhile
        self.view = view
        self.setVisible(bool(view.places) or self.everything)
        self.check_button.setEnabled(bool(view.places))
        self.summary.setText(self._summary(view))
        while self.rows.count():
            w = self.rows.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        now = self.ctx.ws.clock()
        for r in view.newest[: self.newest]:
            post = view.titles.get(r.entry_id, "") if self.everything else ""
            self.rows.addWidget(ResponseRow(r, when(r.at, now), post, self))
        self.loaded.emit(view)

    def _summary(self, view: ResponsesView) -> str:
        if not view.places:
            return html.escape(
                "Nothing published yet. Once a post is published, what people answer shows here."
            )
        lines = []
        # What can be heard first; then, in words, where nothing can be.
        for place in sorted(view.places, key=lambda p: (p in view.notes, p.lower())):
            name = f"<b>{html.escape(place)}</b>"
            if place in view.notes:
                lines.append(f"{name}: {html.escape(view.notes[place])}")
                continue
            said = counts_words(view.counts.get(place, {}), view.pending.get(place, 0))
            error = view.errors.get(place)
            if error:
                said += f" · last check failed: {html.escape(error)}"
            lines.append(f"{name}: {html.escape(said) if not error else said}")
        return "<br>".join(lines)

    # ---- actions ----------------------------------------------------------------------

    def check_now(self) -> None:
        """Read the responses now, on the pool; the status bar says what came back."""
        ws = self.ctx.ws
        ids = None if self.everything or self.view is None else self.view.entry_ids
        self.check_button.setEnabled(False)
        self.check_button.setText("Checking…")

        def fn() -> list[CheckResult]:
            if ids is None:
                return ws.responses.refresh()
            return [r for i in ids for r in ws.responses.refresh(i)]

        self.ctx.ops.background(fn, on_done=self._checked, on_error=self._check_failed, owner=self)

    def _checked(self, results: list[CheckResult]) -> None:
        self.check_button.setText("Check now")
        self.check_button.setEnabled(True)
        self.ctx.ops.sync_index()  # the new replies become searchable
        self.ctx.status.show_message(check_message(results))
        self.reload()
        self.checked.emit(results)

    def _check_failed(self, exc: BaseException) -> None:
        self.check_button.setText("Check now")
        self.check_button.setEnabled(True)
        self.ctx.status.show_exception(exc)

    def clip(self, r: StoredResponse) -> None:
        ops, ws = self.ctx.ops, self.ctx.ws
        ops.flush_requested.emit()  # the open editor saves first; the clip lands on top
        ops.write(
            lambda: ws.responses.clip(r.id),
            on_done=lambda entry: self.ctx.status.show_message(
                f"Clipped {r.author or 'the'}’s {r.kind} into {entry.title}."
            ),
            on_error=self.ctx.status.show_exception,
            owner=self,
        )


def check_message(results: list[CheckResult]) -> str:
    """One line for the status bar: what a check found, and where it failed."""
    new = sum(r.new for r in results)
    failed = sorted({r.target for r in results if r.error})
    asked = sorted({r.target for r in results if r.readable and not r.skipped})
    if new:
        head = f"{new} new response{'s' * (new != 1)}"
    elif asked:
        head = "No new responses"
    else:
        head = "Nothing to check"
    if failed:
        first = next(r for r in results if r.error)
        return f"{head}; {', '.join(failed)} could not be read: {first.error}"
    return head + (f" from {', '.join(asked)}." if asked else ".")
