"""Several `pkm journal add` processes at once: does every committed write report success?

    python tests/benchmarks/concurrent_cli.py [--procs 4] [--adds 200]

Prints how many adds exited non-zero and how many entries were stored, plus the
same writers run one after another as the baseline (no contention) in the same
run. Before pkm made `PRAGMA optimize` at close best effort, 98 of 800 concurrent
adds reported "database is locked" although all 800 were stored: a script that
retried made duplicates.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WRITER = (
    "import sys\nfrom pkm.cli import main\nbad = 0\n"
    "for i in range(int(sys.argv[2])):\n"
    "    try:\n"
    "        main(['--home', sys.argv[1], 'journal', 'add', f'note {sys.argv[3]}-{i}'])\n"
    "    except SystemExit as e:\n"
    "        bad += bool(e.code)\n"
    "print(bad)\n"
)


def run(procs: int, adds: int, *, parallel: bool) -> tuple[int, int, float]:
    home = Path(tempfile.mkdtemp()) / "ws"
    subprocess.run(
        [sys.executable, "-m", "pkm", "--home", str(home), "journal", "list"],
        check=True,
        capture_output=True,
    )
    t = time.perf_counter()
    argv = [[sys.executable, "-c", WRITER, str(home), str(adds), str(p)] for p in range(procs)]
    outs: list[str] = []
    if parallel:
        running = [subprocess.Popen(a, stdout=subprocess.PIPE, text=True) for a in argv]
        outs = [p.communicate()[0] for p in running]
    else:
        outs = [subprocess.run(a, stdout=subprocess.PIPE, text=True).stdout for a in argv]
    elapsed = time.perf_counter() - t
    failed = sum(int(o.strip().splitlines()[-1]) for o in outs)
    stored = sqlite3.connect(home / "pkm.db").execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    return failed, stored, elapsed


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--procs", type=int, default=4)
    p.add_argument("--adds", type=int, default=200)
    args = p.parse_args()
    total = args.procs * args.adds
    for label, parallel in (("one after another (baseline)", False), ("all at once", True)):
        failed, stored, elapsed = run(args.procs, args.adds, parallel=parallel)
        print(
            f"{label:>30}: {total} adds, {failed} reported failure, {stored} stored, "
            f"{elapsed:.1f} s ({total / elapsed:.0f} adds/s)"
        )


if __name__ == "__main__":
    main()
