"""The Qt binding keeps Python's reference counts right, and a broken one is refused.

PySide6-Essentials 6.12.0 on CPython 3.11 drops one reference to None at every Qt call
that returns nothing: the window aborted ("Fatal Python error: none_dealloc") after about
350 j/k presses in Seek, while wheel-scrolling a long item list, and at every normal quit
(issue 10). It also drops a reference to True at every Signal.emit(): that was the
"bool_dealloc" at the end of test runs, which tests/conftest.py used to hide by ending
the process early (removed: the cause is this binding, now excluded).
pyproject.toml excludes it and pkm/gui/start.py refuses it at start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from pkm.gui.start import BROKEN_BINDINGS, binding_problem, installed_binding

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 60  # a bound on the child process, never a measurement

# 10,000 calls of Qt functions that return nothing, of the kinds the window makes all the time
# (a property set, a repaint request, painting: seek/items.py's delegate paints like this),
# and 10,000 signal emissions (emit returns True; the task relay emits for every result),
# checked every 500 calls and stopped at the first fall, so that a leaking binding fails
# this test with its figures instead of aborting (none_dealloc, bool_dealloc) before it can
# report. In a child process, so that a broken binding cannot take the test run down.
_PROBE = textwrap.dedent(
    """
    import gc, json, sys
    from PySide6.QtCore import QObject, QRect, Signal
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtWidgets import QApplication, QWidget

    class Emitter(QObject):
        changed = Signal(int)

    app = QApplication([])
    obj, widget, emitter = QObject(), QWidget(), Emitter()
    emitter.changed.connect(lambda value: None)
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    rect, color = QRect(0, 0, 10, 10), QColor("red")
    probes = {
        "None": (None, [
            lambda: obj.setObjectName("pkm"),
            widget.update,
            lambda: painter.fillRect(rect, color),
            lambda: painter.drawText(rect, 0, "pkm"),
        ]),
        "True": (True, [lambda: emitter.changed.emit(1)]),
    }
    for name, (value, calls) in probes.items():
        gc.collect()
        gc.disable()
        before = sys.getrefcount(value)
        lowest, done = before, 0
        while done < 10_000:
            for i in range(500):
                calls[i % len(calls)]()
            done += 500
            lowest = min(lowest, sys.getrefcount(value))
            if lowest < before:
                break
        gc.enable()
        print(json.dumps({"value": name, "calls": done, "before": before, "lowest": lowest}))
        sys.stdout.flush()
    painter.end()
    """
)


def test_qt_calls_keep_none_and_true_alive():
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=WAIT_S,
    )
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert [r["value"] for r in results] == ["None", "True"], (
        f"no figures (exit {proc.returncode}): {proc.stderr[-2000:]}"
    )
    for r in results:
        assert r["calls"] == 10_000 and r["lowest"] >= r["before"], (
            f"sys.getrefcount({r['value']}) fell from {r['before']} to {r['lowest']} within "
            f"{r['calls']} Qt calls: this Qt binding ({installed_binding()}) loses references "
            "and will abort the window (none_dealloc / bool_dealloc)"
        )
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_the_broken_binding_is_refused_at_start_with_the_fix():
    message = binding_problem(("PySide6-Essentials", "6.12.0"), (3, 11))
    assert message is not None and "\n" not in message
    assert message.startswith("PySide6-Essentials 6.12.0 crashes on Python 3.11")
    assert "pip install 'PySide6-Essentials!=6.12.0'" in message
    assert binding_problem(("PySide6-Essentials", "6.12.0"), (3, 12)) is None  # None is immortal
    assert binding_problem(("PySide6-Essentials", "6.11.3"), (3, 11)) is None
    assert binding_problem(None) is None  # no metadata (a build from source): not ours to judge


def test_the_window_refuses_to_start_on_the_broken_binding(tmp_path):
    """The check runs before Qt is imported: one line, exit 1, nothing created."""
    code = (
        "import sys, pkm.gui.start as s; "
        "s.installed_binding = lambda: ('PySide6-Essentials', '6.12.0'); "
        "s.PYTHON = (3, 11); "
        f"rc = s.open_window(__import__('pathlib').Path({str(tmp_path / 'ws')!r})); "
        "print('Qt imported' if 'PySide6.QtCore' in sys.modules else 'Qt not imported'); "
        "sys.exit(rc)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=WAIT_S,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("pkm: PySide6-Essentials 6.12.0 crashes on Python 3.11")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert proc.stdout.strip() == "Qt not imported"
    assert not (tmp_path / "ws").exists()


def test_the_installed_binding_is_not_a_broken_one():
    """pyproject.toml excludes every broken combination, and the venv follows it."""
    assert binding_problem(installed_binding()) is None
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for version, ((major, minor), _why) in BROKEN_BINDINGS.items():
        assert f"!={version}; python_version < '{major}.{minor}'" in pyproject
