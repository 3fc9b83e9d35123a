"""Shared CLI plumbing: the lazily opened workspace, output helpers, argument checks.

Bad input is one line and exit status 1, never "unexpected error" (issue 11):
the checks here turn what would fail deep in the core (an id SQLite cannot
hold: OverflowError; text with bytes that are not UTF-8: UnicodeEncodeError
at the first SQLite write; a NUL in a path: ValueError) into a BadInput
naming the argument and what to give instead, before any work is done.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from pkm.core.clock import parse_day
from pkm.core.errors import BadInput
from pkm.core.paths import resolve_home
from pkm.core.workspace import Workspace, setup_logging, teardown_logging


class AppContext:
    def __init__(self, home: str | None) -> None:
        self._home = home
        self._ws: Workspace | None = None
        self._log_handler = None

    def home_path(self) -> Path:
        return resolve_home(self._home)

    @property
    def ws(self) -> Workspace:
        if self._ws is None:
            self._ws = Workspace.open(self._home)
            self._log_handler = setup_logging(self._ws)
        return self._ws

    def close(self) -> None:
        if self._log_handler is not None:
            teardown_logging(self._log_handler)
            self._log_handler = None
        if self._ws is not None:
            self._ws.close()
            self._ws = None


pass_app = click.make_pass_decorator(AppContext)


T = TypeVar("T")


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def json_option(help: str = "Print JSON.") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The --json flag (as ``as_json``), spelled once so every command offers it the same way."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def echo_records(
    records: Iterable[T],
    as_json: bool,
    line: Callable[[T], str],
    *,
    to_json: Callable[[T], Any] = lambda r: r.as_dict(),  # type: ignore[attr-defined]
) -> None:
    """A listing: one JSON array for scripts, or ``line(record)`` per record for people.

    Scripts rely on the JSON shape, so every listing prints it the same way.
    """
    records = list(records)
    if as_json:
        echo_json([to_json(r) for r in records])
        return
    for r in records:
        click.echo(line(r))


def _decode_stdin(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(
            "Standard input is not UTF-8 text; save it as UTF-8 and try again."
        ) from None


def read_stdin() -> str:
    """All of standard input as UTF-8 text (BadInput if it is not)."""
    raw = getattr(sys.stdin, "buffer", None)
    return sys.stdin.read() if raw is None else _decode_stdin(raw.read())


def read_stdin_line() -> str:
    """One line of standard input as UTF-8 text, without its line end."""
    raw = getattr(sys.stdin, "buffer", None)
    line = sys.stdin.readline() if raw is None else _decode_stdin(raw.readline())
    return line.rstrip("\r\n")


def read_text_arg(text: str | None) -> str | None:
    """TEXT as given, '-' for standard input, None when absent."""
    if text == "-":
        return read_stdin()
    return text


class DayType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        return parse_day(str(value))


DAY = DayType()

#: SQLite's INTEGER is 64-bit: a bigger Python int raises OverflowError at the query.
INT64_MAX = 2**63 - 1

_WHOLE = re.compile(r"[+-]?[0-9]+")
_LISTS = {
    "entry": "pkm journal list",
    "revision": "pkm journal revisions ENTRY_ID",
    "feed": "pkm feeds list",
    "item": "pkm items list",
    "rule": "pkm rules list",
}


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 24 else f"{text[:20]}… ({len(text)} characters)"


def _param_name(param: Any) -> str:
    if isinstance(param, click.Option):
        return max(param.opts, key=len)  # --output rather than -o
    return param.human_readable_name if param is not None else "the value"


def _whole(value: Any) -> int | None:
    """The int ``value`` spells (any size), or None if it spells none."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip().replace("_", "")
    if not _WHOLE.fullmatch(text):
        return None
    if len(text.lstrip("+-0")) > 25:  # bigger than anything allowed; int() of 5,000 digits fails
        return INT64_MAX + 1 if not text.startswith("-") else -INT64_MAX - 2
    return int(text)


class IdType(click.ParamType):
    """The id of an entry, revision, feed, item or rule: 1 to 2**63 - 1 (SQLite's range).

    ``noun`` names it in the message; by default it comes from the parameter's
    name (entry_id -> entry). Out of range or not a number: BadInput, exit 1.
    """

    name = "ID"

    def __init__(self, noun: str | None = None) -> None:
        self.noun = noun

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        n = _whole(value)
        if n is not None and 1 <= n <= INT64_MAX:
            return n
        noun = self.noun or (param.name or "").removesuffix("s").removesuffix("_id")
        where = f" (see '{_LISTS[noun]}')" if noun in _LISTS else ""
        kind = f"{noun} id" if noun else "id"
        article = "an" if kind[0] in "aeiou" else "a"
        raise BadInput(
            f"'{_shown(value)}' is not {article} {kind}: ids are whole numbers from 1 to "
            f"{INT64_MAX}{where}."
        )


ID = IdType()


class CountType(click.ParamType):
    """A whole number from ``lo`` to ``hi`` (a limit, an offset, days); BadInput outside."""

    name = "N"

    def __init__(self, lo: int, hi: int = INT64_MAX, what: str = "") -> None:
        self.lo, self.hi, self.what = lo, hi, what

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        n = _whole(value)
        if n is not None and self.lo <= n <= self.hi:
            return n
        what = f" {self.what}" if self.what else ""
        raise BadInput(
            f"{_param_name(param)} must be a whole number from {self.lo:,} to {self.hi:,}"
            f"{what}, not '{_shown(value)}'."
        )


#: The empty --home is not the default folder: a script's unset variable must not
#: quietly write to the real one.
_EMPTY_PATH = {"home": "The data folder given with --home is empty; give a folder path."}


class PathType(click.Path):
    """click.Path, but an empty path or one with a NUL is one line (BadInput)
    instead of "." or a ValueError from the file system."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, str):
            if "\x00" in value:
                raise BadInput(f"{_param_name(param)} contains a NUL character; remove it.")
            if not value.strip():
                name = getattr(param, "name", "") or ""
                raise BadInput(
                    _EMPTY_PATH.get(name, f"{_param_name(param)} is empty; give a file path.")
                )
        return super().convert(value, param, ctx)


def _check_text(param: click.Parameter, value: Any) -> None:
    """Text arguments must be UTF-8 (argv holds what the shell passed, undecodable bytes
    as lone surrogates, which SQLite cannot store) and no argument may hold a NUL."""
    values = value if isinstance(value, tuple | list) else (value,)
    for v in values:
        if not isinstance(v, str):
            continue
        if "\x00" in v:
            raise BadInput(f"{_param_name(param)} contains a NUL character; remove it.")
        if isinstance(param.type, click.Path):
            continue  # a file name need not be UTF-8 (PathType checked it)
        try:
            v.encode("utf-8")
        except UnicodeEncodeError:
            raise BadInput(
                f"{_param_name(param)} is not UTF-8 text (it holds bytes that are not "
                "characters); give it as UTF-8."
            ) from None


class CheckedCommand(click.Command):
    """A command whose text and path arguments are checked (``_check_text``)
    once parsed, before it runs."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        _check_params(self, ctx)
        return rest


def _check_params(command: click.Command, ctx: click.Context) -> None:
    for param in command.get_params(ctx):
        if param.name in ctx.params:
            _check_text(param, ctx.params[param.name])


class CheckedGroup(click.Group):
    """A group whose commands and subgroups are checked likewise."""

    command_class = CheckedCommand
    group_class = type  # subgroups made with @group.group() are CheckedGroups too

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        _check_params(self, ctx)
        return rest
