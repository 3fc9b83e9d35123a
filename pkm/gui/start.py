"""Opening the window, after checking that this system can show one.

When an X11 library is missing, Qt's own answer is an abort saying it "could not load the
Qt platform plugin 'xcb'", which tells a busy user nothing about what to do. So before Qt
is imported (importing it is itself what fails when libEGL is missing), this module checks
for a display and for the libraries Qt loads, and names the missing ones with the command
that installs them. Nothing here imports Qt until the checks pass.

It also refuses a Qt binding known to crash the window (:data:`BROKEN_BINDINGS`). The
window depends on the binding keeping Python's reference counts right, and PySide6 6.12.0
does not on Python 3.11: every Qt call that returns nothing drops one reference to ``None``
and every ``Signal.emit()`` one to ``True`` (on 3.12 and later both are immortal, so nothing
happens there). After a few thousand such calls (about 350 j/k presses in Seek, a long
wheel-scroll of the item list, or the teardown of any normal quit) Python aborts with
"Fatal Python error: none_dealloc" (or bool_dealloc) and whatever was typed since the last
save is lost. pyproject.toml excludes that combination,
but an environment can still have it (an upgrade by hand, a system package), so the window
checks the installed version before importing Qt and says how to fix it, in one line. The
check is by version, not by behaviour: probing the leak would itself damage ``None``'s
count. tests/gui/test_qt_binding.py::test_qt_calls_keep_none_and_true_alive measures the
behaviour of whatever version is installed, so a new broken release fails the tests.
"""

from __future__ import annotations

import ctypes
import importlib.metadata
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

# Shared libraries Qt needs (by soname), with the Debian/Ubuntu package that ships each.
# Measured with `ldd` on PySide6 6.x's QtGui, libqxcb.so and libQt6XcbQpa.so.
QT_GUI_LIBRARIES: dict[str, str] = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libdbus-1.so.3": "libdbus-1-3",
}
X11_LIBRARIES: dict[str, str] = {
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}

Loader = Callable[[str], object]

#: Qt binding releases that must not run the window: version -> (the Pythons below which it
#: breaks, what goes wrong). See the module docstring.
BROKEN_BINDINGS: dict[str, tuple[tuple[int, int], str]] = {
    "6.12.0": (
        (3, 12),
        "every Qt call that returns nothing drops a reference to None, and every signal "
        "emission one to True, until Python aborts with none_dealloc or bool_dealloc",
    ),
}
BINDING_DISTRIBUTIONS = ("PySide6-Essentials", "PySide6")
PYTHON: tuple[int, ...] = tuple(sys.version_info[:2])


def platform_in_use(env: Mapping[str, str]) -> str:
    """The Qt platform plugin Qt will pick on Linux, following Qt 6's own rule."""
    explicit = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if explicit:
        return explicit
    if env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


def missing_libraries(names: Mapping[str, str], load: Loader = ctypes.CDLL) -> dict[str, str]:
    """The sonames among ``names`` that the dynamic loader cannot load, with their package."""
    missing: dict[str, str] = {}
    for soname, package in names.items():
        try:
            load(soname)
        except OSError:
            missing[soname] = package
    return missing


def display_problem(
    env: Mapping[str, str], *, platform: str = sys.platform, load: Loader = ctypes.CDLL
) -> str | None:
    """What stops the window from opening here, in plain words with the fix; None if nothing."""
    if platform != "linux":
        return None  # Windows and macOS wheels carry everything Qt needs
    qpa = platform_in_use(env)
    needed = dict(QT_GUI_LIBRARIES)
    if qpa == "xcb":
        if not env.get("DISPLAY"):
            return (
                "there is no screen to open the window on (no DISPLAY is set). Start pkm "
                "from your desktop session; over SSH, the commands work without a window: "
                "pkm --help."
            )
        needed |= X11_LIBRARIES
    missing = missing_libraries(needed, load)
    if not missing:
        return None
    return (
        "the window cannot open: this system lacks libraries Qt needs to draw it "
        f"({', '.join(missing)}). On Debian or Ubuntu, install them with:\n"
        f"    sudo apt-get install {' '.join(dict.fromkeys(missing.values()))}\n"
        "then start pkm again. Your notes are untouched, and the commands work meanwhile: "
        "pkm --help."
    )


def installed_binding() -> tuple[str, str] | None:
    """(distribution, version) of the installed PySide6, read without importing it."""
    for name in BINDING_DISTRIBUTIONS:
        try:
            return name, importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def binding_problem(
    binding: tuple[str, str] | None, python: tuple[int, ...] | None = None
) -> str | None:
    """Why this PySide6 on this Python must not run the window, with the fix; None if fine."""
    if binding is None:
        return None
    if python is None:
        python = PYTHON
    name, version = binding
    broken = BROKEN_BINDINGS.get(version)
    if broken is None or tuple(python[:2]) >= broken[0]:
        return None
    below, why = broken
    py = ".".join(map(str, python[:2]))
    return (
        f"{name} {version} crashes on Python {py} ({why}); install another version: "
        f"pip install '{name}!={version}' (or use Python {'.'.join(map(str, below))} or later). "
        "Your notes are untouched."
    )


def open_window(home: Path) -> int:
    """Check, then open the window on ``home``; returns the exit status."""
    problem = display_problem(os.environ) or binding_problem(installed_binding())
    if problem is not None:
        print(f"pkm: {problem}", file=sys.stderr, flush=True)
        return 1
    from pkm.gui.app import run

    try:
        return run(home)
    except KeyboardInterrupt:  # Ctrl+C before the window's own handling was in place
        print("pkm: interrupted.", file=sys.stderr, flush=True)
        return 128 + 2


def main() -> None:
    """Entry point for a GUI-only launcher: ``pkm-gui [--home FOLDER]``."""
    from pkm.core.paths import resolve_home

    args = sys.argv[1:]
    home = args[args.index("--home") + 1] if "--home" in args[:-1] else None
    sys.exit(open_window(resolve_home(home)))
