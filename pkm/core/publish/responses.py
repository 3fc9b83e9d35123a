"""Hearing back (issue 13): the responses to what was shared, fetched per publication.

Each kind of target that can be read implements `Adapter.responses(remote)`
(base.py): comments, replies, likes, boosts and reactions, read-only, never
changing anything remotely. This module owns what they share: the schedule,
the backoff, the upsert into the `responses` table (migration 10), the search
documents (`kind:response`, `source:` the target) and the per-target errors
in plain words.

Decisions where the issue is silent:

- **The schedule** follows how answers arrive: most in the first days, a few
  for weeks, almost none after months. A publication is checked every
  `responses.often_hours` (6) while it is younger than `responses.often_days`
  (30), then every `responses.rarely_days` (7) until `responses.stop_days`
  (180), then never by the schedule. The age counts from the first publish;
  editing a post does not restart it. All four are settings (settings.json).
- **On demand** (`pkm responses refresh`, the window's Refresh) checks every
  publication still inside `stop_days` whatever its due time; naming one
  post checks all its publications, however old. A backoff is honoured either
  way: a server that said "wait" is not asked again before it allowed.
- **Backoff**: a 429 waits what Retry-After says (at least a minute); a 5xx,
  a timeout or an unreachable server waits 15 minutes, doubled per failure in
  a row, at most a day. A target that fails stops being asked in that run (its
  other publications are skipped with the same reason), so a server in
  trouble gets one request, not one per post. One failing target never stops
  the others.
- **Nothing is lost or duplicated**: responses are keyed by the target's own
  id; a refresh updates text and status (a pending comment approved) and
  never deletes. A comment removed remotely stays in pkm: the user read it,
  and it may be the start of a reflection.
- **Own answers are not responses**: the adapters leave out what the user's
  own account wrote in the thread (pkm's "Updated:" replies, their answers).
- Only responses with words (comments, replies) are search documents: a
  like is a count, not something to find.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pkm.core.changes import Change
from pkm.core.clock import Clock, iso, parse_iso
from pkm.core.db import Store, in_chunks
from pkm.core.errors import BadInput, NotFound, PkmError
from pkm.core.indexing import queue_index
from pkm.core.publish.base import (
    RESPONSE_KINDS,
    PublishError,
    RateLimited,
    Response,
    TargetUnreachable,
)
from pkm.core.publish.log import Publication
from pkm.core.publish.registry import adapter_class
from pkm.core.publish.registry import scrub as _scrub
from pkm.core.publish.response_docs import unseen_count

if TYPE_CHECKING:
    from pkm.core.journal import Entry, Journal
    from pkm.core.publish.service import Publishing
    from pkm.core.settings import Settings

log = logging.getLogger("pkm.publish")

TEXT_KINDS = ("comment", "reply")  # the ones that are search documents

DEFAULTS = {
    "responses.often_days": 30,
    "responses.often_hours": 6,
    "responses.rarely_days": 7,
    "responses.stop_days": 180,
}
BACKOFF_FIRST = dt.timedelta(minutes=15)
BACKOFF_MAX = dt.timedelta(days=1)
RETRY_AFTER_MIN = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Schedule:
    """How often a publication is checked, by its age (module docstring)."""

    often_days: float = 30
    often_hours: float = 6
    rarely_days: float = 7
    stop_days: float = 180

    @classmethod
    def from_settings(cls, settings: Settings | None) -> Schedule:
        def value(key: str) -> float:
            raw = settings.get(key, DEFAULTS[key]) if settings is not None else DEFAULTS[key]
            try:
                number = float(raw)
            except (TypeError, ValueError):
                number = float(DEFAULTS[key])  # a hand-edited typo must not stop checks
            return number if number > 0 else float(DEFAULTS[key])

        return cls(*(value(k) for k in DEFAULTS))

    def interval(self, age: dt.timedelta) -> dt.timedelta | None:
        """How long until the next check of a publication this old; None: never again."""
        if age <= dt.timedelta(days=self.often_days):
            return dt.timedelta(hours=self.often_hours)
        if age <= dt.timedelta(days=self.stop_days):
            return dt.timedelta(days=self.rarely_days)
        return None


@dataclass(frozen=True)
class StoredResponse:
    """A response as pkm keeps it, with the post and target it answers."""

    id: int
    entry_id: int
    target: str
    target_kind: str
    kind: str
    remote_id: str
    author: str
    text: str
    url: str
    at: str
    status: str
    seen: bool
    first_seen: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON of `pkm responses list --json` (the issue's fields first)."""
        return {
            "id": self.id,
            "target": self.target,
            "kind": self.kind,
            "author": self.author,
            "text": self.text,
            "url": self.url,
            "at": self.at,
            "post_id": self.entry_id,
            "status": self.status,
        }


