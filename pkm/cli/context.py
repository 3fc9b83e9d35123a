"""Shared CLI plumbing: the lazily opened workspace and output helpers."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from pkm.core.clock import parse_day
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


def read_text_arg(text: str | None) -> str | None:
    """TEXT as given, '-' for standard input, None when absent."""
    if text == "-":
        data = sys.stdin.buffer.read()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise click.BadParameter(
                "standard input is not UTF-8 text; save it as UTF-8 and try again."
            ) from None
    return text


class DayType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        return parse_day(str(value))


DAY = DayType()
