"""What one sync did (`SyncReport`, for the CLI, the window and --json), and one file as read."""

from __future__ import annotations

from dataclasses import dataclass, field

from pkm.core.changes import Change
from pkm.core.vault.format import VaultNote
from pkm.core.vault.scan import Seen


@dataclass
class SyncReport:
    folder: str
    files: int = 0
    created: int = 0  # entries made from new files
    updated: int = 0  # entries given a file's new text
    written: int = 0  # files pkm wrote
    trashed: int = 0  # entries whose file was deleted
    removed: int = 0  # files removed because their entry was
    renamed: int = 0
    conflicts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    change: Change = field(default_factory=Change)

    def as_dict(self) -> dict:
        return {
            "folder": self.folder,
            "files": self.files,
            "created": self.created,
            "updated": self.updated,
            "written": self.written,
            "trashed": self.trashed,
            "removed": self.removed,
            "renamed": self.renamed,
            "conflicts": list(self.conflicts),
            "problems": list(self.problems),
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        conflicts = len(self.conflicts)
        parts = [
            f"{n} {what if n == 1 else many}"
            for n, what, many in (
                (self.created, "new entry from a file", "new entries from files"),
                (self.updated, "entry updated from its file", "entries updated from their files"),
                (self.written, "file written", "files written"),
                (self.trashed, "entry moved to the trash", "entries moved to the trash"),
                (self.removed, "file removed", "files removed"),
                (self.renamed, "file renamed", "files renamed"),
                (conflicts, "conflict, both versions kept", "conflicts, both versions kept"),
            )
            if n
        ]
        done = ", ".join(parts) if parts else "nothing to do"
        return f"Vault {self.folder}: {self.files} files; {done}."


@dataclass
class ReadFile:
    seen: Seen
    file_hash: str | None = None  # None: unchanged since the row (not read)
    note: VaultNote | None = None  # parsed, when the bytes changed
