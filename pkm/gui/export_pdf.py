"""HTML to PDF with Qt alone (no browser engine, no new dependency).

Used by the editor's Export menu and reusable by the CLI: call
:func:`ensure_gui_application` first when no QApplication exists. Safe to
call from a worker thread (Qt supports painting to a PDF writer off the GUI
thread), so a long document never freezes the window.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

#: Qt's rich text engine ignores most of the web CSS in render_document();
#: these are the rules it understands, for a readable printed page.
PDF_CSS = (
    "body{font-family:'DejaVu Serif',Georgia,serif;font-size:11pt;color:#222}"
    "h1,h2,h3{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif}"
    "blockquote{color:#444;margin-left:16px}"
    "pre,code{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace}"
    "a{color:#1a5fb4}"
)


def ensure_gui_application() -> QGuiApplication:
    """A QGuiApplication (offscreen when there is no display) for command-line use."""
    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["pkm"])
    return app  # type: ignore[return-value]


def write_pdf(html: str, path: Path, *, title: str = "") -> Path:
    """Write ``html`` (a document from render_document) to ``path`` as an A4 PDF, atomically."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".pdf", dir=path.parent)
    os.close(fd)
    try:
        writer = QPdfWriter(tmp)
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)
        writer.setTitle(title)
        writer.setCreator("pkm")
        doc = QTextDocument()
        doc.setDefaultStyleSheet(PDF_CSS)
        doc.setHtml(html)
        doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
        doc.print_(writer)
        del writer  # finishes the file
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def pdf_writer(html: str, title: str, destination: Path) -> None:
    """The ``PdfWriter`` callable that ``pkm.core.export`` asks for."""
    write_pdf(html, Path(destination), title=title)
