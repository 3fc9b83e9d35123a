"""Automatic daily backups: one a day, 7 daily and 4 weekly kept, hand-made ones untouched."""

from __future__ import annotations

import datetime as dt
import zipfile

from pkm.core import auto_backup
from pkm.core.workspace import Workspace


def _fake(home, day: str, time: str = "090000") -> None:
    d = auto_backup.folder(home)
    d.mkdir(parents=True, exist_ok=True)
    (d / f"pkm-backup-{day}-{time}.zip").write_bytes(b"x")


def test_one_backup_a_day_with_the_journal_in_it(tmp_path, clock):
    with Workspace(tmp_path / "ws", clock=clock) as ws:
        ws.journal.create(kind="note", title="Keep me", body="Words")
        info = auto_backup.run_if_due(ws.home, clock)
        assert info is not None and info.entries == 1
        assert info.path.parent == auto_backup.folder(ws.home)
        with zipfile.ZipFile(info.path) as zf:
            assert "pkm.db" in zf.namelist()
        assert auto_backup.run_if_due(ws.home, clock) is None  # not twice a day
        clock.advance(days=1)
        assert auto_backup.run_if_due(ws.home, clock) is not None


def test_retention_keeps_seven_days_then_four_weeks(tmp_path):
    home = tmp_path
    start = dt.date(2026, 9, 1)
    for n in range(90):  # one a day for three months, two on the last day
        _fake(home, (start + dt.timedelta(days=n)).isoformat())
    _fake(home, (start + dt.timedelta(days=89)).isoformat(), "180000")
    mine = home / "backups" / "pkm-backup-2026-09-01-080000.zip"  # made by hand
    mine.write_bytes(b"mine")
    gone = auto_backup.prune(home)
    left = auto_backup.listing(home)
    days = [b.day for b in left]
    last = start + dt.timedelta(days=89)
    assert days[:7] == [last - dt.timedelta(days=n) for n in range(7)]
    assert left[0].path.name.endswith("180000.zip")  # the newest of a day is the one kept
    weekly = days[7:]
    assert len(weekly) == 4 and len({d.isocalendar()[:2] for d in weekly}) == 4
    assert all(d < days[6] for d in weekly)
    assert len(gone) == 91 - 11
    assert mine.read_bytes() == b"mine"
