#!/usr/bin/env python3
"""Startup: time from process start to a usable main window, 20k documents.

Builds (once, cached in the temp folder) a workspace from the shared
benchmark corpus: 10k journal entries + 10k feed items in 50 feeds (see
tests/gui/corpus_workspace.py), with its search index. Then runs
``python -m pkm --home DIR`` with ``PKM_EXIT_WHEN_READY=1``: the window prints
``pkm-ready`` after its first paint with the first entry on screen, and
closes. Timed from just before the process is started to that line; peak RSS
from the OS (wait4).

Baselines, measured in the same run: the same Python showing a bare Qt window
(the floor no Qt app can beat), and pkm on an empty data folder (what the
20k documents add).

  python tests/benchmarks/startup.py [--runs 5] [--docs 20000] [--rebuild-cache]

Aim: <= 1.5 s. The last line is one JSON object:
{"docs": N, "startup_s": <median>, "peak_rss_mb": <max>}
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ITEMS_NOTE = "the second half are feed items in 50 feeds"
CORPUS_VERSION = 2  # bumped when corpus_workspace changes: the cached workspace is rebuilt
BARE_QT = (
    "import sys; from PySide6.QtCore import QTimer; from PySide6.QtWidgets import QApplication, "
    "QMainWindow, QLabel; app = QApplication(sys.argv); w = QMainWindow(); "
    "w.setCentralWidget(QLabel('hello')); w.resize(1280, 800); w.show(); app.processEvents(); "
    "print('pkm-ready', flush=True)"
)


def build_in_child(home: Path, docs: int) -> int:
    """Build in a separate process: Linux counts the RSS a child inherits at fork
    in its peak, so this process must stay small for the figures to be the app's."""
    code = (
        "import sys, json; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "from tests.gui.corpus_workspace import build;"
        "print(json.dumps(build(Path(sys.argv[2]), journal=int(sys.argv[3]), items=int(sys.argv[4]))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), str(home), str(docs // 2), str(docs - docs // 2)],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def cached_workspace(docs: int, rebuild: bool) -> Path:
    home = Path(tempfile.gettempdir()) / f"pkm-bench-startup-v{CORPUS_VERSION}-{docs}"
    marker = home / "bench-built.json"
    if rebuild and home.exists():
        shutil.rmtree(home)
    if not marker.exists():
        shutil.rmtree(home, ignore_errors=True)
        print(f"building {docs} documents in {home} (once)…", file=sys.stderr, flush=True)
        t = time.perf_counter()
        n = build_in_child(home, docs)
        marker.write_text(json.dumps({"docs": n}), encoding="utf-8")
        print(f"built in {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    return home


def pkm_argv(home: Path) -> list[str]:
    return [sys.executable, "-m", "pkm", "--home", str(home)]


def one_run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds to ready, peak RSS in MB) of one start of the window."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    ready = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "pkm-ready":
            ready = time.perf_counter() - t0
            break
    proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read() if proc.stderr else ""
    proc.stdout.close()
    if proc.stderr:
        proc.stderr.close()
    if ready is None or proc.returncode != 0:
        raise SystemExit(f"the window did not report ready (exit {proc.returncode}): {err[-2000:]}")
    return ready, usage.ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--docs", type=int, default=20_000)
    p.add_argument("--rebuild-cache", action="store_true", help="build the workspace again")
    a = p.parse_args()
    home = cached_workspace(a.docs, a.rebuild_cache)
    (home / "pkm.lock").unlink(missing_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PKM_EXIT_WHEN_READY": "1",
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
    }
    print(f"workspace: {home} ({a.docs} documents; {ITEMS_NOTE})")
    empty = Path(tempfile.mkdtemp(prefix="pkm-bench-empty-")) / "data"
    build_in_child(empty, 0)  # its (empty) index exists, as after any first start
    cases = {
        "bare Qt window": [sys.executable, "-c", BARE_QT],
        "pkm, empty data folder": pkm_argv(empty),
        f"pkm, {a.docs} documents": pkm_argv(home),
    }
    results: dict[str, tuple[float, float]] = {}
    for name, argv in cases.items():
        one_run(
            argv, env
        )  # warm-up: today's entry and the layout exist afterwards, as in daily use
        times, rss = [], []
        for _ in range(a.runs):
            t, m = one_run(argv, env)
            times.append(t)
            rss.append(m)
        results[name] = (statistics.median(times), max(rss))
        print(
            f"{name:>28}: median {statistics.median(times):.3f} s "
            f"(min {min(times):.3f}, max {max(times):.3f}), peak RSS {max(rss):.0f} MB"
        )
    shutil.rmtree(empty.parent, ignore_errors=True)
    bare, blank, full = results.values()
    print(
        f"ratios: pkm {a.docs} docs / bare Qt = {full[0] / bare[0]:.2f}x time, "
        f"{full[1] / bare[1]:.2f}x memory; / empty pkm = {full[0] / blank[0]:.2f}x time"
    )
    print(
        json.dumps(
            {
                "docs": a.docs,
                "startup_s": round(full[0], 3),
                "peak_rss_mb": round(full[1], 1),
                "bare_qt_s": round(bare[0], 3),
                "empty_pkm_s": round(blank[0], 3),
            }
        )
    )


if __name__ == "__main__":
    main()
