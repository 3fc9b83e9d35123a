"""The places where Seek hands over to the system: the browser, file choosers, questions.

Each is a plain function the stage keeps as an attribute, so tests replace
it (capture the address instead of opening a browser, answer a file chooser
without a modal native dialog) and the rest of the code runs for real.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QWidget

from pkm.gui import widgets
from pkm.gui.widgets import plain_tip

EXTERNAL_SCHEMES = ("http", "https", "mailto")
OPML_FILTER = "OPML files (*.opml *.xml);;All files (*)"


def is_external(url: QUrl) -> bool:
    """Only web and mail addresses leave pkm; file:, javascript: and the rest never do."""
    return url.isValid() and url.scheme().lower() in EXTERNAL_SCHEMES


def choose_open_path(parent: QWidget, caption: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, caption, "", OPML_FILTER)
    return path or None


def choose_save_path(parent: QWidget, caption: str, name: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, caption, name, OPML_FILTER)
    return path or None


def confirm(parent: QWidget, title: str, text: str, yes: str) -> bool:
    """The stages' one question box; its text names feeds, so it is shown as plain text
    (QMessageBox guesses rich text otherwise)."""
    return widgets.confirm(parent, title, plain_tip(text), yes)


def ask_text(parent: QWidget, title: str, label: str, text: str = "") -> str | None:
    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    value = " ".join(value.split())
    return value if ok and value else None
