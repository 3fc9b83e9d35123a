"""What a reader of an export hands the writer: notes, and notes it had to skip."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field

from pkm.core.changes import Change

SOURCES = ("dayone", "enex", "markdown")


@dataclass
class Note:
    """One note of an export, already converted to pkm's Markdown.

    ``body`` refers to its images by their media-store paths (the reader stored
    them, or in a dry run only named them). ``daily`` notes go into the daily
    entry of ``day``, merged with whatever that day already holds.
    """

    source_id: str  # stable identity in the source: re-importing it is recognised
    label: str  # what the report calls it: a file name, a title, a date
    title: str
    body: str
    day: dt.date
    created: dt.datetime | None = None
    updated: dt.datetime | None = None
    tags: list[str] = field(default_factory=list)
    daily: bool = False
    kind: str = "note"  # for notes that are not daily: 'note' or 'clip' (a pkm export's own)
    media: int = 0  # files this note brought into the media store
    notes: list[str] = field(default_factory=list)  # what was left out, for the report

    def fingerprint(self) -> str:
        """A hash of what is imported (computed once: the writer asks before its transaction)."""
        cached = self.__dict__.get("_fingerprint")
        if cached is None:
            data = json.dumps([self.title, self.body, sorted(self.tags), self.day.isoformat()])
            cached = self.__dict__["_fingerprint"] = hashlib.sha256(data.encode()).hexdigest()
        return cached


@dataclass
class Skip:
    """A note (or file) that was not imported, and the sentence that says why."""

    label: str
    reason: str


@dataclass
class Imported:
    label: str
    entry_id: int
    title: str
    day: str
    merged: bool  # went into a daily entry that already existed
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    """What an import did (or, in a dry run, would do)."""

    source: str
    dry_run: bool = False
    imported: list[Imported] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    media: int = 0
    cancelled: bool = False
    change: Change = field(default_factory=Change)  # what the import wrote, for the views

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "cancelled": self.cancelled,
            "imported": [asdict(i) for i in self.imported],
            "skipped": [asdict(s) for s in self.skipped],
            "media": self.media,
        }

    def summary(self) -> str:
        """One line for people: how many, how many merged, how many skipped."""
        verb = "Would import" if self.dry_run else "Imported"
        merged = sum(1 for i in self.imported if i.merged)
        n = len(self.imported)
        line = f"{verb} {n} {'entry' if n == 1 else 'entries'}"
        if merged:
            line += f" ({merged} added to daily entries that already existed)"
        if self.media:
            line += (
                f" with {self.media} {'image or file' if self.media == 1 else 'images and files'}"
            )
        if self.skipped:
            line += f"; {len(self.skipped)} not imported"
        if self.cancelled:
            line += "; cancelled before the end (run it again to import the rest)"
        return line + "."
