"""The left column of Sense: calendar, streak, today's prompt, the day's entries.

Only what is visible is loaded: the marks of the calendar page on screen and
the entries of the selected day, so a workspace of any size opens at once.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pkm.core.journal import Streaks
from pkm.gui.operations import DaySummary, Operations
from pkm.gui.widgets import EntryList, Hint, heading


def to_date(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


def to_qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


class JournalCalendar(QCalendarWidget):
    """A month where the days written stand out, and today is outlined.

    A day with entries is drawn bold on a soft highlight-tinted pill with a short bar under it
    (Day One's calendar): visible at a glance in light and dark palettes alike, since the
    tint is the palette's own highlight colour at low opacity over the base.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.marks: dict[str, int] = {}
        self.today: dt.date | None = None
        self.setGridVisible(False)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setHorizontalHeaderFormat(QCalendarWidget.HorizontalHeaderFormat.SingleLetterDayNames)
        plain = QTextCharFormat()  # weekends in the normal colour: a journal has no office hours
        for day in (Qt.DayOfWeek.Saturday, Qt.DayOfWeek.Sunday):
            self.setWeekdayTextFormat(day, plain)

    def set_marks(self, marks: dict[str, int]) -> None:
        self.marks = marks
        self.updateCells()

    def paintCell(self, painter: QPainter, rect: QRect, date: QDate) -> None:  # type: ignore[override]
        super().paintCell(painter, rect, date)
        pal = self.palette()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        iso = f"{date.year():04d}-{date.month():02d}-{date.day():02d}"
        if iso in self.marks:
            selected = date == self.selectedDate()
            if not selected:
                self._written(painter, rect, date)
            color = pal.color(
                QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight
            )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)  # a short bar under the number (a dot sat on it)
            bar = max(2.0, rect.height() / 10)
            width = rect.width() / 3
            painter.drawRoundedRect(
                QRectF(rect.center().x() - width / 2, rect.bottom() - bar - 1, width, bar),
                bar / 2, bar / 2,
            )  # fmt: skip
        if self.today is not None and to_date(date) == self.today:
            painter.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(rect).adjusted(2, 2, -2, -2), 4, 4)
        painter.restore()

    def _written(self, painter: QPainter, rect: QRect, date: QDate) -> None:
        """Redraw a written day: tinted pill, bold number (over what the base class drew)."""
        pal = self.palette()
        tint = QColor(pal.color(QPalette.ColorRole.Highlight))
        tint.setAlphaF(0.25)
        painter.fillRect(rect, pal.color(QPalette.ColorRole.Base))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(tint)
        pill = QRectF(rect).adjusted(3, 1, -3, -1)
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        in_month = date.month() == self.monthShown()
        painter.setPen(
            pal.color(QPalette.ColorRole.Text if in_month else QPalette.ColorRole.PlaceholderText)
        )
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(date.day()))

    def visible_range(self) -> tuple[dt.date, dt.date]:
        first = dt.date(self.yearShown(), self.monthShown(), 1)
        return first - dt.timedelta(days=7), first + dt.timedelta(days=45)


