"""Plain records the feeds core hands out. Immutable: change them through `Feeds`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from pkm.core.changes import Change


@dataclass(frozen=True)
class Folder:
    id: int
    name: str
    unread: int = 0


@dataclass(frozen=True)
class Feed:
    id: int
    url: str
    title: str
    site_url: str = ""
    folder: str = ""
    folder_id: int | None = None
    username: str = ""
    status: str = "active"  # 'active' or 'gone' (the server said 410: polling stopped)
    interval_min: int = 60
    unread: int = 0
    total: int = 0
    last_fetch_at: str | None = None
    last_success_at: str | None = None
    next_fetch_at: str | None = None
    backoff_until: str | None = None
    last_error: str = ""
    last_error_at: str | None = None
    error_count: int = 0
    created: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Item:
    """An item as lists show it; `html` and `text` are filled only by `Feeds.item()`."""

    id: int
    feed_id: int | None
    feed_title: str
    title: str
    url: str
    author: str
    published: str | None
    sort_at: str
    read: bool
    starred: bool
    tags: tuple[str, ...] = ()
    dup_of: int | None = None
    first_seen: str = ""
    updated_at: str | None = None
    excerpt: str = ""
    html: str | None = None
    text: str | None = None

    @property
    def day(self) -> str:
        return (self.published or self.sort_at)[:10]

    def as_dict(self) -> dict:
        data = asdict(self)
        data["tags"] = list(self.tags)
        if self.html is None:
            data.pop("html")
            data.pop("text")
        return data


@dataclass(frozen=True)
class Rule:
    id: int
    pattern: str
    is_regex: bool
    field: str  # any | title | content | author
    action: str  # read | star | tag
    tag: str = ""
    feed_id: int | None = None
    created: str = ""

    def describe(self) -> str:
        what = f"/{self.pattern}/" if self.is_regex else f"'{self.pattern}'"
        where = "anywhere" if self.field == "any" else f"in the {self.field}"
        then = {"read": "mark read (mute)", "star": "star", "tag": f"tag #{self.tag}"}[self.action]
        scope = f" (feed {self.feed_id})" if self.feed_id else ""
        return f"{what} {where} → {then}{scope}"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ParsedItem:
    """One entry of a fetched feed, already sanitized: safe to store as it is."""

    guid: str
    url: str
    title: str
    author: str
    published: str | None
    html: str
    text: str
    content_hash: str


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    site_url: str
    items: tuple[ParsedItem, ...]
    kind: str = ""  # 'rss20', 'atom10', 'json11'... as detected


@dataclass
class FeedResult:
    """What one feed's refresh did. `status`: ok, not_modified, error, gone, skipped."""

    feed_id: int
    title: str
    url: str
    status: str
    new: int = 0
    updated: int = 0
    error: str = ""
    moved_to: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        if self.status == "ok":
            text = f"{self.new} new, {self.updated} updated"
        elif self.status == "not_modified":
            text = "not modified"
        else:
            text = f"{self.status}: {self.error}"
        if self.moved_to:
            text += f" (moved permanently to {self.moved_to})"
        return text


@dataclass
class RefreshReport:
    results: list[FeedResult] = field(default_factory=list)
    change: Change = field(default_factory=Change)
    cancelled: bool = False
    purged: int = 0

    @property
    def new(self) -> int:
        return sum(r.new for r in self.results)

    @property
    def errors(self) -> int:
        return sum(r.status in ("error", "gone") for r in self.results)


@dataclass(frozen=True)
class Subscribed:
    """The result of adding a feed: `created` is False when it was already followed."""

    feed: Feed
    created: bool
    change: Change = field(default_factory=Change)


@dataclass
class OpmlReport:
    added: list[Feed] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (url or title, why)
    change: Change = field(default_factory=Change)
    cancelled: bool = False  # stopped between two chunks; what was written before stays
