"""scripts/run --install-launcher: a `pkm` command in ~/.local/bin, only when asked for."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"


@pytest.fixture
def ready_venv() -> None:
    """scripts/run sets up .venv when it is missing or older than pyproject.toml; these
    tests use the one scripts/test made instead of building another."""
    stamp = VENV / ".installed"
    if not ((VENV / "bin" / "pkm").exists() and stamp.exists()):
        pytest.skip("no .venv made by scripts/run or scripts/test here")
    if stamp.stat().st_mtime < (ROOT / "pyproject.toml").stat().st_mtime:
        pytest.skip(".venv is older than pyproject.toml (scripts/run would rebuild it)")


def _run(home: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "PATH": path or os.environ["PATH"]}
    env.pop("XDG_BIN_HOME", None)
    return subprocess.run(
        [str(ROOT / "scripts" / "run"), *args], env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


def test_the_launcher_starts_pkm_and_says_how_to_reach_it(ready_venv, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    r = _run(home, "--install-launcher", path="/usr/bin:/bin")
    assert r.returncode == 0, r.stderr
    launcher = home / ".local" / "bin" / "pkm"
    assert os.access(launcher, os.X_OK)
    assert "is not on your PATH yet" in r.stderr and "export PATH=" in r.stderr
    data = tmp_path / "data"
    out = subprocess.run(
        [str(launcher), "--home", str(data), "journal", "today"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().isdigit()  # today's entry id: the real pkm ran


def test_someone_elses_pkm_command_is_left_alone(ready_venv, tmp_path):
    home = tmp_path / "home"
    (home / ".local" / "bin").mkdir(parents=True)
    mine = home / ".local" / "bin" / "pkm"
    mine.write_text("#!/bin/sh\necho another pkm\n")
    r = _run(home, "--install-launcher")
    assert r.returncode == 1
    assert "is not pkm's launcher; leaving it as it is" in r.stderr
    assert mine.read_text() == "#!/bin/sh\necho another pkm\n"
