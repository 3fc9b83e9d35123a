"""Plain records the journal hands out. Immutable: change them through Journal."""

from __future__ import annotations

from dataclasses import dataclass, field

from pkm.core.errors import BadInput

KINDS = ("daily", "note", "clip", "post")


def check_kind(kind: str) -> None:
    """Refuse an unknown kind with the list of known ones (filters and new entries alike)."""
    if kind not in KINDS:
        raise BadInput(f"'{kind}' is not a kind of entry. Use one of: {', '.join(KINDS)}.")


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    day: str
    title: str
    body: str
    created: str
    updated: str
    tags: tuple[str, ...] = ()
    explicit_tags: tuple[str, ...] = ()
    deleted_at: str | None = None
    version: int = 0  # counts saves: a writer saves only over the version it read
    source_id: int | None = None  # a post: the entry it was drawn from

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "day": self.day,
            "title": self.title,
            "body": self.body,
            "tags": list(self.tags),
            "created": self.created,
            "updated": self.updated,
            "deleted_at": self.deleted_at,
            "version": self.version,
            "source_id": self.source_id,
        }


@dataclass(frozen=True)
class Revision:
    id: int
    entry_id: int
    title: str
    body: str
    saved_at: str
    reason: str


@dataclass(frozen=True)
class ClipSource:
    """Where a quoted passage came from, kept as data so the journal can cite it."""

    title: str = ""
    url: str = ""
    feed: str = ""
    author: str = ""
    published: str = ""  # YYYY-MM-DD or ISO time, as the source gave it
    item_id: int | None = None


@dataclass(frozen=True)
class Clip:
    id: int
    entry_id: int
    quote: str
    source: ClipSource = field(default_factory=ClipSource)
    created: str = ""


@dataclass(frozen=True)
class Streaks:
    current: int
    longest: int
    last_day: str | None
