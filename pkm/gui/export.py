"""Export one entry to Markdown, HTML, PDF or an email draft (on a worker thread).

The formats are the core's (``pkm/core/export.py``), so the window, the CLI
and the publishers write identical files; the window adds the Qt PDF writer
(export_pdf.py) that the Qt-free core asks for. If the core's exporter is
missing (an older core), Markdown and HTML are written from the core's
Markdown renderer here and PDF from the same HTML.
"""

from __future__ import annotations

import json
from pathlib import Path

from pkm.core.errors import BadInput, StorageError
from pkm.core.journal import Entry
from pkm.core.markdown import render_document
from pkm.core.settings import atomic_write_bytes

FORMATS = {
    "md": "Markdown (*.md)",
    "html": "Web page (*.html)",
    "pdf": "PDF (*.pdf)",
    "eml": "Email draft (*.eml)",
}


def export_entry(entry: Entry, fmt: str, path: Path) -> Path:
    """Write ``entry`` to ``path`` in ``fmt``; returns the path written."""
    from pkm.gui.export_pdf import pdf_writer

    try:
        from pkm.core import export as core_export
    except ImportError:  # pragma: no cover - an older core without the exporter
        return _fallback(entry, fmt, Path(path))
    return core_export.export_entry(entry, fmt, Path(path), pdf_writer=pdf_writer)


def _fallback(entry: Entry, fmt: str, path: Path) -> Path:
    if fmt not in ("md", "html", "pdf"):
        raise BadInput(f"'{fmt}' is not an export format. Use md, html or pdf.")
    try:
        if fmt == "md":
            meta = [f"title: {json.dumps(entry.title, ensure_ascii=False)}", f"date: {entry.day}"]
            if entry.tags:
                meta.append(f"tags: {json.dumps(list(entry.tags), ensure_ascii=False)}")
            text = "---\n" + "\n".join(meta) + "\n---\n\n" + entry.body.rstrip() + "\n"
            atomic_write_bytes(path, text.encode("utf-8"))
        elif fmt == "html":
            atomic_write_bytes(path, render_document(entry.title, entry.body).encode("utf-8"))
        else:
            from pkm.gui.export_pdf import write_pdf

            write_pdf(render_document(entry.title, entry.body), path, title=entry.title)
    except OSError as exc:
        raise StorageError(
            f"Cannot write {path}: {exc.strerror or exc}. Choose another place."
        ) from exc
    return path
