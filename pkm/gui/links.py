"""Opening links and folders with the system, and saying so when it cannot.

``QDesktopServices.openUrl`` returns False when nothing on the system can open the
address (no browser set up, no file manager, a minimal desktop). pkm never claims it
opened anything then: :class:`CouldNotOpen` says "pkm could not open a browser for
<address>" and offers the alternative, a Copy link button, in a small non-modal box
(the window stays usable; the box closes itself when the link is copied).

Every opening of an address in pkm.gui goes through ``MainWindow.open_link`` (stages
reach it through the ``Window`` protocol), which uses :func:`system_open`; tests
replace ``MainWindow.system_open`` to play a system without a browser.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pkm.gui.widgets import Hint


def system_open(url: QUrl) -> bool:
    """Ask the desktop to open ``url``; False when nothing could."""
    return bool(QDesktopServices.openUrl(url))


def as_url(url: QUrl | str) -> QUrl:
    return QUrl(url) if isinstance(url, str) else url


def opener_name(url: QUrl) -> str:
    """What would have opened it, in words: "a browser", "an email program"..."""
    scheme = url.scheme().lower()
    if scheme in ("http", "https"):
        return "a browser"
    if scheme == "mailto":
        return "an email program"
    if url.isLocalFile():
        return "a file manager or viewer"
    return "an app"


def shown_address(url: QUrl) -> str:
    return url.toLocalFile() if url.isLocalFile() else url.toString()


class CouldNotOpen(QDialog):
    """'pkm could not open a browser for <url>.' with Copy link and Close."""

    def __init__(self, parent: QWidget | None, url: QUrl, what: str = "") -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("couldNotOpen")
        self.setWindowTitle("Could not open the link")
        self.setModal(False)
        self.address = shown_address(url)
        lay = QVBoxLayout(self)
        subject = f" {what}" if what else ""
        self.message = QLabel(
            f"pkm could not open {opener_name(url)} for{subject}:", objectName="couldNotOpenText"
        )
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        address = QLabel(self.address)
        address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        address.setWordWrap(True)
        lay.addWidget(address)
        noun = "path" if url.isLocalFile() else "link"
        lay.addWidget(Hint(f"Copy the {noun} and paste it into {opener_name(url)} yourself."))
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton(f"Copy {noun}")
        self.copy_button.setObjectName("copyLink")
        self.copy_button.setDefault(True)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.setMinimumWidth(440)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.address)
        self.accept()
