"""The engine runs only on the Whoosh release it is built against (issue 10)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import types
from pathlib import Path

import pytest

from pkm.core.errors import PkmError
from pkm.core.search import INDEX_VERSION, whoosh_version

ROOT = Path(__file__).resolve().parents[1]


def test_the_pin_is_exact_and_matches_the_check():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = [d for d in deps if d.lower().startswith("whoosh")]
    assert pins == [f"whoosh-reloaded=={whoosh_version.VERSION_TEXT}"]


def test_the_whoosh_release_is_part_of_index_version():
    assert f"whoosh-reloaded-{whoosh_version.VERSION_TEXT}" in INDEX_VERSION


@pytest.mark.parametrize("found", [(2, 7, 4), (2, 7, 6), (3, 0, 0)])
def test_another_release_is_refused_in_one_clear_line(found):
    with pytest.raises(PkmError) as info:
        whoosh_version.check(types.SimpleNamespace(__version__=found))
    message = str(info.value)
    assert "\n" not in message
    assert "whoosh-reloaded 2.7.5 exactly" in message
    assert f"version {'.'.join(map(str, found))}" in message
    assert "pip install 'whoosh-reloaded==2.7.5'" in message


def test_the_installed_release_passes():
    whoosh_version.check()


def test_importing_search_with_whoosh_2_7_4_is_one_line_from_the_cli(tmp_path):
    """A fake ``whoosh`` 2.7.4 first on the path: the CLI says so, exit 1, no traceback."""
    fake = tmp_path / "fake" / "whoosh"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("__version__ = (2, 7, 4)\n")
    proc = subprocess.run(
        [sys.executable, "-c", "from pkm.cli import main; main()", "--home",
         str(tmp_path / "home"), "search", "anything"],
        env={"PYTHONPATH": f"{tmp_path / 'fake'}:{ROOT}", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert re.fullmatch(r"pkm: Search needs whoosh-reloaded 2\.7\.5 exactly[^\n]*\n", proc.stderr)
