"""Export one entry to Markdown, HTML, PDF or an email draft (on a worker thread).

The formats are the core's (``pkm/core/export.py``), so the window, the CLI
and the publishers write identical files; the window adds the Qt PDF writer
(export_pdf.py) that the Qt-free core asks for.
"""

from __future__ import annotations

from pathlib import Path

from pkm.core.journal import Entry

FORMATS = {
    "md": "Markdown (*.md)",
    "html": "Web page (*.html)",
    "pdf": "PDF (*.pdf)",
    "eml": "Email draft (*.eml)",
}


def export_entry(entry: Entry, fmt: str, path: Path, media_home: Path | None = None) -> Path:
    """Write ``entry`` to ``path`` in ``fmt`` (its images included); returns the path."""
    from pkm.core import export as core_export  # here: the toolbar imports FORMATS at start
    from pkm.gui.export_pdf import pdf_writer

    return core_export.export_entry(
        entry, fmt, Path(path), pdf_writer=pdf_writer, media_home=media_home
    )
