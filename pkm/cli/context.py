"""Shared CLI plumbing: the lazily opened workspace and output helpers."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

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


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


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
