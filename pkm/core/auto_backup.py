"""Automatic daily backups, kept like Time Machine keeps them: 7 daily and 4 weekly.

Once a day, while pkm is open (the window checks at start and then hourly), a
backup (pkm.core.backup: SQLite's online backup API, settings, media; never
secrets) is written to ``<home>/backups/auto/``. Then the folder is pruned:
the newest backup of each of the last 7 days with one, and the newest of
each of the 4 weeks before those, stay; older automatic ones go. Backups the
user made by hand (``pkm backup``, elsewhere in ``backups/``) are never
touched.

The backups live inside the data folder, so they protect against a mistake
(a deleted entry, a bad import) and a damaged database, not against losing
the disk: the README says to keep the data folder in a synced or backed-up
place for that.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from pkm.core.backup import BACKUPS, BackupInfo, backup
from pkm.core.clock import Clock

AUTO = "auto"
DAILY_KEPT = 7
WEEKLY_KEPT = 4
_NAME = re.compile(r"^pkm-backup-(\d{4}-\d{2}-\d{2})-(\d{6})\.zip$")


@dataclass(frozen=True)
class AutoBackup:
    path: Path
    day: dt.date
    size: int

    def as_dict(self) -> dict:
        return {"path": str(self.path), "day": self.day.isoformat(), "size": self.size}


def folder(home: Path) -> Path:
    return Path(home) / BACKUPS / AUTO


def listing(home: Path) -> list[AutoBackup]:
    """The automatic backups, newest first (files of any other name are not ours)."""
    out = []
    d = folder(home)
    if not d.is_dir():
        return []
    for p in d.iterdir():
        m = _NAME.match(p.name)
        if m and p.is_file():
            out.append(AutoBackup(p, dt.date.fromisoformat(m.group(1)), p.stat().st_size))
    out.sort(key=lambda b: b.path.name, reverse=True)
    return out


def kept(backups: list[AutoBackup]) -> set[Path]:
    """Which to keep: the newest of each of the last DAILY_KEPT days that have one, then
    the newest of each of the WEEKLY_KEPT ISO weeks before the oldest of those."""
    keep: set[Path] = set()
    days: list[dt.date] = []
    for b in backups:  # newest first
        if b.day not in days:
            days.append(b.day)
            keep.add(b.path)
        if len(days) == DAILY_KEPT:
            break
    oldest_daily = days[-1] if days else None
    weeks: list[tuple[int, int]] = []
    for b in backups:
        if oldest_daily is None or b.day >= oldest_daily:
            continue
        week = b.day.isocalendar()[:2]
        if week not in weeks:
            weeks.append(week)
            keep.add(b.path)
        if len(weeks) == WEEKLY_KEPT:
            break
    return keep


def prune(home: Path) -> list[Path]:
    """Remove the automatic backups past the retention; returns what was removed."""
    backups = listing(home)
    keep = kept(backups)
    gone = []
    for b in backups:
        if b.path not in keep:
            b.path.unlink(missing_ok=True)
            gone.append(b.path)
    return gone


def due(home: Path, today: dt.date) -> bool:
    """No automatic backup yet today."""
    return not any(b.day == today for b in listing(home))


def run_if_due(home: Path, clock: Clock) -> BackupInfo | None:
    """Today's backup if there is none yet (then pruned); None when nothing was due."""
    today = clock().astimezone().date()
    if not due(home, today):
        return None
    stamp = clock().astimezone().strftime("%Y-%m-%d-%H%M%S")
    info = backup(home, clock, folder(home) / f"pkm-backup-{stamp}.zip")
    prune(home)
    return info