@dataclass
class CheckResult:
    """What one refresh found for one publication, or why it was not checked."""

    target: str
    entry_id: int
    new: int = 0
    total: int = 0
    error: str = ""  # it was asked and failed
    skipped: str = ""  # it was not asked: why (backoff, cannot be read, not due)
    readable: bool = True

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"target": self.target, "post_id": self.entry_id}
        out.update(new=self.new, total=self.total)
        if self.error:
            out["error"] = self.error
        if self.skipped:
            out["skipped"] = self.skipped
        return out

    def line(self) -> str:
        """One line for the CLI and the status bar."""
        head = f"{self.target} (post {self.entry_id})"
        if self.error:
            return f"{head}: {self.error}"
        if self.skipped:
            return f"{head}: {self.skipped}"
        new = f"{self.new} new, " if self.new else "nothing new, "
        return f"{head}: {new}{self.total} response{'s' if self.total != 1 else ''} in all"


@dataclass(frozen=True)
class Resonance:
    """One published post and what it drew, for "What resonated"."""

    entry_id: int
    title: str
    published: str  # first sent, ISO UTC
    words: int
    by_target: dict[str, int]
    by_kind: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def resonance_summary(posts: list[Resonance]) -> str:
    """One sentence an executive can act on: do shorter or longer posts draw more answers?

    The posts are split at their median length; with fewer than four posts, or no
    response at all, there is nothing honest to say yet, and it says so."""
    if len(posts) < 4 or not any(p.total for p in posts):
        return "After a few more posts with responses, this says which length draws more."
    ranked = sorted(posts, key=lambda p: p.words)
    half = len(ranked) // 2
    short, long_ = ranked[:half], ranked[half:]
    cut = ranked[half].words
    a = sum(p.total for p in short) / len(short)
    b = sum(p.total for p in long_) / len(long_)
    if max(a, b) == 0 or abs(a - b) < 0.5:
        return f"Short and long posts drew about as many responses ({a:.1f} and {b:.1f} each)."
    better, worse = ("Shorter", "longer") if a > b else ("Longer", "shorter")
    hi, lo = max(a, b), min(a, b)
    return (
        f"{better} posts drew more: {hi:.1f} responses each, against {lo:.1f} for {worse} ones "
        f"(the split is at {cut} words)."
    )


_SELECT = """SELECT r.*, p.entry_id, t.name AS target, t.kind AS target_kind
             FROM responses r JOIN publications p ON p.id = r.publication_id
             JOIN publish_targets t ON t.id = p.target_id"""


def _stored(row: sqlite3.Row) -> StoredResponse:
    return StoredResponse(
        id=row["id"],
        entry_id=row["entry_id"],
        target=row["target"],
        target_kind=row["target_kind"],
        kind=row["kind"],
        remote_id=row["remote_id"],
        author=row["author"],
        text=row["text"],
        url=row["url"],
        at=row["at"],
        status=row["status"],
        seen=bool(row["seen"]),
        first_seen=row["first_seen"],
    )


def response_key(response_id: int) -> str:
    return f"response:{response_id}"


