"""Putting rich text on the clipboard without crashing at exit.

A QMimeData created from Python is a PySide wrapper subclass whose virtual
methods call back into Python. The clipboard keeps it until the application
ends and then asks it for its formats (to hand the content to the system's
clipboard manager), after Python has shut down: a segmentation fault at exit
(seen with PySide6 6.12, offscreen and xcb). A QMimeData created by Qt
itself has no such wrapper, so we get one from a C++ model and fill it.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QStringListModel
from PySide6.QtGui import QGuiApplication


def native_mime_data() -> QMimeData:
    """An empty QMimeData allocated by Qt (not a Python subclass)."""
    model = QStringListModel([""])
    mime = model.mimeData([model.index(0, 0)])
    for fmt in mime.formats():
        mime.removeFormat(fmt)
    return mime


def copy_rich_text(html: str, text: str) -> None:
    """text/html for email and LinkedIn, text/plain for everything else."""
    mime = native_mime_data()
    mime.setHtml(html)
    mime.setText(text)
    QGuiApplication.clipboard().setMimeData(mime)