class DayPanel(QWidget):
    day_selected = Signal(object)  # dt.date
    entry_activated = Signal(int)
    today_requested = Signal()
    new_note_requested = Signal(object)  # dt.date
    summary_loaded = Signal(object)  # DaySummary of the selected day

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.day = ops.today()
        self.summary: DaySummary | None = None
        #: The entry the editor shows: selected whenever the day's list (re)loads, so the
        #: list follows a [[link]], a calendar click or a relaunch even if it loads later.
        self.shown_entry: int | None = None
        #: A day the user clicked in the calendar: once its entries load, its daily entry
        #: (else its first) opens, as in Day One. An empty day opens nothing: the editor
        #: keeps what it shows and the list says how to add one.
        self._picked: dt.date | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 10, 6, 6)
        lay.setSpacing(6)

        self.calendar = JournalCalendar()
        self.calendar.today = self.day
        self.calendar.setSelectedDate(to_qdate(self.day))
        self.calendar.selectionChanged.connect(self._calendar_picked)
        self.calendar.currentPageChanged.connect(lambda _y, _m: self.refresh_marks())
        lay.addWidget(self.calendar)

        self.streak = QLabel()
        self.streak.setObjectName("streak")
        lay.addWidget(self.streak)

        self.buttons = buttons = QHBoxLayout()  # the stage adds its Import… button here
        self.today_button = QPushButton("Today")
        self.today_button.setToolTip("Open today's entry (Ctrl+T)")
        self.today_button.clicked.connect(self.today_requested)
        self.new_button = QPushButton("New note")
        self.new_button.setToolTip("Start a note on the selected day (Ctrl+N)")
        self.new_button.clicked.connect(lambda: self.new_note_requested.emit(self.day))
        buttons.addWidget(self.today_button)
        buttons.addWidget(self.new_button)
        lay.addLayout(buttons)

        self.prompt_box = QFrame()
        self.prompt_box.setObjectName("promptCard")
        self.prompt_box.setFrameShape(QFrame.Shape.StyledPanel)
        pl = QVBoxLayout(self.prompt_box)
        pl.setContentsMargins(10, 8, 10, 8)
        pl.addWidget(Hint("Today's prompt"))
        self.prompt = QLabel(ops.prompt())
        self.prompt.setWordWrap(True)
        f = self.prompt.font()
        f.setItalic(True)
        self.prompt.setFont(f)
        pl.addWidget(self.prompt)
        lay.addWidget(self.prompt_box)

        self.day_heading = heading("")
        lay.addWidget(self.day_heading)
        self.entries = EntryList("")
        self.entries.entry_activated.connect(self.entry_activated)
        lay.addWidget(self.entries, 1)
        self._update_heading()
        # pkm stays open for days: at midnight, move "today", its prompt and the streak.
        self._today = self.day
        self._midnight = QTimer(self, interval=60_000, timeout=self._check_date)
        self._midnight.start()

    def _check_date(self) -> None:
        today = self.ops.today()
        if today != self._today:
            self._today = self.calendar.today = today
            self.prompt.setText(self.ops.prompt(today))
            self._update_heading()
            self.calendar.updateCells()
            self.refresh_streak()

    # ---- selection --------------------------------------------------------------

    def _calendar_picked(self) -> None:
        day = to_date(self.calendar.selectedDate())
        if day != self.day:
            self.day = day
            self._picked = day
            self._update_heading()
            self.refresh_day()
            self.day_selected.emit(day)

    def select_day(self, day: dt.date) -> None:
        """Show ``day`` (e.g. the day of the entry just opened) without emitting."""
        if day == self.day:
            return
        self.day = day
        self.calendar.blockSignals(True)
        self.calendar.setSelectedDate(to_qdate(day))
        self.calendar.blockSignals(False)
        self._update_heading()
        self.refresh_marks()
        self.refresh_day()

    def select_entry(self, entry_id: int | None) -> None:
        self.shown_entry = entry_id
        self.entries.select_id(entry_id)

    def _update_heading(self) -> None:
        d = self.day
        today = self.ops.today()
        name = (
            "Today"
            if d == today
            else "Yesterday"
            if d == today - dt.timedelta(days=1)
            else f"{d:%A}"
        )
        self.day_heading.setText(f"{name}, {d.day} {d:%B %Y}")
        if d == today:
            self.entries.empty_text = (
                "Nothing written today yet. Press Ctrl+T to write today's entry."
            )
        else:
            self.entries.empty_text = (
                "No entries this day. Press Ctrl+T to write today's, "
                "or “New note” to add one to this day."
            )
        self.entries.viewport().update()

    # ---- loading ------------------------------------------------------------------

    def refresh(self) -> None:
        self.refresh_marks()
        self.refresh_day()
        self.refresh_streak()

    def refresh_marks(self) -> None:
        start, end = self.calendar.visible_range()
        self.ops.month_marks(start, end, self.calendar.set_marks, owner=self)

    def refresh_day(self) -> None:
        self.ops.day_summary(self.day, self._show_day, owner=self)

    def refresh_streak(self) -> None:
        self.ops.streaks(self._show_streak, owner=self)

    def _show_day(self, summary: DaySummary) -> None:
        if summary.day != self.day:
            return
        self.summary = summary
        self.entries.set_entries(summary.entries)
        self.entries.select_id(self.shown_entry)
        self.summary_loaded.emit(summary)
        if self._picked == summary.day:
            self._picked = None
            ids = [e.id for e in summary.entries if e.kind == "daily"] or [
                e.id for e in summary.entries
            ]
            if ids and self.shown_entry not in ids:
                self.entry_activated.emit(ids[0])

    def _show_streak(self, s: Streaks) -> None:
        if s.current:
            days = "day" if s.current == 1 else "days"
            text = f"<b>Streak: {s.current} {days}</b> · longest {s.longest}"
        elif s.longest:
            text = f"No streak today: write to start one · longest {s.longest}"
        else:
            text = "Write today to start a streak."
        self.streak.setText(text)
        self.streak.setToolTip("Days in a row with something written in the journal")

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.ApplicationPaletteChange:
            self.calendar.updateCells()

    def refresh_prompt(self) -> None:
        """Today's prompt again (Settings › Templates may have a new list; in memory)."""
        self.prompt.setText(self.ops.prompt(self._today))
