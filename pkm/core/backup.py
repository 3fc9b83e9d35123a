"""Backing up a data folder while pkm runs, and restoring it into another.

A backup is one ``.zip``:

* ``pkm.db``: a consistent copy made with SQLite's online backup API
  (``sqlite3.Connection.backup``), which copies one snapshot of the database
  even while the window or a script is writing; never the raw file, which a
  copy taken mid-write would tear (and whose ``-wal`` holds the latest saves);
* ``settings.json``: the preferences;
* ``media/``: the images and attachments the entries show. The database is
  copied first: a file is written before any entry refers to it, so every
  file the copy refers to already exists when the folder is read;
* ``pkm-backup.json``: what the backup holds (format, schema version, counts).

Never in it: secrets (``secrets.enc``, the keyring: a backup is a file people
copy around; targets ask for their passwords again after a restore), the
search index (derived, rebuilt from the database), logs, the lock file.

Restore refuses a data folder that already holds something, unless told to
replace it; then what was there is *moved* to ``replaced-<time>/`` in that
folder, never deleted, and the backup's database is checked
(``integrity_check``, schema version) before anything is moved.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pkm import __version__
from pkm.core.clock import Clock, iso
from pkm.core.db import DB_NAME
from pkm.core.errors import BadInput, PkmError, StorageError
from pkm.core.media import FOLDER as MEDIA
from pkm.core.media import REF_RE
from pkm.core.migrations import latest_version

MANIFEST = "pkm-backup.json"
SETTINGS = "settings.json"
FORMAT = 1
BACKUPS = "backups"  # the default place, inside the data folder
LOCK_NAME = "pkm.lock"  # the lock the window holds on its data folder (gui.instance_lock)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    entries: int
    media: int
    size: int
    schema: int
    created: str

    def as_dict(self) -> dict:
        return {
            "path": str(self.path),
            "entries": self.entries,
            "media": self.media,
            "size": self.size,
            "schema": self.schema,
            "created": self.created,
        }


def default_path(home: Path, clock: Clock) -> Path:
    stamp = clock().astimezone().strftime("%Y-%m-%d-%H%M%S")
    return home / BACKUPS / f"pkm-backup-{stamp}.zip"


def _copy_database(db: Path, target: Path) -> tuple[int, int]:
    """The online backup of ``db`` into ``target``; returns (schema version, entries)."""
    try:
        src = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=15)
    except sqlite3.Error as exc:
        raise StorageError(f"Cannot read the database {db} to back it up: {exc}.") from None
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the zip
            schema = int(dst.execute("PRAGMA user_version").fetchone()[0])
            has_entries = dst.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='entries'"
            ).fetchone()
            entries = (
                int(dst.execute("SELECT COUNT(*) FROM entries").fetchone()[0]) if has_entries else 0
            )
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise StorageError(
            f"The database {db} could not be copied ({exc}); nothing was written. "
            "Try again in a moment, or check the disk."
        ) from None
    finally:
        src.close()
    return schema, entries


def _media_files(home: Path) -> Iterator[Path]:
    folder = home / MEDIA
    if folder.is_dir():
        for p in sorted(folder.iterdir()):
            if p.is_file() and REF_RE.match(f"{MEDIA}/{p.name}"):
                yield p


def backup(home: Path, clock: Clock, dest: Path | None = None) -> BackupInfo:
    """A consistent backup of the data folder at ``home``, written atomically to ``dest``."""
    home = Path(home)
    db = home / DB_NAME
    if not db.is_file():
        raise BadInput(f"{home} holds no pkm database, so there is nothing to back up.")
    path = Path(dest) if dest else default_path(home, clock)
    if path.is_dir():
        path = path / default_path(home, clock).name
    if path.suffix.lower() != ".zip":
        raise BadInput(f"{path} does not end in .zip; a pkm backup is a .zip file.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise PkmError(
            f"Cannot write {path}: {exc.strerror or exc}. Choose another file."
        ) from None
    tmp = Path(tmp_name)
    created = iso(clock())
    try:
        with tempfile.TemporaryDirectory(prefix="pkm-backup-") as work:
            copy = Path(work) / DB_NAME
            schema, entries = _copy_database(db, copy)
            media = list(_media_files(home))
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.write(copy, DB_NAME)
                if (home / SETTINGS).is_file():
                    zf.write(home / SETTINGS, SETTINGS)
                for p in media:  # photos are compressed already: stored as they are
                    zf.write(p, f"{MEDIA}/{p.name}", compress_type=zipfile.ZIP_STORED)
                manifest = {
                    "format": FORMAT,
                    "app": "pkm",
                    "version": __version__,
                    "schema": schema,
                    "created": created,
                    "entries": entries,
                    "media": len(media),
                }
                zf.writestr(MANIFEST, json.dumps(manifest, indent=2))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise PkmError(
            f"Cannot write the backup {path}: {exc.strerror or exc}. "
            "Free some space or choose another place."
        ) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return BackupInfo(path, entries, len(media), path.stat().st_size, schema, created)


# ---- restore --------------------------------------------------------------------------


def _read_backup(file: Path, work: Path) -> dict:
    """Open, check and unpack a backup into ``work``; BadInput naming what is wrong."""
    try:
        zf = zipfile.ZipFile(file)
    except FileNotFoundError:
        raise BadInput(f"{file} does not exist. Give the .zip that 'pkm backup' made.") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadInput(f"{file} is not a pkm backup ({exc}).") from None
    with zf:
        names = set(zf.namelist())
        if MANIFEST not in names or DB_NAME not in names:
            raise BadInput(f"{file} is not a pkm backup (it has no {MANIFEST} and {DB_NAME}).")
        try:
            manifest = json.loads(zf.read(MANIFEST))
            zf.extract(DB_NAME, work)
            if SETTINGS in names:
                zf.extract(SETTINGS, work)
            # Only the names a backup holds: nothing can land outside the folder.
            for name in names:
                if REF_RE.match(name):
                    zf.extract(name, work)
        except (zipfile.BadZipFile, json.JSONDecodeError, OSError, KeyError) as exc:
            raise BadInput(f"{file} is damaged ({exc}); choose another backup.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BadInput(f"{file} was made by another version of pkm's backup; update pkm.")
    try:
        conn = sqlite3.connect(work / DB_NAME)
        try:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            schema = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BadInput(
            f"The database in {file} is damaged ({exc}); choose another backup."
        ) from None
    if verdict != "ok":
        raise BadInput(
            f"The database in {file} is damaged ({verdict[:120]}); choose another backup."
        )
    if schema > latest_version():
        raise BadInput(
            f"{file} was made by a newer pkm (database version {schema}; this pkm knows up to "
            f"{latest_version()}). Update pkm, then restore."
        )
    return manifest


def check_backup(file: Path) -> dict:
    """The checks a restore makes first (a pkm backup, undamaged, not from a newer pkm),
    without restoring: the window asks them before it closes to restore."""
    with tempfile.TemporaryDirectory(prefix="pkm-check-") as work:
        return _read_backup(Path(file), Path(work))


def _in_use(home: Path) -> bool:
    """Whether a pkm window holds the folder's lock right now (POSIX flock)."""
    lock = home / LOCK_NAME
    if not lock.exists():
        return False
    try:
        import fcntl
    except ImportError:  # Windows: the lock file's presence is all there is to go on
        return True
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


