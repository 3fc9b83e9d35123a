"""Settings: a list of pages on the left, the chosen page on the right.

Pages are :class:`pkm.gui.stage.SettingsPage` entries in
``GuiContext.settings_pages``; the Seek and Share stages append their Feeds
and Targets pages there, so this dialog never needs to know about them.
Changes apply at once (no OK/Cancel to remember), like macOS preferences.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
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
                "Everything you write and read lives in this one folder. To back up, copy it "
                "while pkm is closed. To use another folder, start pkm with --home FOLDER."
            )
        )

        lay.addWidget(heading("Appearance"))
        lay.addWidget(Hint("pkm follows your system's light or dark appearance."))

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

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.ws.home)))


def general_page() -> SettingsPage:
    return SettingsPage("General", GeneralPage)


class SettingsDialog(QDialog):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Settings")
        self.resize(720, 460)
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
