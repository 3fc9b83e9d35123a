"""Add a feed: an address (the feed's, or just the website's), a folder, and for
private feeds a user name and password (the password goes to the system keyring).

The dialog stays open while pkm looks for the feed, so a typo can be fixed
right there: the core's message says what was wrong. Looking runs on the
writer as a long job, with Cancel here and in the status area.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pkm.core.feeds.model import Subscribed
from pkm.gui import theme
from pkm.gui.seek.ops import SeekOps
from pkm.gui.status import describe_error
from pkm.gui.tasks import Task
from pkm.gui.widgets import Hint


class AddFeedDialog(QDialog):
    subscribed = Signal(object)  # Subscribed

    def __init__(
        self,
        seek: SeekOps,
        folders: list[str],
        parent: QWidget | None = None,
        *,
        folder: str = "",
    ) -> None:
        super().__init__(parent)
        self.seek = seek
        self.task: Task | None = None
        self.setWindowTitle("Add a feed")
        self.setMinimumWidth(520)
        lay = QVBoxLayout(self)
        lay.addWidget(
            Hint(
                "Paste the address of a feed, or simply of a website or blog: pkm finds the "
                "feed it announces."
            )
        )
        form = QFormLayout()
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://example.com/ or https://example.com/feed.xml")
        self.folder = QComboBox()
        self.folder.setEditable(True)
        self.folder.addItems(["", *folders])
        self.folder.setCurrentText(folder)
        self.folder.lineEdit().setPlaceholderText("No folder (type a name to create one)")
        form.addRow("Address:", self.url)
        form.addRow("Folder:", self.folder)
        lay.addLayout(form)

        self.private = QCheckBox("This feed needs a user name and password")
        lay.addWidget(self.private)
        self.login = QWidget()
        login = QFormLayout(self.login)
        login.setContentsMargins(0, 0, 0, 0)
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        login.addRow("User name:", self.username)
        login.addRow("Password:", self.password)
        login.addRow(Hint("The password is kept in your system's keyring, never in pkm's files."))
        self.login.setVisible(False)
        self.private.toggled.connect(self._show_login)
        lay.addWidget(self.login)

        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # messages quote addresses, titles
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Add feed")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        seek.tasks.finished.connect(self._task_finished)

    def _show_login(self, on: bool) -> None:
        self.login.setVisible(on)
        self.adjustSize()
        if on:
            self.username.setFocus()

    def submit(self) -> None:
        url = self.url.text().strip()
        if not url:
            self._say("Type or paste the address of the feed or website first.", error=True)
            return
        if self.task is not None:
            return
        self._busy(True)
        self._say(f"Looking for the feed at {url}…")
        user = self.username.text().strip() if self.private.isChecked() else ""
        self.task = self.seek.add_feed(
            url,
            folder=self.folder.currentText().strip(),
            username=user,
            password=self.password.text() if user else "",
            on_done=self._done,
            on_error=self._failed,
            owner=self,
        )

    def _done(self, sub: Subscribed) -> None:
        self.task = None
        self.password.clear()
        self.subscribed.emit(sub)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self._busy(False)
        self._say(describe_error(exc), error=True)
        self.url.setFocus()

    def _task_finished(self, task: Task) -> None:
        if task is self.task and task.cancel_event.is_set():
            self.task = None
            self._busy(False)
            self._say("Stopped looking. Check the address and try again.")

    def reject(self) -> None:
        if self.task is not None:
            self.seek.tasks.cancel(self.task)
        super().reject()

    def _busy(self, busy: bool) -> None:
        self.ok_button.setEnabled(not busy)
        for w in (self.url, self.folder, self.private, self.login):
            w.setEnabled(not busy)

    def _say(self, text: str, *, error: bool = False) -> None:
        pal = QPalette(self.palette())
        if error:
            text_color = pal.color(QPalette.ColorRole.WindowText)
            color = theme.mix(text_color, QColor(Qt.GlobalColor.red), 0.55)
        else:
            color = pal.color(QPalette.ColorRole.WindowText)
        pal.setColor(QPalette.ColorRole.WindowText, color)
        self.message.setPalette(pal)
        self.message.setText(("⚠ " if error else "") + text)
