"""Run the real CLI entry point in-process (same code path as the `pkm` script)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run_cli(monkeypatch, capsys, *args: str, stdin: str | None = None) -> Result:
    from pkm.cli import main

    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
    capsys.readouterr()
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def one_line_error(r: Result) -> str:
    """Bad input: exit 1 and exactly one line, never a traceback or "unexpected error"."""
    assert r.code == 1, (r.code, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert "unexpected error" not in r.err and "Traceback" not in r.err
    return lines[0]


def run_pkm_window(home: Path, *, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    """``pkm --home HOME`` (the window) in a process of its own, offscreen."""
    return subprocess.run(
        [sys.executable, "-m", "pkm", "--home", str(home)],
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
