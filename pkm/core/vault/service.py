"""`ws.vault`: choose the vault folder, sync it, say how it stands.

pkm builds no sync of its own: the vault is a folder inside Syncthing, Nextcloud,
Dropbox, iCloud Drive or a git repository, and that engine carries the files
between devices. pkm keeps every entry there as a Markdown file (see sync.py).

Two guards keep a missing disk from emptying the journal: a vault folder that is
gone is an error, not "every file was deleted"; and so is a folder without the
marker file pkm put there (``.pkm-vault``) while the last sync left files in it:
an empty mount point of a drive not connected, or a sync engine that has not
brought the folder yet. (Syncthing guards its folders with ``.stfolder`` alike.)
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pkm.core.changes import Change
from pkm.core.clock import Clock, iso
from pkm.core.db import Store
from pkm.core.errors import BadInput, PkmError
from pkm.core.settings import atomic_write_bytes
from pkm.core.vault import state
from pkm.core.vault.quick import write_entries
from pkm.core.vault.report import SyncReport
from pkm.core.vault.sync import Progress, sync

MARKER = ".pkm-vault"
_MARKER_TEXT = (
    b"This folder is a pkm vault: pkm keeps every journal entry here as a Markdown file.\n"
    b"Keep this file: without it pkm takes the folder for a drive that is not connected.\n"
)
_PENDING = (
    "SELECT COUNT(*) FROM entries e LEFT JOIN vault_files v ON v.entry_id = e.id "
    "WHERE e.deleted_at IS NULL AND (e.kind != 'daily' OR e.edited = 1) "
    "AND (v.uid IS NULL OR v.path IS NULL OR v.version != e.version)"
)


@dataclass(frozen=True)
class VaultStatus:
    folder: str | None
    exists: bool
    files: int  # files pkm keeps there, as of the last sync
    pending: int  # entries changed here since (written at the next sync)
    last_sync: str | None
    last_conflicts: tuple[str, ...] = ()
    last_problems: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "folder": self.folder,
            "exists": self.exists,
            "files": self.files,
            "pending": self.pending,
            "last_sync": self.last_sync,
            "last_conflicts": list(self.last_conflicts),
            "last_problems": list(self.last_problems),
        }

    def lines(self) -> list[str]:
        if not self.folder:
            return ["No vault folder is set. Choose one with 'pkm vault set DIR'."]
        out = [f"Vault folder: {self.folder}" + ("" if self.exists else " (missing!)")]
        out.append(f"Files: {self.files}; entries waiting to be written: {self.pending}")
        out.append(f"Last sync: {self.last_sync or 'never'}")
        out += [f"Conflict: {c}" for c in self.last_conflicts]
        out += [f"Problem: {p}" for p in self.last_problems]
        return out


class Vault:
    def __init__(
        self, store: Store, clock: Clock, home: Path, on_change: Callable[[Change], None]
    ) -> None:
        self._store = store
        self._clock = clock
        self._home = Path(home)
        self._on_change = on_change

    def folder(self) -> Path | None:
        value = state.get_meta(self._store, "folder")
        return Path(value) if value else None

    def set_folder(self, folder: str | os.PathLike[str]) -> Path:
        """Use ``folder`` (made if its parent exists); the next sync fills it both ways."""
        path = Path(os.path.abspath(os.path.expanduser(os.fspath(folder))))
        if path.exists() and not path.is_dir():
            raise BadInput(f"{path} is a file. Give a folder for the vault.")
        home = Path(os.path.realpath(self._home))
        real = Path(os.path.realpath(path))
        if real == home or real.is_relative_to(home) or home.is_relative_to(real):
            raise BadInput(
                f"{path} holds or is inside pkm's data folder. Choose a folder of its own, "
                "for example one inside your Syncthing, Dropbox or iCloud Drive folder."
            )
        if not path.exists():
            if not path.parent.is_dir():
                raise BadInput(
                    f"{path.parent} does not exist. Create it first, or choose another folder."
                )
            try:
                path.mkdir()
            except OSError as exc:
                raise PkmError(f"Cannot create {path}: {exc.strerror or exc}.") from None
        with self._store.transaction() as conn:
            if state.get_meta(self._store, "folder") != str(path):
                state.forget_files(conn)
                state.set_meta(conn, "last_report", None)
                state.set_meta(conn, "last_sync", None)
            state.set_meta(conn, "folder", str(path))
        _mark(path)
        return path

    def unset(self) -> Path | None:
        """Stop syncing; the folder and its files stay as they are."""
        was = self.folder()
        with self._store.transaction() as conn:
            state.set_meta(conn, "folder", None)
            state.forget_files(conn)
        return was

    def _checked_folder(self) -> Path:
        folder = self.folder()
        if folder is None:
            raise BadInput("No vault folder is set. Choose one with 'pkm vault set DIR'.")
        if not folder.is_dir():
            raise PkmError(
                f"The vault folder {folder} is missing (a disk not connected?). Nothing was "
                "changed; connect it, or choose another with 'pkm vault set DIR'."
            )
        return folder

    def sync(self, progress: Progress | None = None, *, allow_empty: bool = False) -> SyncReport:
        folder = self._checked_folder()
        known = int(
            self._store.scalar("SELECT COUNT(*) FROM vault_files WHERE path IS NOT NULL") or 0
        )
        if not (folder / MARKER).exists():
            if known and not allow_empty:
                raise PkmError(
                    f"The vault folder {folder} is not as pkm left it ({known} files were there "
                    f"and its {MARKER} file is gone: a drive not mounted, or the sync engine "
                    "still starting?). Nothing was changed. If the folder is right, run "
                    "'pkm vault sync --allow-empty'."
                )
            _mark(folder)
        report = sync(self._store, self._clock, folder, progress, home=self._home)
        with self._store.transaction() as conn:
            state.set_meta(conn, "last_sync", iso(self._clock()))
            state.set_meta(conn, "last_report", json.dumps(report.as_dict()))
        if report.change:
            self._on_change(report.change)
        return report

    def write_entries(self, entry_ids: set[int]) -> SyncReport | None:
        """The files of just these entries, if nothing else needs a sync; else None (then
        the caller runs `sync`). What the window does after a save: a few ms, whatever the
        size of the vault."""
        folder = self.folder()
        if folder is None or not (folder / MARKER).exists():
            return None
        report = write_entries(self._store, self._clock, folder, entry_ids, home=self._home)
        if report is not None:
            with self._store.transaction() as conn:
                state.set_meta(conn, "last_sync", iso(self._clock()))
        return report

    def status(self) -> VaultStatus:
        folder = self.folder()
        last = state.last_report(self._store) or {}
        files = self._store.scalar("SELECT COUNT(*) FROM vault_files WHERE path IS NOT NULL")
        when = state.get_meta(self._store, "last_sync")
        return VaultStatus(
            folder=str(folder) if folder else None,
            exists=bool(folder and folder.is_dir()),
            files=int(files or 0),
            pending=int(self._store.scalar(_PENDING) or 0) if folder else 0,
            last_sync=_local(when),
            last_conflicts=tuple(last.get("conflicts", ())),
            last_problems=tuple(last.get("problems", ())),
        )


def _mark(folder: Path) -> None:
    try:
        atomic_write_bytes(folder / MARKER, _MARKER_TEXT, shared=True)
    except OSError as exc:
        raise PkmError(f"Cannot write into {folder}: {exc.strerror or exc}.") from None


def _local(when: str | None) -> str | None:
    if not when:
        return None
    try:
        return dt.datetime.fromisoformat(when).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return when
