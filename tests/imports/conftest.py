"""Sample exports made from each format's documentation (tests/imports/data), and a
workspace per test."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from pkm.core.workspace import Workspace

DATA = Path(__file__).parent / "data"


@pytest.fixture
def ws(tmp_path: Path, clock):
    w = Workspace(tmp_path / "home", clock=clock)
    yield w
    w.close()


@pytest.fixture
def dayone_zip(tmp_path: Path) -> Path:
    """Day One's export as the app writes it: Journal.json and photos/ in one .zip."""
    out = tmp_path / "Day One export.zip"
    with zipfile.ZipFile(out, "w") as zf:
        for p in sorted((DATA / "dayone").rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(DATA / "dayone").as_posix())
    return out


@pytest.fixture
def enex_file() -> Path:
    return DATA / "evernote.enex"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A copy of the sample Obsidian vault (tests may change it)."""
    return Path(shutil.copytree(DATA / "vault", tmp_path / "vault"))
