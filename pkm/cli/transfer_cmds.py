"""`pkm import …`, `pkm export …`, `pkm backup`, `pkm restore`: the journal in and out.

Thin like every command: parse, call the core (pkm.core.imports, export,
backup), print. An import prints one summary line and one line per skipped
note (to stderr, so `--json` stays clean on stdout); it exits 0 even when some
notes were skipped, because the others were imported: the report says which.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pkm.cli.context import (
    DAY,
    ID,
    AppContext,
    CheckedCommand,
    CheckedGroup,
    PathType,
    echo_json,
    json_option,
    pass_app,
)
from pkm.cli.publish_cmds import qt_pdf_writer
from pkm.core.errors import BadInput

# ---- import ---------------------------------------------------------------------------


@click.group("import", cls=CheckedGroup)
def import_() -> None:
    """Bring notes in from Day One, Evernote or a Markdown folder (an Obsidian vault).

    Importing the same export again adds nothing: pkm remembers what it imported.
    """


def _report(app: AppContext, source: str, path: str, dry_run: bool, as_json: bool, **kw) -> None:
    from pkm.core.imports import run_import

    report = run_import(app.ws, source, Path(path), dry_run=dry_run, **kw)
    if as_json:
        echo_json(report.as_dict())
        return
    click.echo(report.summary())
    for item in report.imported:
        for note in item.notes:
            click.echo(f"  {item.label}: {note}", err=True)
    for skip in report.skipped:
        click.echo(f"  skipped {skip.label}: {skip.reason}", err=True)
    if dry_run:
        click.echo("Nothing was written (--dry-run).")


_dry = click.option(
    "--dry-run", is_flag=True, help="Read everything and report, but write nothing."
)


@import_.command("dayone")
@click.argument("file", type=PathType(exists=True, dir_okay=False, path_type=str))
@_dry
@json_option("Print the report as JSON: {imported: [...], skipped: [{label, reason}], ...}.")
@pass_app
def import_dayone(app: AppContext, file, dry_run, as_json) -> None:
    """A Day One JSON export (.zip with Journal.json and photos/): into daily entries."""
    _report(app, "dayone", file, dry_run, as_json)


@import_.command("enex")
@click.argument("file", type=PathType(exists=True, dir_okay=False, path_type=str))
@_dry
@json_option("Print the report as JSON: {imported: [...], skipped: [{label, reason}], ...}.")
@pass_app
def import_enex(app: AppContext, file, dry_run, as_json) -> None:
    """An Evernote export (.enex): each note becomes a note, with its images and files."""
    _report(app, "enex", file, dry_run, as_json)


@import_.command("markdown")
@click.argument("folder", type=PathType(exists=True, file_okay=False, path_type=str))
@click.option(
    "--daily-format",
    default="%Y-%m-%d",
    show_default=True,
    help="File name of daily notes, as Obsidian's Daily notes setting (strftime codes).",
)
@_dry
@json_option("Print the report as JSON: {imported: [...], skipped: [{label, reason}], ...}.")
@pass_app
def import_markdown(app: AppContext, folder, daily_format, dry_run, as_json) -> None:
    """A folder of Markdown files: an Obsidian vault, a pkm export, any notes folder."""
    _report(app, "markdown", folder, dry_run, as_json, daily_format=daily_format)


# ---- export ---------------------------------------------------------------------------


@click.command("export", cls=CheckedCommand)
@click.argument("entry_id", type=ID, required=False)
@click.option("--format", "fmt", required=True, type=click.Choice(["md", "html", "pdf", "eml"]))
@click.option(
    "-o",
    "--output",
    type=PathType(path_type=str),
    help="File to write ('-' for standard output; default: DAY-TITLE.EXT here); "
    "with --all and md, the folder of the vault.",
)
@click.option(
    "--all", "all_", is_flag=True, help="The whole journal (md: a vault; html or pdf: a book)."
)
@click.option("--since", type=DAY, help="With --all: entries from this day on.")
@click.option("--until", type=DAY, help="With --all: entries up to this day.")
@click.option("--tag", help="With --all: only entries with this tag.")
@click.option("--title", help="With --all --format html|pdf: the book's title.")
@pass_app
def export(app: AppContext, entry_id, fmt, output, all_, since, until, tag, title) -> None:
    """Export an entry (Markdown, HTML, PDF, email draft) or, with --all, the journal.

    \b
    pkm export 12 --format pdf
    pkm export --all --format md -o ~/Vault           (a folder Obsidian opens)
    pkm export --all --format html --since 2026-01-01 --until 2026-12-31 \\
        --title "My 2026 reflections" -o 2026.html      (one book)
    """
    from pkm.core import export as core_export

    whole = all_ or since or until or tag or title
    if entry_id is not None and whole:
        raise BadInput("Give an ENTRY_ID or --all (with --since/--until/--tag), not both.")
    if entry_id is None and not whole:
        raise BadInput("Give the ENTRY_ID to export, or --all for the whole journal.")
    if whole:
        _export_all(app, fmt, output, since, until, tag, title)
        return
    entry = app.ws.journal.get(entry_id)
    if output == "-":
        data = core_export.export_bytes(
            entry, fmt, pdf_writer=qt_pdf_writer, media_home=app.ws.home
        )
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(output) if output else Path.cwd() / core_export.default_filename(entry, fmt)
    core_export.export_entry(entry, fmt, path, pdf_writer=qt_pdf_writer, media_home=app.ws.home)
    click.echo(os.fsencode(path))  # the name's own bytes, even if they are not UTF-8


def _export_all(app: AppContext, fmt, output, since, until, tag, title) -> None:
    from pkm.core import export as core_export

    entries = app.ws.journal.list(since=since, until=until, tag=tag)
    if fmt == "md":
        if not output or output == "-":
            raise BadInput("Give the folder for the vault with -o DIR.")
        result = core_export.export_vault(entries, app.ws.home, Path(output))
        click.echo(f"Exported {result.entries} entries and {result.media} files to {output}.")
        for ref in result.missing_media:
            click.echo(f"  {ref} is missing from the data folder; not exported", err=True)
        return
    if fmt == "eml":
        raise BadInput(
            "--all makes a Markdown vault (md) or a book (html or pdf), not eml. "
            "Export one entry at a time as an email draft."
        )
    span = " – ".join(d.isoformat() for d in (since, until) if d)
    book_title = title or (f"My journal, {span}" if span else "My journal")
    subtitle = f"{len(entries)} entries" + (f" tagged #{tag}" if tag else "")
    if output == "-":
        raise BadInput(f"Give the book's file with -o FILE.{fmt}.")
    path = Path(output) if output else Path.cwd() / f"{core_export.slugify(book_title)}.{fmt}"
    if path.is_dir():
        raise BadInput(f"{path} is a folder; give the book's file with -o FILE.{fmt}.")
    core_export.export_book(
        entries, app.ws.home, path, title=book_title, subtitle=subtitle, fmt=fmt,
        pdf_writer=qt_pdf_writer,
    )  # fmt: skip
    click.echo(os.fsencode(path))


# ---- backup and restore ---------------------------------------------------------------


@click.command("backup", cls=CheckedCommand)
@click.argument("file", type=PathType(path_type=str), required=False)
@json_option("Print JSON: {path, entries, media, size, schema, created}.")
@pass_app
def backup(app: AppContext, file, as_json) -> None:
    """A consistent backup (.zip) of the data folder, safe while pkm runs; secrets excluded.

    Default FILE: backups/pkm-backup-DATE-TIME.zip in the data folder.
    """
    from pkm.core import backup as core_backup

    home = app.home_path()
    info = core_backup.backup(home, app.ws.clock, Path(file) if file else None)
    if as_json:
        echo_json(info.as_dict())
        return
    click.echo(
        f"Backed up {info.entries} entries and {info.media} files "
        f"({info.size / 1e6:.1f} MB) to {info.path}."
    )


@click.command("restore", cls=CheckedCommand)
@click.argument("file", type=PathType(exists=True, dir_okay=False, path_type=str))
@click.option(
    "--home",
    "target",
    type=PathType(file_okay=False, path_type=str),
    help="The data folder to restore into (default: the one pkm uses).",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Restore over a data folder that holds something; it is moved to replaced-…/ first.",
)
@json_option("Print JSON: {home, entries, media, moved_to}.")
@pass_app
def restore(app: AppContext, file, target, replace, as_json) -> None:
    """Restore a backup made by 'pkm backup' into a data folder (new or empty by default)."""
    from pkm.core import backup as core_backup
    from pkm.core.clock import system_clock

    home = Path(target) if target else app.home_path()
    info = core_backup.restore(Path(file), home, system_clock, replace=replace)
    if as_json:
        echo_json(info.as_dict())
        return
    click.echo(f"Restored {info.entries} entries and {info.media} files into {info.home}.")
    if info.moved_to:
        click.echo(f"What the folder held before is in {info.moved_to}.")
    click.echo("Passwords of publishing targets are not in backups: add them again if asked.")
