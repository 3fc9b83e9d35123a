"""The daily reminder in the window: a system notification, or a banner where there is none.

The rule (when it is due, once a day) is pkm.core.reminder. Here a QTimer checks every
30 s while pkm runs (minimised or not) and delivers it:

- through a QSystemTrayIcon's ``showMessage`` where the desktop has a notification
  area; clicking the notification (or the tray icon) opens today's entry;
- else as a banner at the top of the window ("Time to write: <today's prompt>", Write
  now / Dismiss), and Settings › Reminder says so.

The day is marked as reminded before the message is shown, so a second check (or a
second timer tick while the notification is up) never shows it twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, QTime, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSystemTrayIcon,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from pkm.core import reminder
from pkm.core.changes import Change
from pkm.gui.stage import GuiContext, SettingsPage
from pkm.gui.widgets import Hint, heading
from pkm.resources import icon_files

CHECK_MS = 30_000
TITLE = "Time to write in your journal"
NO_TRAY = (
    "This desktop has no notification area, so the reminder appears as a banner at the "
    "top of the pkm window (pkm needs to be open, minimised is fine)."
)
WITH_TRAY = (
    "The reminder is a notification from pkm's icon in the notification area; click it to "
    "open today's entry. pkm needs to be open (minimised is fine)."
)


def tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


class ReminderBanner(QFrame):
    """The in-window reminder, for desktops without a notification area."""

    write_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reminderBanner")
        self.setStyleSheet(
            "#reminderBanner { background: palette(alternate-base); "
            "border-bottom: 1px solid palette(mid); }"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 16, 8)
        self.label = QLabel()
        self.label.setWordWrap(True)
        row.addWidget(self.label, 1)
        self.write_button = QPushButton("Write now")
        self.write_button.setObjectName("reminderWrite")
        self.write_button.clicked.connect(self._write)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.clicked.connect(self.hide)
        row.addWidget(self.write_button)
        row.addWidget(self.dismiss_button)
        self.hide()

    def show_reminder(self, prompt: str) -> None:
        self.label.setText(f"<b>{TITLE}.</b> Today's prompt: <i>{prompt}</i>")
        self.show()

    def _write(self) -> None:
        self.hide()
        self.write_clicked.emit()


class DailyReminder(QObject):
    """Checks the reminder on a timer and delivers it; ``open_today`` is called on a click."""

    def __init__(
        self, ctx: GuiContext, banner: ReminderBanner, open_today: Callable[[], None]
    ) -> None:
        super().__init__(banner)
        self.ctx = ctx
        self.banner = banner
        self.open_today = open_today
        #: Whether a notification area exists (replaced in tests to take the tray path).
        self.tray_available: Callable[[], bool] = tray_available
        self.now: Callable[[], dt.datetime] = lambda: ctx.ws.clock().astimezone()
        self.tray: QSystemTrayIcon | None = None
        self.delivered: list[str] = []  # "tray" or "banner", per reminder shown
        self._fired: dt.date | None = None
        self.timer = QTimer(self, interval=CHECK_MS)
        self.timer.timeout.connect(self.check)
        banner.write_clicked.connect(self.open_today)

    def start(self) -> None:
        self.timer.start()
        QTimer.singleShot(0, self, self.check)

    def check(self) -> bool:
        """Deliver today's reminder if it is due; True if it was."""
        now = self.now()
        r = reminder.read(self.ctx.ws.settings)
        if self._fired == now.date() or not reminder.due(r, now):
            return False
        self._fired = now.date()
        settings = self.ctx.ws.settings
        self.ctx.ops.write(lambda: (reminder.mark_fired(settings, now.date()), Change()))
        self.deliver(self.ctx.ops.prompt(now.date()))
        return True

    def deliver(self, prompt: str) -> None:
        if self.tray_available():
            tray = self._tray()
            tray.show()
            tray.showMessage(TITLE, prompt, QSystemTrayIcon.MessageIcon.Information, 60_000)
            self.delivered.append("tray")
        else:
            self.banner.show_reminder(prompt)
            self.delivered.append("banner")

    def _tray(self) -> QSystemTrayIcon:
        if self.tray is None:
            app = QApplication.instance()
            icon = app.windowIcon() if isinstance(app, QApplication) else QIcon()
            if icon.isNull():  # the app's icon is set by pkm.gui.app; the files are the same
                for f in icon_files():
                    icon.addFile(str(f))
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip("pkm: click to write today's entry")
            self.tray.messageClicked.connect(self.open_today)
            self.tray.activated.connect(lambda _reason: self.open_today())
        return self.tray


class ReminderPage(QWidget):
    """Settings › Reminder: on/off, the time, the days; saved at once (on the writer)."""

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        r = reminder.read(ctx.ws.settings)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 8, 16, 8)
        lay.addWidget(heading("Daily reminder"))
        self.enabled = QCheckBox("Remind me to write in my journal")
        self.enabled.setObjectName("reminderEnabled")
        self.enabled.setChecked(r.enabled)
        lay.addWidget(self.enabled)
        row = QHBoxLayout()
        row.addWidget(QLabel("At"))
        self.time = QTimeEdit(QTime(r.time.hour, r.time.minute))
        self.time.setObjectName("reminderTime")
        self.time.setDisplayFormat("HH:mm")
        row.addWidget(self.time)
        row.addSpacing(12)
        row.addWidget(QLabel("on"))
        self.days: list[QCheckBox] = []
        for i, name in enumerate(reminder.DAY_NAMES):
            box = QCheckBox(name)
            box.setObjectName(f"reminderDay{i}")
            box.setChecked(i in r.days)
            box.toggled.connect(self._save)
            self.days.append(box)
            row.addWidget(box)
        row.addStretch(1)
        lay.addLayout(row)
        self.state = Hint("")
        self.state.setObjectName("reminderState")
        lay.addWidget(self.state)
        self.where = Hint(WITH_TRAY if tray_available() else NO_TRAY)
        self.where.setObjectName("reminderWhere")
        lay.addWidget(self.where)
        lay.addStretch(1)
        self.enabled.toggled.connect(self._save)
        self.time.timeChanged.connect(self._save)
        self._show_state(r)

    def chosen(self) -> reminder.ReminderSettings:
        t = self.time.time()
        days = tuple(i for i, box in enumerate(self.days) if box.isChecked())
        return reminder.ReminderSettings(
            self.enabled.isChecked(), dt.time(t.hour(), t.minute()), days, None
        )

    def _save(self, *_args: object) -> None:
        r = self.chosen()
        settings = self.ctx.ws.settings
        self.ctx.ops.write(
            lambda: (
                reminder.save(settings, enabled=r.enabled, time=r.time, days=r.days),
                Change(),
            )
        )
        self._show_state(r)

    def _show_state(self, r: reminder.ReminderSettings) -> None:
        for w in (self.time, *self.days):
            w.setEnabled(r.enabled)
        self.state.setText(
            f"Reminder: {r.describe()}." if r.enabled else "No reminder: pkm never interrupts you."
        )


def reminder_page() -> SettingsPage:
    return SettingsPage("Reminder", ReminderPage)
