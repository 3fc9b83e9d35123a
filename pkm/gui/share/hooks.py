"""Where Share hands over to the system: the browser, a folder chooser, a yes/no question.

Each is a plain function the controller keeps as an attribute, so tests
replace it (capture the address instead of opening a browser) and the rest
of the code runs for real.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QFileDialog, QWidget

from pkm.gui import links
from pkm.gui.widgets import confirm as confirm  # the stages' one question box

#: What a link in the publish log may open: web pages, mail, and the files a folder target wrote.
OPENABLE = ("http", "https", "mailto", "file")


def open_url(url: str, opener: Callable[[QUrl], bool] | None = None) -> bool:
    """Open a published post (or a written file) in the system's browser or viewer.

    ``opener`` is the window's ``open_link`` (which says so when nothing can open it);
    False when the address is not one pkm opens or nothing opened it."""
    q = QUrl(url)
    if not (q.isValid() and q.scheme().lower() in OPENABLE):
        return False
    return bool((opener or links.system_open)(q))


def choose_folder(parent: QWidget, caption: str, start: str = "") -> str | None:
    path = QFileDialog.getExistingDirectory(parent, caption, start)
    return path or None
