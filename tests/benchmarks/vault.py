"""The vault folder: how long a 10,000-entry vault takes to scan, and how long a change
takes to appear on the other device.

    python tests/benchmarks/vault.py [--entries 10000] [--rounds 5] [--no-syncthing]

Scan: a vault written by another device (the shared corpus's journal texts,
shared/bench/corpus.py, in pkm's vault format) is synced into a fresh data folder
(the first import: every file read, parsed, made an entry), then synced again
with nothing changed (a rescan: one stat per file). Baseline in the same run:
a plain recursive ``os.scandir`` that reads every file (and one that only stats).

Propagation, "laptop" edits an entry, "desktop" has its text:
* plain shared folder: laptop's sync writes the file, desktop's sync reads it;
  baseline: writing and reading the same bytes without pkm;
* real Syncthing (two instances on 127.0.0.1, 1 s watcher delay, as a user runs it:
  no forced scan): laptop's sync, Syncthing carrying the file, desktop's sync;
  baseline: Syncthing alone carrying a plain file of the same size.
The search index is left out (auto_index off): it is measured by search.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pkm.core.journal.model import Entry  # noqa: E402
from pkm.core.vault.format import render, safe_name  # noqa: E402
from pkm.core.workspace import Workspace  # noqa: E402
from tests.benchmarks.search import load_corpus_module  # noqa: E402


def make_vault(folder: Path, n: int) -> None:
    corpus = load_corpus_module()
    taken: set[str] = set()
    for i, doc in enumerate(corpus.documents(n, 0)):
        entry = Entry(
            id=i + 1, kind="note", day=doc["day"], title=doc["title"][:120], body=doc["body"] + "\n",
            created=f"{doc['day']}T09:00:00+00:00", updated=f"{doc['day']}T09:00:00+00:00",
            tags=tuple(doc["tags"]), explicit_tags=tuple(doc["tags"]),
        )  # fmt: skip
        name = safe_name(entry, taken)
        taken.add(name.casefold())
        (folder / name).write_bytes(render(entry, f"bench-{i:06d}", name))


def baseline_read(folder: Path, read: bool) -> float:
    t = time.perf_counter()
    stack = [str(folder)]
    while stack:
        for item in os.scandir(stack.pop()):
            if item.is_dir():
                stack.append(item.path)
            elif read:
                with open(item.path, "rb") as fh:
                    fh.read()
            else:
                item.stat()
    return time.perf_counter() - t


def scan(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "vault"
        vault.mkdir()
        make_vault(vault, n)
        size = sum(p.stat().st_size for p in vault.iterdir()) / 1e6
        read_s = baseline_read(vault, True)
        stat_s = baseline_read(vault, False)
        with Workspace(Path(tmp) / "ws", auto_index=False) as ws:
            ws.vault.set_folder(vault)
            t = time.perf_counter()
            first = ws.vault.sync()
            first_s = time.perf_counter() - t
            t = time.perf_counter()
            again = ws.vault.sync()
            again_s = time.perf_counter() - t
            entry = ws.journal.list(limit=1)[0]
            ws.journal.save(entry.id, body=entry.body + "One more line.\n")
            t = time.perf_counter()
            quick = ws.vault.write_entries({entry.id})
            quick_s = time.perf_counter() - t
            ws.journal.save(entry.id, body=entry.body + "Two more lines.\n")
            t = time.perf_counter()
            full = ws.vault.sync()
            full_s = time.perf_counter() - t
        assert quick is not None and quick.written == 1 and full.written == 1
        assert first.created == n and again.created == again.updated == again.written == 0
        print(f"Scan of a {n:,}-entry vault ({size:.1f} MB):")
        print(f"  baseline scandir + read every file   {read_s * 1000:8.0f} ms")
        print(f"  baseline scandir + stat every file   {stat_s * 1000:8.0f} ms")
        print(
            f"  first sync (import {first.created:,} entries)  {first_s * 1000:8.0f} ms"
            f"   ({first_s / read_s:.1f}x the read baseline; {first_s / n * 1e6:.0f} µs a file)"
        )
        print(
            f"  no-change rescan                     {again_s * 1000:8.0f} ms"
            f"   ({again_s / stat_s:.1f}x the stat baseline, {again_s / read_s:.2f}x the read one)"
        )
        print(f"  one entry saved: full sync           {full_s * 1000:8.0f} ms")
        print(
            f"  one entry saved: just its file       {quick_s * 1000:8.1f} ms"
            f"   (what the window does after a save; {full_s / quick_s:.0f}x faster)"
        )


def _pair(tmp: Path, entries: int, vaults: tuple[Path, Path]):
    laptop = Workspace(tmp / "laptop", auto_index=False)
    desktop = Workspace(tmp / "desktop", auto_index=False)
    for i in range(entries):
        laptop.journal.create(title=f"Note {i}", body=f"Text of note {i}.\n")
    laptop.vault.set_folder(vaults[0])
    desktop.vault.set_folder(vaults[1])
    return laptop, desktop


def _holds(cond) -> bool:
    try:
        return bool(cond())
    except OSError:  # the file is being replaced, or not there yet
        return False


def _until(cond, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not _holds(cond):
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the other side")
        time.sleep(0.005)


def propagate_shared(rounds: int, entries: int) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        vault = tmp / "vault"
        vault.mkdir()
        laptop, desktop = _pair(tmp, entries, (vault, vault))
        laptop.vault.sync()
        desktop.vault.sync()
        note = laptop.journal.resolve("Note 0")
        assert note is not None
        times, base = [], []
        for r in range(rounds):
            text = f"Round {r} of the board notes.\n"
            t = time.perf_counter()
            laptop.journal.save(note.id, body=text)
            laptop.vault.sync()
            desktop.vault.sync()
            times.append(time.perf_counter() - t)
            got = desktop.journal.resolve("Note 0")
            assert got is not None and got.body == text
            data = (vault / "Note 0.md").read_bytes()
            t = time.perf_counter()
            (tmp / "plain.md").write_bytes(data)
            (tmp / "plain.md").read_bytes()
            base.append(time.perf_counter() - t)
        laptop.close()
        desktop.close()
    med, b = statistics.median(times), statistics.median(base)
    print(f"Change to the other side, plain shared folder ({entries:,} entries, {rounds} rounds):")
    print(f"  baseline write + read the file        {b * 1000:8.2f} ms")
    print(
        f"  pkm: save, sync here, sync there      {med * 1000:8.2f} ms  (median; max {max(times) * 1000:.1f} ms)"
    )


def propagate_syncthing(rounds: int, entries: int) -> None:
    from tests.vault.syncthing import BINARY, Syncthing, in_step, introduce

    if BINARY is None:
        print("Syncthing: not installed, skipped (apt-get install syncthing)")
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        va, vb = tmp / "a" / "vault", tmp / "b" / "vault"
        va.mkdir(parents=True)
        vb.mkdir(parents=True)
        st_a, st_b = Syncthing(tmp / "a" / "st", "laptop"), Syncthing(tmp / "b" / "st", "desktop")
        try:
            introduce(st_a, st_b, "bench", va, vb)
            laptop, desktop = _pair(tmp, entries, (va, vb))
            laptop.vault.sync()
            in_step(st_a, st_b, "bench", timeout=300)
            desktop.vault.sync()
            note = laptop.journal.resolve("Note 0")
            assert note is not None
            times, base = [], []
            for r in range(rounds):
                text = f"Round {r} of the board notes.\n"
                t = time.perf_counter()
                laptop.journal.save(note.id, body=text)
                laptop.vault.sync()
                _until(lambda text=text: text.encode() in (vb / "Note 0.md").read_bytes())
                desktop.vault.sync()
                times.append(time.perf_counter() - t)
                got = desktop.journal.resolve("Note 0")
                assert got is not None and got.body == text
                data = (va / "Note 0.md").read_bytes().replace(b"Round", b"Plain")
                t = time.perf_counter()
                (va / f"plain-{r}.txt").write_bytes(data)
                _until(
                    lambda r=r, want=data: (
                        (vb / f"plain-{r}.txt").is_file()
                        and (vb / f"plain-{r}.txt").read_bytes() == want
                    )
                )
                base.append(time.perf_counter() - t)
            laptop.close()
            desktop.close()
        finally:
            st_a.stop()
            st_b.stop()
    med, b = statistics.median(times), statistics.median(base)
    print(f"Change to the other side, real Syncthing ({entries:,} entries, {rounds} rounds):")
    print(f"  baseline: Syncthing alone, a plain file  {b * 1000:8.0f} ms")
    print(
        f"  pkm: save, sync, Syncthing, sync there   {med * 1000:8.0f} ms  ({med / b:.2f}x the baseline)"
    )


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--entries", type=int, default=10_000)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--pair-entries", type=int, default=1000, help="entries on each device")
    p.add_argument("--no-syncthing", action="store_true")
    a = p.parse_args()
    scan(a.entries)
    propagate_shared(a.rounds * 4, a.pair_entries)
    if not a.no_syncthing:
        propagate_syncthing(a.rounds, a.pair_entries)


if __name__ == "__main__":
    main()
