"""Where Share hands over to the system: the browser, a folder chooser, a yes/no question.

Each is a plain function the controller keeps as an attribute, so tests
replace it (capture the address instead of opening a browser) and the rest
of the code runs for real.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from pkm.gui.widgets import confirm as confirm  # the stages' one question box

#: What a link in the publish log may open: web pages, mail, and the files a folder target wrote.
OPENABLE = ("http", "https", "mailto", "file")


def open_url(url: str) -> None:
    """Open a published post (or a written file) in the system's browser or viewer."""
    q = QUrl(url)
    if q.isValid() and q.scheme().lower() in OPENABLE:
        QDesktopServices.openUrl(q)


def choose_folder(parent: QWidget, caption: str, start: str = "") -> str | None:
    path = QFileDialog.getExistingDirectory(parent, caption, start)
    return path or None
