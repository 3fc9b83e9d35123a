"""A restore chosen in the window, done while pkm reopens (Settings › General › Restore…).

The database cannot be swapped under an open window, so choosing a backup there
(1) makes a backup of the journal as it is now, so going back is one more
Restore… away; (2) writes ``restore-pending.json`` naming the backup; and (3)
closes the window, which the app reopens at once (gui/app.py). Between closing and
reopening, with the folder's lock still held, `apply_pending` puts the backup in
place with `backup.restore(replace=True)`: what was there is moved to
``replaced-<time>/``, never deleted. The pending file is removed first, so a
backup that cannot be restored is reported once, never retried at every start.
"""

from __future__ import annotations

import json
from pathlib import Path

from pkm.core.backup import RestoreInfo, restore
from pkm.core.clock import Clock
from pkm.core.errors import PkmError
from pkm.core.settings import atomic_write_bytes

PENDING = "restore-pending.json"


def schedule(home: Path, backup_file: Path) -> Path:
    """Name the backup to restore when pkm next opens this folder."""
    path = Path(home) / PENDING
    atomic_write_bytes(path, json.dumps({"file": str(Path(backup_file).resolve())}).encode())
    return path


def pending(home: Path) -> Path | None:
    try:
        data = json.loads((Path(home) / PENDING).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Path(data["file"]) if isinstance(data, dict) and data.get("file") else None


def apply_pending(home: Path, clock: Clock) -> RestoreInfo | None:
    """Restore the scheduled backup, if any (the caller holds the folder's lock)."""
    file = pending(home)
    (Path(home) / PENDING).unlink(missing_ok=True)
    if file is None:
        return None
    if not file.is_file():
        raise PkmError(f"The backup {file} chosen to restore is gone; nothing was changed.")
    return restore(file, Path(home), clock, replace=True, own_lock=True)
