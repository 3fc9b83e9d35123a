"""The first-run welcome: a card at the top of the window, never a modal dialog.

Shown on the first start of a new data folder only (no entry written, no feed) and
until the user dismisses it or makes any of its choices: import an existing journal
(Day One, Evernote, Markdown / Obsidian, the same as File › Import), subscribe to a
first feed, write today's entry, or turn on the daily reminder. Then the setting
``welcome.done`` is set and it never comes back. A folder used before the welcome
existed (it has entries or feeds) is marked done without showing it.

Non-modal on purpose: the window is usable beneath it (today's entry is already open
and typing goes there), so nothing at first start blocks the user, a script or a test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
)

from pkm.core import reminder
from pkm.core.changes import Change
from pkm.core.workspace import Workspace
from pkm.gui.stage import GuiContext
from pkm.gui.widgets import Hint

DONE = "welcome.done"
INTRO = (
    "pkm keeps what you read (Seek), what you make of it in a daily journal (Sense), and "
    "what you choose to publish (Share), all in one folder on this computer. "
    "Where would you like to start?"
)
IMPORTS = (
    ("dayone", "Day One export (.zip)…"),
    ("enex", "Evernote export (.enex)…"),
    ("markdown", "Markdown folder or Obsidian vault…"),
)


def is_new(ws: Workspace) -> bool:
    """Nothing written and nothing followed yet (runs on the reader thread)."""
    written = ws.store.scalar("SELECT COUNT(*) FROM entries WHERE edited = 1")
    feeds = ws.store.scalar("SELECT COUNT(*) FROM feeds")
    return not written and not feeds


class WelcomePanel(QFrame):
    """The card; ``actions`` maps a choice to what it does in the window."""

    chosen = Signal(str)  # "import:<source>", "feed", "today", "reminder", "dismiss"

    def __init__(self, ctx: GuiContext, actions: dict[str, Callable[[], object]]) -> None:
        super().__init__()
        self.ctx = ctx
        self.actions = actions
        # The card sits inside this frame's own margins, so hiding the panel hides the space
        # around it too (a layout's margins stay on screen when its only widget is hidden).
        holder = QVBoxLayout(self)
        holder.setContentsMargins(16, 10, 16, 0)
        card = QFrame()
        card.setObjectName("welcome")
        card.setStyleSheet(
            "#welcome { background: palette(base); border: 1px solid palette(mid); "
            "border-radius: 10px; }"
        )
        holder.addWidget(card)
        outer = QVBoxLayout(card)
        outer.setContentsMargins(18, 12, 12, 14)
        top = QHBoxLayout()
        title = QLabel("<b>Welcome to pkm</b>")
        f = title.font()
        f.setPointSizeF(f.pointSizeF() * 1.25)
        title.setFont(f)
        top.addWidget(title, 1)
        self.close_button = QToolButton()
        self.close_button.setObjectName("welcomeClose")
        self.close_button.setText("Not now")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Close the welcome; it does not come back")
        self.close_button.clicked.connect(lambda: self._choose("dismiss"))
        top.addWidget(self.close_button)
        outer.addLayout(top)
        outer.addWidget(Hint(INTRO))

        row = QHBoxLayout()
        row.setSpacing(8)
        self.import_button = QPushButton("Import a journal…")
        self.import_button.setObjectName("welcomeImport")
        self.import_button.setToolTip("Bring in Day One, Evernote or Obsidian notes")
        menu = QMenu(self.import_button)
        self.import_actions = {}
        for source, text in IMPORTS:
            act = menu.addAction(text)
            act.triggered.connect(lambda _c=False, s=source: self._choose(f"import:{s}"))
            self.import_actions[source] = act
        self.import_button.setMenu(menu)
        self.feed_button = QPushButton("Subscribe to a feed…")
        self.feed_button.setObjectName("welcomeFeed")
        self.feed_button.clicked.connect(lambda: self._choose("feed"))
        self.today_button = QPushButton("Write today's entry")
        self.today_button.setObjectName("welcomeToday")
        self.today_button.setDefault(True)
        self.today_button.clicked.connect(lambda: self._choose("today"))
        for b in (self.import_button, self.feed_button, self.today_button):
            row.addWidget(b)
        row.addSpacing(16)
        self.reminder_button = QPushButton("Remind me daily at")
        self.reminder_button.setObjectName("welcomeReminder")
        self.reminder_button.setToolTip("A notification once a day; change it in Settings")
        self.reminder_time = QTimeEdit(QTime(20, 30))
        self.reminder_time.setObjectName("welcomeReminderTime")
        self.reminder_time.setDisplayFormat("HH:mm")
        self.reminder_button.clicked.connect(lambda: self._choose("reminder"))
        row.addWidget(self.reminder_button)
        row.addWidget(self.reminder_time)
        row.addStretch(1)
        outer.addLayout(row)
        self.hide()

    def _choose(self, choice: str) -> None:
        """Any choice ends the welcome for good, then does what was chosen."""
        self.hide()
        self.ctx.ops.set_setting(DONE, True)
        if choice == "reminder":
            t = self.reminder_time.time()
            settings, at = self.ctx.ws.settings, dt.time(t.hour(), t.minute())
            self.ctx.ops.write(
                lambda: (
                    reminder.save(settings, enabled=True, time=at, days=reminder.EVERY_DAY),
                    Change(),
                )
            )
            self.ctx.status.show_message(
                f"pkm will remind you every day at {at:%H:%M}. Change it in Settings › Reminder."
            )
        action = self.actions.get(choice)
        if action is not None:
            action()
        self.chosen.emit(choice)

    def start(self) -> None:
        """Show it if this is a new folder that has not seen it (the check runs off the GUI)."""
        if self.ctx.ops.setting(DONE, False):
            return
        ws = self.ctx.ws
        self.ctx.ops.read("welcome", lambda: is_new(ws), self._checked, owner=self)

    def _checked(self, new: bool) -> None:
        if new:
            self.show()
        else:  # a folder from before the welcome existed: a returning user
            self.ctx.ops.set_setting(DONE, True)


def window_actions(window: Any) -> dict[str, Callable[[], object]]:
    """What each choice does in the main window (its stages are looked up when chosen)."""

    def stage_call(key: str, *path: str) -> Callable[[], object]:
        def call() -> object:
            obj: Any = window.stages.get(key)
            if obj is None:
                return None
            for name in path[:-1]:
                obj = getattr(obj, name)
            return getattr(obj, path[-1])()

        return call

    def feed() -> None:
        window.show_stage("seek")
        stage_call("seek", "add_feed")()

    def today() -> None:
        stage = window.stages.get("sense")
        if stage is not None:
            stage.editor.focus_when_shown()
            stage.open_today()

    actions: dict[str, Callable[[], object]] = {"feed": feed, "today": today}
    for source in ("dayone", "enex", "markdown"):
        actions[f"import:{source}"] = stage_call("sense", "import_button", f"import_{source}")
    return actions
