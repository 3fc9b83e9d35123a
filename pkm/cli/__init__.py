"""The command line: the same use cases as the window, for scripts and tests.

Thin on purpose: parse, call the core, print. Every PkmError becomes one line
on stderr and exit status 1, and so does a usage error click finds (a missing
argument, an unknown option, a value not among the choices), with where to
find help; anything unexpected is logged with its traceback in
<home>/logs/pkm.log and reported in one line (exit status 2), so status 2
always means a bug.
"""

from __future__ import annotations

import sys

import click

from pkm import __version__
from pkm.cli.context import AppContext, CheckedGroup, PathType
from pkm.core.errors import PkmError


@click.group(
    cls=CheckedGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--home",
    type=PathType(file_okay=False, path_type=str),
    envvar="PKM_HOME",
    help="Data folder (default: your platform's app data folder; or set PKM_HOME).",
)
@click.version_option(__version__, prog_name="pkm")
@click.pass_context
def cli(ctx: click.Context, home: str | None) -> None:
    """pkm: Seek > Sense > Share. Run without a command to open the window."""
    ctx.obj = AppContext(home)
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        from pkm.gui.start import open_window  # a failure here is reported, never hidden

        ctx.exit(open_window(ctx.obj.home_path()))


def _register() -> None:
    from pkm.cli import (
        feeds_cmds,
        journal_cmds,
        posts_cmds,
        publish_cmds,
        responses_cmds,
        saved_cmds,
        search_cmds,
        transfer_cmds,
        vault_cmds,
    )

    for command in (
        journal_cmds.journal,
        search_cmds.search,
        search_cmds.index,
        search_cmds.related,
        saved_cmds.searches,
        feeds_cmds.feeds,
        feeds_cmds.items,
        feeds_cmds.rules,
        posts_cmds.posts,
        publish_cmds.targets,
        publish_cmds.publish,
        publish_cmds.publications,
        transfer_cmds.export,
        publish_cmds.secrets,
        publish_cmds.linkedin,
        transfer_cmds.import_,
        transfer_cmds.backup,
        transfer_cmds.restore,
        responses_cmds.responses,
        vault_cmds.vault,
    ):
        cli.add_command(command)


_register()


def _log_unexpected(argv: list[str] | None) -> str:
    """Write the traceback to the data folder's log; return where it went."""
    import traceback

    from pkm.core.paths import resolve_home

    args = list(sys.argv[1:] if argv is None else argv)
    home = args[args.index("--home") + 1] if "--home" in args[:-1] else None
    try:
        logs = resolve_home(home) / "logs"
        logs.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(logs / "pkm.log", "a", encoding="utf-8") as fh:
            fh.write(traceback.format_exc())
        return str(logs / "pkm.log")
    except OSError:
        return "the terminal (the log folder could not be written)"


def _say(line: str) -> None:
    """One line on stderr. Bytes of the user's that are not UTF-8 (lone surrogates in
    argv) are shown as escapes, as Python's own stderr does, whatever the stream's
    error handler (a strict one raised UnicodeEncodeError while reporting bad input)."""
    click.echo(line.encode("utf-8", "backslashreplace").decode("utf-8"), err=True)


def main(argv: list[str] | None = None) -> None:
    try:
        rc = cli.main(args=argv, prog_name="pkm", standalone_mode=False)
    except click.exceptions.Exit as exc:
        rc = exc.exit_code
    except click.UsageError as exc:  # click's own three lines (usage, hint, error) as one
        message = " ".join(exc.format_message().split())
        message += "" if message.endswith((".", "?", "!")) else "."
        hint = f" See '{exc.ctx.command_path} --help'." if exc.ctx is not None else ""
        _say(f"pkm: {message}{hint}")
        rc = 1
    except click.ClickException as exc:
        exc.show()
        rc = exc.exit_code
    except click.exceptions.Abort:
        click.echo("pkm: cancelled.", err=True)
        rc = 1
    except PkmError as exc:
        _say(f"pkm: {exc}")
        rc = 1
    except KeyboardInterrupt:
        click.echo("pkm: cancelled.", err=True)
        rc = 130
    except BrokenPipeError:
        rc = 0
    except Exception as exc:  # the last line of defence: no tracebacks for users
        where = _log_unexpected(argv)
        _say(f"pkm: unexpected error: {type(exc).__name__}: {exc}. Details are in {where}.")
        rc = 2
    sys.exit(rc if isinstance(rc, int) else 0)
