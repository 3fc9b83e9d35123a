"""Packaging: the Linux desktop files, the icons installed with the package, and the README's
CLI reference (a test fails when a command is missing from the README)."""

from __future__ import annotations

import configparser
import fnmatch
import re
import shutil
import struct
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import click
import pytest

import pkm
from pkm.cli import cli
from pkm.resources import APP_ID, ICON_SIZES, icon_files

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    tool = args[0]
    if shutil.which(tool) is None:
        package = {"desktop-file-validate": "desktop-file-utils", "appstreamcli": "appstream"}
        pytest.skip(
            f"{tool} is not installed (Debian: apt-get install {package[tool]}; .ci/run installs it)"
        )
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)


# --- the desktop file and the AppStream metadata ---------------------------------------------


def test_desktop_file_is_valid() -> None:
    proc = run_tool("desktop-file-validate", str(DESKTOP))
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert not re.search(r"\b(error|warning):", output), output


def test_metainfo_is_valid() -> None:
    proc = run_tool("appstreamcli", "validate", "--no-net", str(METAINFO))
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert not re.search(r"^[EW]:", output, re.MULTILINE), output  # infos are allowed


def test_desktop_file_launches_pkm_with_its_icon() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Icon"] == APP_ID
    command = entry["Exec"].split()[0]
    project = pyproject()["project"]
    assert command in {**project["scripts"], **project.get("gui-scripts", {})}
    assert entry["StartupWMClass"] == "pkm"  # QApplication.applicationName() on X11


def test_metainfo_matches_the_desktop_file_and_the_version() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert root.findtext("metadata_license") == "CC0-1.0"
    project = pyproject()["project"]
    assert root.findtext("project_license") == project["license"] == "MIT"
    assert (ROOT / "LICENSE").is_file()
    assert root.findtext("url[@type='homepage']") == project["urls"]["Homepage"]
    assert root.findtext("url[@type='bugtracker']") == project["urls"]["Issues"]
    # AppStream's rule for GitHub-hosted ids: io.github.<owner, - as _>.<Repo>
    owner, repo = project["urls"]["Homepage"].removeprefix("https://github.com/").split("/")
    assert APP_ID.lower() == f"io.github.{owner.replace('-', '_')}.{repo}".lower()
    versions = [r.get("version") for r in root.iterfind("releases/release")]
    assert versions[0] == pkm.__version__ == pyproject()["project"]["version"]
    assert root.findtext("provides/binary") == desktop_entry()["Exec"].split()[0]


# --- icons: one set of files, used by the window and installed for the desktop ---------------


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_icons_exist_in_every_size() -> None:
    svg, *pngs = (Path(str(f)) for f in icon_files())
    assert ET.parse(svg).getroot().tag.endswith("svg")
    assert len(pngs) == len(ICON_SIZES)
    for n, png in zip(ICON_SIZES, pngs, strict=True):
        assert png.parent.parent.name == f"{n}x{n}"
        assert png_size(png) == (n, n), png


def test_data_files_exist_and_install_every_icon() -> None:
    data_files = pyproject()["tool"]["setuptools"]["data-files"]
    installed = {}
    for dest, sources in data_files.items():
        for source in sources:
            assert (ROOT / source).is_file(), f"data-files entry {dest}: {source} does not exist"
            installed[f"{dest}/{Path(source).name}"] = ROOT / source
    icons = ROOT / "resources" / "icons"
    expected = {
        f"share/applications/{DESKTOP.name}": DESKTOP,
        f"share/metainfo/{METAINFO.name}": METAINFO,
        **{
            f"share/icons/{f.relative_to(icons).as_posix()}": f
            for f in icons.rglob("*")
            if f.is_file()
        },
    }
    assert installed == expected


def test_package_data_ships_the_icons() -> None:
    patterns = pyproject()["tool"]["setuptools"]["package-data"]["pkm.resources"]
    for f in icon_files():
        rel = Path(str(f)).relative_to(ROOT / "resources").as_posix()
        assert any(fnmatch.fnmatch(rel, p) for p in patterns), f"package-data misses {rel}"


# --- the README documents every command ------------------------------------------------------


def command_paths(command: click.Command, prefix: str = "pkm") -> list[str]:
    paths = [prefix]
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            if not sub.hidden:
                paths += command_paths(sub, f"{prefix} {name}")
    return paths


def test_readme_documents_every_cli_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paths = command_paths(cli)
    assert len(paths) > 10  # the walk found the commands
    missing = [p for p in paths if not re.search(re.escape(p) + r"(?![\w-])", readme)]
    assert not missing, "README.md does not mention these commands: " + ", ".join(missing)


def test_every_subpackage_is_listed_in_pyproject():
    """pyproject lists packages explicitly (for pkm.resources); a new one must not be forgotten."""
    root = ROOT
    listed = set(pyproject()["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(root).parts) for p in (root / "pkm").rglob("__init__.py")
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert "pkm.resources" in listed


def test_readme_and_ci_install_every_library_the_window_checks_for() -> None:
    """pkm/gui/start.py names the package of a missing library; the README's install line and
    CI's must hold every one of them, or a new user meets a library nobody told them about."""
    from pkm.gui.start import QT_GUI_LIBRARIES, X11_LIBRARIES

    packages = set(QT_GUI_LIBRARIES.values()) | set(X11_LIBRARIES.values())
    for doc in ("README.md", ".ci/run"):
        words = set(re.split(r"[\s\\]+", (ROOT / doc).read_text(encoding="utf-8")))
        assert packages <= words, f"{doc} lacks {sorted(packages - words)}"
