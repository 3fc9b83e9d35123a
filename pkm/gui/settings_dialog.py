"""Settings: a list of pages on the left, the chosen page on the right.

Pages are :class:`pkm.gui.stage.SettingsPage` entries in
``GuiContext.settings_pages``; the Seek and Share stages append their Feeds
and Targets pages there, so this dialog never needs to know about them.
Changes apply at once (no OK/Cancel to remember), like macOS preferences.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pkm.gui import appearance
from pkm.gui.sense.text_size import TextSizeRow
from pkm.gui.stage import GuiContext, SettingsPage
from pkm.gui.widgets import Hint, heading

REMOTE_IMAGES = "reader.remote_images"


class GeneralPage(QWidget):
    def __init__(self, ctx: GuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 8, 16, 8)

        lay.addWidget(heading("Data folder"))
        row = QHBoxLayout()
        self.folder = QLabel(str(ctx.ws.home))
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder.setWordWrap(True)
        open_button = QPushButton("Open folder")
        open_button.clicked.connect(self.open_folder)
        row.addWidget(self.folder, 1)
        row.addWidget(open_button)
        lay.addLayout(row)
        lay.addWidget(
            Hint(
                "Everything you write and read lives in this one folder. To use another "
                "folder, start pkm with --home FOLDER."
            )
        )

        lay.addWidget(heading("Backups"))
        row = QHBoxLayout()
        self.backups = QLabel("")
        self.backups.setObjectName("backupsState")
        self.backups.setWordWrap(True)
        row.addWidget(self.backups, 1)
        self.backup_now = QPushButton("Back up now")
        self.backup_now.setObjectName("backupNow")
        self.backup_now.clicked.connect(self.make_backup)
        show = QPushButton("Show backups")
        show.clicked.connect(self.show_backups)
        self.restore = QPushButton("Restore…")
        self.restore.setObjectName("restoreBackup")
        self.restore.clicked.connect(self.open_restore)
        row.addWidget(self.backup_now)
        row.addWidget(show)
        row.addWidget(self.restore)
        lay.addLayout(row)
        lay.addWidget(
            Hint(
                "pkm backs up your journal once a day while it is open and keeps a week of "
                "daily and a month of weekly backups (never secrets). Restore… brings one back "
                "(today's journal is backed up first, nothing is deleted)."
            )
        )
        self.show_backup_state()

        lay.addWidget(heading("Appearance"))
        row = QHBoxLayout()
        self.appearance = QComboBox()
        self.appearance.setObjectName("appearance")
        for value, label in appearance.CHOICES:
            self.appearance.addItem(label, value)
        current = ctx.ops.setting(appearance.KEY, "system")
        self.appearance.setCurrentIndex(max(0, self.appearance.findData(current)))
        self.appearance.currentIndexChanged.connect(self._appearance_chosen)
        row.addWidget(self.appearance)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addWidget(Hint("Follow the system: pkm is light or dark with your computer's setting."))

        lay.addWidget(heading("Writing"))
        lay.addWidget(TextSizeRow(ctx))
        lay.addWidget(
            Hint("View › Zoom (Ctrl+= and Ctrl+-) makes it larger or smaller from there.")
        )

        lay.addWidget(heading("Reading"))
        self.remote_images = QCheckBox("Show pictures from the web in articles")
        self.remote_images.setChecked(bool(ctx.ops.setting(REMOTE_IMAGES, False)))
        self.remote_images.toggled.connect(lambda on: ctx.ops.set_setting(REMOTE_IMAGES, on))
        lay.addWidget(self.remote_images)
        lay.addWidget(
            Hint(
                "Off is faster and more private: senders cannot tell when you read their "
                "articles. You can still show the pictures of one article when you want them."
            )
        )
        lay.addStretch(1)

    def _appearance_chosen(self, _index: int) -> None:
        choice = self.appearance.currentData()
        self.ctx.ops.set_setting(appearance.KEY, choice)
        appearance.apply(choice)

    def open_folder(self) -> None:
        self.ctx.window.open_link(QUrl.fromLocalFile(str(self.ctx.ws.home)))

    def show_backup_state(self) -> None:
        from pkm.core import auto_backup

        found = auto_backup.listing(self.ctx.ws.home)  # a directory listing: instant
        if not found:
            self.backups.setText("No automatic backup yet: the first is made a minute after start.")
            return
        newest = found[0]
        size = (
            f"{newest.size / 1_000_000:.1f} MB"
            if newest.size >= 1_000_000
            else f"{max(1, round(newest.size / 1000))} KB"
        )
        kept = "1 backup" if len(found) == 1 else f"{len(found)} backups"
        self.backups.setText(
            f"Latest: {newest.day:%A %-d %B %Y} ({size}). {kept} kept in backups/auto."
        )

    def make_backup(self) -> None:
        """A backup now, into backups/ (kept until the user removes it)."""
        from pkm.core.backup import backup

        ws, status = self.ctx.ws, self.ctx.status
        self.backup_now.setEnabled(False)

        def done(info: object) -> None:
            self.backup_now.setEnabled(True)
            status.show_message(f"Backed up your journal to {getattr(info, 'path', '')}.")

        def failed(exc: BaseException) -> None:
            self.backup_now.setEnabled(True)
            status.show_exception(exc)

        self.ctx.ops.background(
            lambda: backup(ws.home, ws.clock), on_done=done, on_error=failed, owner=self
        )

    def open_restore(self) -> None:
        from pkm.gui.restore_dialog import RestoreDialog

        self.restore_dialog = RestoreDialog(self.ctx, self.window())
        self.restore_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.restore_dialog.open()

    def show_backups(self) -> None:
        from pkm.core.backup import BACKUPS

        folder = self.ctx.ws.home / BACKUPS
        folder.mkdir(parents=True, exist_ok=True)
        self.ctx.window.open_link(QUrl.fromLocalFile(str(folder)))


def general_page() -> SettingsPage:
    return SettingsPage("General", GeneralPage)


class SettingsDialog(QDialog):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Settings")
        self.resize(720, 580)  # General holds five groups: none squeezed
        lay = QVBoxLayout(self)
        body = QHBoxLayout()
        self.pages_list = QListWidget()
        self.pages_list.setFixedWidth(160)
        self.stack = QStackedWidget()
        body.addWidget(self.pages_list)
        body.addWidget(self.stack, 1)
        lay.addLayout(body, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        for page in ctx.settings_pages:
            self.add_page(page.title, page.factory(ctx))
        self.pages_list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.pages_list.setCurrentRow(0)

    def add_page(self, title: str, widget: QWidget) -> None:
        self.pages_list.addItem(title)
        self.stack.addWidget(widget)

    def show_page(self, title: str) -> None:
        for i in range(self.pages_list.count()):
            if self.pages_list.item(i).text() == title:
                self.pages_list.setCurrentRow(i)
