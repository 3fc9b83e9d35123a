"""Bringing a journal in from Day One, Evernote or a Markdown folder (an Obsidian vault).

One reader module per format turns the export into `Note`s (pkm Markdown,
images already in the media store) and `Skip`s (what could not be read, and
why); `writer.write_notes` writes them in batches with the journal's rules.
`run_import` is what the CLI and the window call.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pkm.core.errors import BadInput
from pkm.core.imports import dayone, enex, markdown_folder
from pkm.core.imports.model import SOURCES, Imported, Note, Report, Skip
from pkm.core.imports.writer import Progress, write_notes
from pkm.core.media import MediaStore
from pkm.core.workspace import Workspace

__all__ = ["SOURCES", "Imported", "Note", "Report", "Skip", "run_import"]


def run_import(
    ws: Workspace,
    source: str,
    path: Path,
    *,
    dry_run: bool = False,
    daily_format: str = markdown_folder.DAILY_FORMAT,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Report:
    """Import one export into the workspace; the report lists what was imported and skipped."""
    path = Path(path)
    if not path.exists():
        raise BadInput(f"{path} does not exist. Give the path of the export to import.")
    media = MediaStore(ws.home, dry_run=dry_run)
    if source == "dayone":
        items = dayone.read(path, media)
    elif source == "enex":
        items = enex.read(path, media)
    elif source == "markdown":
        check_daily_format(daily_format)
        heartbeat = None
        if progress is not None and not dry_run:  # a dry run is one transaction: no pauses

            def heartbeat(files: int) -> None:
                progress(0, None, f"reading files ({files})")

        items = markdown_folder.read(path, media, daily_format=daily_format, heartbeat=heartbeat)
    else:
        raise BadInput(f"'{source}' is not a kind of import. Use one of: {', '.join(SOURCES)}.")
    report, change = write_notes(
        ws.store, ws.clock, source, items, dry_run=dry_run, progress=progress, cancelled=cancelled
    )
    report.change = change
    if change:
        ws.changed(change)
    return report


def check_daily_format(daily_format: str) -> None:
    """A daily-note file name pattern must hold a year, a month and a day."""
    if not all(code in daily_format for code in ("%Y", "%m", "%d")) or "/" in daily_format:
        raise BadInput(
            f"'{daily_format}' is not a daily-note file name pattern: it needs %Y, %m and %d "
            "(for example %Y-%m-%d, as Obsidian names daily notes)."
        )
