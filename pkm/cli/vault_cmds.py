"""`pkm vault set|unset|sync|status`: the vault folder a sync engine carries to other devices.

Thin like every command: parse, call pkm.core.vault, print. `vault sync` prints
one summary line, then one line per conflict kept both ways and per file left
as it was (to stderr, so `--json` stays clean on stdout).
"""

from __future__ import annotations

import click

from pkm.cli.context import (
    AppContext,
    CheckedCommand,
    CheckedGroup,
    PathType,
    echo_json,
    json_option,
    pass_app,
)


@click.group("vault", cls=CheckedGroup)
def vault() -> None:
    """Keep every entry as a Markdown file in a folder your sync engine shares.

    \b
    pkm vault set ~/Sync/Journal     (a folder inside Syncthing, Dropbox, iCloud Drive…)
    pkm vault sync                   (files changed there come in, entries changed here go out)
    pkm vault status
    """


@vault.command("set", cls=CheckedCommand)
@click.argument("folder", type=PathType(path_type=str))
@pass_app
def vault_set(app: AppContext, folder: str) -> None:
    """Use FOLDER as the vault (made if missing); run 'pkm vault sync' to fill it."""
    path = app.ws.vault.set_folder(folder)
    click.echo(f"The vault folder is {path}. Run 'pkm vault sync' to bring it in step.")


@vault.command("unset", cls=CheckedCommand)
@pass_app
def vault_unset(app: AppContext) -> None:
    """Stop keeping the vault; its files stay where they are."""
    was = app.ws.vault.unset()
    if was is None:
        click.echo("No vault folder was set.")
    else:
        click.echo(f"pkm no longer keeps {was} in step; its files are left as they are.")


@vault.command("sync", cls=CheckedCommand)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Sync even though the folder lost pkm's marker file (you emptied it on purpose).",
)
@json_option(
    "Print JSON: {folder, files, created, updated, written, trashed, removed, renamed, "
    "conflicts: [...], problems: [...], seconds}."
)
@pass_app
def vault_sync(app: AppContext, allow_empty: bool, as_json: bool) -> None:
    """Bring the vault folder and the journal in step, both ways, once."""
    report = app.ws.vault.sync(allow_empty=allow_empty)
    if as_json:
        echo_json(report.as_dict())
        return
    click.echo(report.summary())
    for line in report.conflicts:
        click.echo(f"  conflict: {line}", err=True)
    for line in report.problems:
        click.echo(f"  {line}", err=True)


@vault.command("status", cls=CheckedCommand)
@json_option(
    "Print JSON: {folder, exists, files, pending, last_sync, last_conflicts, last_problems}."
)
@pass_app
def vault_status(app: AppContext, as_json: bool) -> None:
    """The vault folder, its files, the last sync and what it reported."""
    status = app.ws.vault.status()
    if as_json:
        echo_json(status.as_dict())
        return
    for line in status.lines():
        click.echo(line)