@dataclass(frozen=True)
class RestoreInfo:
    home: Path
    entries: int
    media: int
    moved_to: Path | None  # where what the folder held before went

    def as_dict(self) -> dict:
        return {
            "home": str(self.home),
            "entries": self.entries,
            "media": self.media,
            "moved_to": str(self.moved_to) if self.moved_to else None,
        }


def restore(
    file: Path, home: Path, clock: Clock, *, replace: bool = False, own_lock: bool = False
) -> RestoreInfo:
    """Unpack a backup into the data folder ``home`` (new or empty, or replaced on request).

    ``own_lock``: the caller is the window's process, holding the folder's lock with its
    workspace closed (a restore chosen in Settings, done as pkm reopens: gui/app.py).
    """
    file, home = Path(file), Path(home)
    if home.exists() and not home.is_dir():
        raise BadInput(f"{home} is a file. Give a folder to restore into.")
    present = [
        p for p in (home.iterdir() if home.is_dir() else []) if p.name not in (BACKUPS, LOCK_NAME)
    ]
    if present and not replace:
        raise BadInput(
            f"{home} already holds a data folder ({len(present)} items). Restore into a new "
            "folder with --home DIR, or add --replace: what is there now is then moved to "
            f"{home}/replaced-…, not deleted."
        )
    if not own_lock and _in_use(home):
        raise BadInput(f"pkm is open on {home}. Close its window, then restore.")
    moved_to = None
    with tempfile.TemporaryDirectory(prefix="pkm-restore-") as work_name:
        work = Path(work_name)
        manifest = _read_backup(file, work)
        try:
            home.mkdir(parents=True, exist_ok=True, mode=0o700)
            if present:
                stamp = clock().astimezone().strftime("%Y-%m-%d-%H%M%S")
                moved_to = home / f"replaced-{stamp}"
                moved_to.mkdir(mode=0o700)
                for p in present:
                    if not p.name.startswith("replaced-"):
                        shutil.move(p, moved_to / p.name)
            for item in (DB_NAME, SETTINGS):
                if (work / item).is_file():
                    shutil.move(work / item, home / item)
                    os.chmod(home / item, 0o600)
            media = 0
            if (work / MEDIA).is_dir():
                (home / MEDIA).mkdir(exist_ok=True, mode=0o700)
                for p in (work / MEDIA).iterdir():
                    shutil.move(p, home / MEDIA / p.name)
                    media += 1
        except OSError as exc:
            raise PkmError(
                f"Cannot restore into {home}: {exc.strerror or exc}. "
                + (f"What was there is in {moved_to}. " if moved_to else "")
                + "Free some space or choose another folder."
            ) from None
    return RestoreInfo(home, int(manifest.get("entries") or 0), media, moved_to)
