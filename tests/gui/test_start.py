"""Opening the window: a clear message when the system cannot show one, and the real
window on a real X server (Xvfb) when it can."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pkm.gui.start import X11_LIBRARIES, display_problem, missing_libraries, platform_in_use

ROOT = Path(__file__).resolve().parents[2]


def _loader_without(*absent: str):
    """A dynamic loader on which ``absent`` sonames are not installed (the real one for the rest)."""
    import ctypes

    def load(name: str) -> object:
        if name in absent:
            raise OSError(f"{name}: cannot open shared object file: No such file or directory")
        return ctypes.CDLL(name)

    return load


def test_qt_platform_follows_qts_rule():
    assert platform_in_use({"QT_QPA_PLATFORM": "offscreen"}) == "offscreen"
    assert platform_in_use({"QT_QPA_PLATFORM": "wayland;xcb"}) == "wayland"
    assert platform_in_use({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}) == (
        "wayland"
    )
    assert platform_in_use({"DISPLAY": ":0"}) == "xcb"


def test_this_machine_has_what_the_window_needs():
    """CI installs the X11 libraries (.ci/run); the README lists the same packages."""
    assert missing_libraries(X11_LIBRARIES) == {}
    assert display_problem({"DISPLAY": ":0"}, platform="linux") is None


def test_a_missing_x11_library_is_named_with_the_command_that_installs_it():
    load = _loader_without("libxcb-cursor.so.0", "libxcb-icccm.so.4")
    problem = display_problem({"DISPLAY": ":0"}, platform="linux", load=load)
    assert problem is not None
    assert "libxcb-cursor.so.0, libxcb-icccm.so.4" in problem
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4\n" in problem
    assert "notes are untouched" in problem


def test_offscreen_and_other_systems_need_no_x11():
    load = _loader_without(*X11_LIBRARIES)
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, platform="linux", load=load) is None
    assert display_problem({}, platform="win32", load=load) is None


def _run_pkm(home: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pkm", "--home", str(home)],
        env={
            "PATH": os.environ["PATH"],
            "HOME": os.environ["HOME"],
            "PYTHONPATH": str(ROOT),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_no_display_is_a_plain_message_not_a_qt_abort(tmp_path):
    proc = _run_pkm(tmp_path / "ws", {"PKM_EXIT_WHEN_READY": "1"})  # no DISPLAY, no Wayland
    assert proc.returncode == 1
    assert proc.stderr.startswith("pkm: there is no screen to open the window on"), proc.stderr
    assert "Qt platform plugin" not in proc.stderr
    assert not (tmp_path / "ws").exists()  # nothing created for a window that never opened


@pytest.fixture
def xvfb(x_display):
    """A real X server on a free display number (the x_display fixture), stopped afterwards."""
    return x_display[0]


@pytest.mark.slow
def test_the_window_opens_on_a_real_x_server(tmp_path, xvfb):
    """The xcb platform with the system's libraries, as on a desktop: not offscreen."""
    proc = _run_pkm(tmp_path / "ws", {"DISPLAY": xvfb, "PKM_EXIT_WHEN_READY": "1"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "pkm-ready"
    assert "Could not load the Qt platform plugin" not in proc.stderr