class Responses:
    """Hearing back: refresh, list and count the responses to publications (`ws.responses`)."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        publishing: Publishing,
        settings: Settings | None = None,
        journal: Journal | None = None,
        on_change: Callable[[Change], None] | None = None,
    ) -> None:
        self._journal = journal
        self._store = store
        self._clock = clock
        self._publishing = publishing
        self._settings = settings
        self._on_change = on_change or (lambda change: None)

    @property
    def schedule(self) -> Schedule:
        return Schedule.from_settings(self._settings)

    # ---- reading -------------------------------------------------------------------

    def list(
        self,
        entry_id: int | None = None,
        *,
        limit: int | None = None,
        kinds: tuple[str, ...] = (),
        entry_ids: tuple[int, ...] | None = None,
    ) -> list[StoredResponse]:
        """Responses, newest first (of one post, of several, or of all)."""
        ids = (entry_id,) if entry_id is not None else entry_ids
        where, args = [], []
        if ids is not None:
            where.append(f"p.entry_id IN ({','.join('?' * len(ids)) or 'NULL'})")
            args += list(ids)
        if kinds:
            where.append(f"r.kind IN ({','.join('?' * len(kinds))})")
            args += list(kinds)
        sql = f"{_SELECT} {'WHERE ' + ' AND '.join(where) if where else ''}"
        sql += " ORDER BY r.at DESC, r.id DESC" + (" LIMIT ?" if limit else "")
        return [_stored(r) for r in self._store.query(sql, (*args, *([limit] if limit else [])))]

    def get(self, response_id: int) -> StoredResponse:
        row = self._store.one(f"{_SELECT} WHERE r.id = ?", (response_id,))
        if row is None:
            raise NotFound(
                f"There is no response {response_id}. See 'pkm responses list --json' for ids."
            )
        return _stored(row)

    def clip(self, response_id: int, *, entry_id: int | None = None) -> tuple[Entry, Change]:
        """Quote a reply into today's entry (or `entry_id`) with its source, like a feed
        item: a response is the start of the next reflection."""
        from pkm.core.journal import ClipSource

        if self._journal is None:
            raise RuntimeError("Responses.clip needs the journal")
        r = self.get(response_id)
        if not r.text.strip():
            raise BadInput(
                f"That {r.kind} has no words to clip; only comments and replies can be clipped."
            )
        try:
            post = self._journal.get(r.entry_id, include_trashed=True).title
        except NotFound:
            post = ""
        what = {"comment": "Comment", "reply": "Reply"}.get(r.kind, r.kind.title())
        source = ClipSource(
            title=f"{what} on “{post}”" if post else what,
            url=r.url,
            feed=r.target,
            author=r.author,
            published=r.at,
        )
        return self._journal.add_clip(source, r.text.strip(), entry_id=entry_id)

    def counts(self, entry_id: int) -> dict[str, dict[str, int]]:
        """target -> kind -> how many, for one post."""
        out: dict[str, dict[str, int]] = {}
        for r in self._store.query(
            """SELECT t.name AS target, r.kind, COUNT(*) AS n FROM responses r
               JOIN publications p ON p.id = r.publication_id
               JOIN publish_targets t ON t.id = p.target_id
               WHERE p.entry_id = ? GROUP BY t.name, r.kind""",
            (entry_id,),
        ):
            out.setdefault(r["target"], {})[r["kind"]] = int(r["n"])
        return out

    def resonance(self, limit: int = 24) -> list[Resonance]:
        """The newest published posts (by first publish) with their responses per target and
        kind, for "What resonated" (posts without any response count too: they are data)."""
        rows = self._store.query(
            """SELECT p.entry_id, MIN(p.created) AS first, COALESCE(e.title, '') AS title,
                      COALESCE(e.body, '') AS body
               FROM publications p LEFT JOIN entries e ON e.id = p.entry_id
               WHERE p.state = 'published' GROUP BY p.entry_id ORDER BY first DESC LIMIT ?""",
            (limit,),
        )
        out = []
        for r in rows:
            by_target: dict[str, int] = {}
            by_kind: dict[str, int] = {}
            for c in self._store.query(
                """SELECT t.name AS target, x.kind, COUNT(*) AS n FROM responses x
                   JOIN publications p ON p.id = x.publication_id
                   JOIN publish_targets t ON t.id = p.target_id
                   WHERE p.entry_id = ? GROUP BY t.name, x.kind""",
                (r["entry_id"],),
            ):
                by_target[c["target"]] = by_target.get(c["target"], 0) + int(c["n"])
                by_kind[c["kind"]] = by_kind.get(c["kind"], 0) + int(c["n"])
            words = len(r["body"].split())
            out.append(Resonance(r["entry_id"], r["title"], r["first"] or "", words,
                                 by_target, by_kind))  # fmt: skip
        return out

    def unseen(self) -> int:
        """How many arrived since the user last looked (the count on Share in the sidebar)."""
        return unseen_count(self._store)

    def mark_seen(self, entry_id: int | None = None) -> int:
        def write(conn: sqlite3.Connection) -> int:
            if entry_id is None:
                return conn.execute("UPDATE responses SET seen = 1 WHERE seen = 0").rowcount
            return conn.execute(
                """UPDATE responses SET seen = 1 WHERE seen = 0 AND publication_id IN
                   (SELECT id FROM publications WHERE entry_id = ?)""",
                (entry_id,),
            ).rowcount

        return int(self._store.write(write))

    def unreadable(self, entry_id: int | None = None) -> dict[str, str]:
        """target -> why its responses cannot be read, for the publications of a post (or
        every target): shown in words where a zero would mislead."""
        out: dict[str, str] = {}
        if entry_id is None:
            configs = self._publishing.targets.list()
        else:
            names = {p.target for p in self._publishing.log.list(entry_id)}
            configs = [t for t in self._publishing.targets.list() if t.name in names]
        for config in configs:
            note = adapter_class(config.kind)(config, None).responses_unreadable()
            if note:
                out[config.name] = note
        return out

    def last_checks(self, entry_id: int) -> dict[str, dict[str, Any]]:
        """target -> {checked_at, next_at, error} for one post's publications."""
        rows = self._store.query(
            """SELECT t.name AS target, c.checked_at, c.next_at, c.error FROM response_checks c
               JOIN publications p ON p.id = c.publication_id
               JOIN publish_targets t ON t.id = p.target_id WHERE p.entry_id = ?""",
            (entry_id,),
        )
        return {r["target"]: dict(r) for r in rows}

    # ---- refreshing ------------------------------------------------------------------

    def refresh(
        self,
        entry_id: int | None = None,
        *,
        due_only: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> list[CheckResult]:
        """Read the responses of published posts (one post, or all); one result per
        publication. `due_only` is the schedule's call; without it, the user asked now."""
        say = progress or (lambda message: None)
        now = self._clock()
        pubs = [p for p in self._publishing.log.list(entry_id) if p.state == "published"]
        checks = self._checks([p.id for p in pubs])
        by_target: dict[str, list[Publication]] = {}
        for p in pubs:
            by_target.setdefault(p.target, []).append(p)
        results: list[CheckResult] = []
        for name, group in by_target.items():
            try:
                results += self._refresh_target(
                    name, group, checks, now, due_only=due_only, whole=entry_id is not None, say=say
                )
            except PkmError as exc:  # the target itself (removed meanwhile, secret locked)
                results += [CheckResult(name, p.entry_id, error=str(exc)) for p in group]
        return results

    def _refresh_target(
        self,
        name: str,
        pubs: list[Publication],
        checks: dict[int, sqlite3.Row],
        now: dt.datetime,
        *,
        due_only: bool,
        whole: bool,
        say: Callable[[str], None],
    ) -> list[CheckResult]:
        config = self._publishing.targets.get(name)
        note = adapter_class(config.kind)(config, None).responses_unreadable()
        if note:
            return [CheckResult(name, p.entry_id, skipped=note, readable=False) for p in pubs]
        todo: list[Publication] = []
        results: list[CheckResult] = []
        for p in (p for p in pubs if p.remote_id):
            check = checks.get(p.id)
            next_at = parse_iso(check["next_at"]) if check and check["next_at"] else None
            interval = self._interval(p, now)
            if check and check["failures"] and next_at and next_at > now:
                results.append(
                    CheckResult(name, p.entry_id, skipped=f"waiting until {_clock_time(next_at)}: "
                                "the server asked pkm to slow down or was failing")
                )  # fmt: skip
            elif due_only and (interval is None or (next_at is not None and next_at > now)):
                continue  # not due yet, or older than the schedule reads (on demand only)
            elif not whole and interval is None:
                continue  # "refresh all" leaves posts older than stop_days alone
            else:
                todo.append(p)
        if not todo:
            return results
        with self._publishing.reading(config) as (adapter, secrets):
            for i, p in enumerate(todo):
                say(f"Reading responses from {name}…")
                try:
                    found = adapter.responses(p.remote)
                except PkmError as exc:
                    _scrub(exc, secrets, name)
                    message = str(exc)
                    log.warning("reading responses from %s failed: %s", name, message)
                    self._failed(p, exc, now, checks.get(p.id))
                    results.append(CheckResult(name, p.entry_id, error=message))
                    for rest in todo[i + 1 :]:
                        results.append(
                            CheckResult(name, rest.entry_id, skipped="not asked: " + message)
                        )
                    break
                new, total = self._store_found(p, found, now)
                results.append(CheckResult(name, p.entry_id, new=new, total=total))
        return results

    def _interval(self, p: Publication, now: dt.datetime) -> dt.timedelta | None:
        try:
            first = parse_iso(p.created or p.published_at or "")
        except ValueError:
            first = now
        return self.schedule.interval(now - first)

    def _checks(self, pub_ids: Iterable[int]) -> dict[int, sqlite3.Row]:
        out: dict[int, sqlite3.Row] = {}
        for marks, part in in_chunks(list(pub_ids)):
            for r in self._store.query(
                f"SELECT * FROM response_checks WHERE publication_id IN {marks}", part
            ):
                out[r["publication_id"]] = r
        return out

    def _failed(
        self, p: Publication, exc: PkmError, now: dt.datetime, check: sqlite3.Row | None
    ) -> None:
        failures = (int(check["failures"]) if check else 0) + 1
        wait: dt.timedelta | None
        if isinstance(exc, RateLimited):
            wait = max(dt.timedelta(seconds=exc.retry_after or 0), RETRY_AFTER_MIN)
            if exc.retry_after is None:
                wait = min(BACKOFF_FIRST * 2 ** (failures - 1), BACKOFF_MAX)
        elif isinstance(exc, TargetUnreachable) or (
            isinstance(exc, PublishError) and (exc.status or 0) >= 500
        ):
            wait = min(BACKOFF_FIRST * 2 ** (failures - 1), BACKOFF_MAX)
        else:  # refused (credentials, post gone): no point asking sooner than usual
            wait = self._interval(p, now)
            failures = 0
        next_at = iso(now + wait) if wait is not None else None
        message = str(exc)

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                """INSERT INTO response_checks(publication_id, checked_at, next_at, failures, error)
                   VALUES (?, ?, ?, ?, ?) ON CONFLICT(publication_id) DO UPDATE SET
                   checked_at = excluded.checked_at, next_at = excluded.next_at,
                   failures = excluded.failures, error = excluded.error""",
                (p.id, iso(now), next_at, failures, message[:500]),
            )

        self._store.write(write)

    def _store_found(
        self, p: Publication, found: list[Response], now: dt.datetime
    ) -> tuple[int, int]:
        """Upsert what a target answered; returns (new, total) for this publication."""
        stamp = iso(now)
        wait = self._interval(p, now)
        next_at = iso(now + wait) if wait is not None else None
        seen_ids: set[tuple[str, str]] = set()
        rows = []
        for r in found:
            if r.kind not in RESPONSE_KINDS or not r.remote_id:
                continue
            if (r.kind, r.remote_id) in seen_ids:  # an API that lists one twice
                continue
            seen_ids.add((r.kind, r.remote_id))
            rows.append(r)

        def write(conn: sqlite3.Connection) -> tuple[int, int, list[int]]:
            new, touched = 0, []
            for r in rows:
                old = conn.execute(
                    "SELECT id, text, author FROM responses "
                    "WHERE publication_id = ? AND kind = ? AND remote_id = ?",
                    (p.id, r.kind, r.remote_id),
                ).fetchone()
                if old is None:
                    cur = conn.execute(
                        """INSERT INTO responses(publication_id, kind, remote_id, author, text,
                               url, at, status, first_seen, updated)
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        (p.id, r.kind, r.remote_id, r.author, r.text, r.url, r.at or stamp,
                         r.status, stamp, stamp),
                    )  # fmt: skip
                    new += 1
                    if r.kind in TEXT_KINDS:
                        touched.append(int(cur.lastrowid or 0))
                else:
                    conn.execute(
                        """UPDATE responses SET author = ?, text = ?, url = ?, status = ?,
                               at = CASE WHEN ? != '' THEN ? ELSE at END, updated = ?
                           WHERE id = ?""",
                        (r.author, r.text, r.url, r.status, r.at, r.at, stamp, old["id"]),
                    )
                    if r.kind in TEXT_KINDS and (old["text"], old["author"]) != (r.text, r.author):
                        touched.append(int(old["id"]))
            conn.execute(
                """INSERT INTO response_checks(publication_id, checked_at, next_at, failures, error)
                   VALUES (?, ?, ?, 0, '') ON CONFLICT(publication_id) DO UPDATE SET
                   checked_at = excluded.checked_at, next_at = excluded.next_at,
                   failures = 0, error = ''""",
                (p.id, stamp, next_at),
            )
            queue_index(conn, [response_key(i) for i in touched])
            total = conn.execute(
                "SELECT COUNT(*) FROM responses WHERE publication_id = ?", (p.id,)
            ).fetchone()[0]
            return new, int(total), touched

        new, total, touched = self._store.write(write)
        if touched:
            self._on_change(Change())
        return new, total


def _clock_time(when: dt.datetime | None) -> str:
    if when is None:
        return "later"
    local = when.astimezone()
    today = dt.datetime.now().astimezone().date()
    return local.strftime("%H:%M" if local.date() == today else "%Y-%m-%d %H:%M")
