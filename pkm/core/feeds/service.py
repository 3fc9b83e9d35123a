"""`Feeds`: everything a user can do with feeds, as the GUI and the CLI call it.

Subscriptions and refresh are here; reading state, rules and clipping are in
`reading.py` (mixed in). Every call that changes data returns a Change naming
the feeds and items it touched, and reports it to the workspace, which keeps
the search index in step.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from pkm.core.changes import Change
from pkm.core.clock import Clock, iso
from pkm.core.db import Store, chunks, marks
from pkm.core.errors import BadInput
from pkm.core.feeds import store as rows
from pkm.core.feeds.items import item_key_of, store_items
from pkm.core.feeds.model import Feed, FeedResult, Folder, OpmlReport, RefreshReport, Subscribed
from pkm.core.feeds.reading import Reading
from pkm.core.feeds.retention import delete_items
from pkm.core.feeds.rules import RuleSet, list_rules
from pkm.core.feeds.urls import check_url, feed_key
from pkm.core.indexing import queue_index
from pkm.core.settings import Settings

if TYPE_CHECKING:
    from pkm.core.feeds.fetch import Limits
    from pkm.core.feeds.opml import OpmlEntry
    from pkm.core.feeds.refresh import Outcome
    from pkm.core.journal import Journal
    from pkm.core.secrets import Secrets

MAX_TITLE = 200
DEFAULT_INTERVAL = 60
WORKERS = 20  # concurrent fetches; each feed is one GET, usually each to its own host
IMPORT_CHUNK = 200  # OPML entries per transaction: ~10 ms of writing, then others may write


def password_key(feed_id: int) -> str:
    return f"feed:{feed_id}:password"


class Feeds(Reading):
    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        settings: Settings,
        secrets: Callable[[], Secrets],
        journal: Journal,
        on_change: Callable[[Change], None] | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._settings = settings
        self._secrets = secrets
        self._journal = journal
        self._on_change = on_change or (lambda change: None)
        self.limits: Limits | None = None  # None: the defaults in fetch.Limits
        self.workers = WORKERS

    # ---- feeds and folders ---------------------------------------------------------

    def list(self, *, folder_id: int | None = None) -> list[Feed]:
        return rows.list_feeds(self._store, folder_id=folder_id)

    def get(self, feed_id: int) -> Feed:
        return rows.get_feed(self._store, feed_id)

    def folders(self) -> list[Folder]:
        return rows.list_folders(self._store)

    def folder_id(self, name: str) -> int:
        return rows.folder_id(self._store, name)

    def add(
        self,
        url: str,
        *,
        folder: str | None = None,
        username: str | None = None,
        password: str | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> Subscribed:
        """Subscribe to a feed, or to the feed a page links to; fetches it once now."""
        from pkm.core.feeds.fetch import Fetcher, origin
        from pkm.core.feeds.subscribe import find_feed

        url = check_url(url)
        rows.clean_folder(folder)
        existing = rows.feed_id_by_key(self._store.conn, feed_key(url))
        if existing is not None:
            return Subscribed(self.get(existing), created=False)
        auth = self._new_auth(username, password)
        with Fetcher(self.limits, max_connections=2) as fetcher:
            found = find_feed(fetcher, url, auth=auth, cancel=cancel)
        key = feed_key(found.url)
        existing = rows.feed_id_by_key(self._store.conn, key)
        if existing is not None:
            return Subscribed(self.get(existing), created=False)
        if auth and origin(found.url) != origin(url):
            # The feed lives on another origin than the one the password was given for:
            # it was fetched without the password, and it is not kept for it either.
            auth = None
        now = self._clock()
        stamp = iso(now)
        with self._store.transaction() as conn:
            cur = conn.execute(
                """INSERT INTO feeds(url, url_key, title, site_url, folder_id, username, etag,
                       last_modified, last_fetch_at, last_success_at, next_fetch_at, interval_min,
                       created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    found.url, key, found.feed.title, found.feed.site_url,
                    rows.ensure_folder(conn, folder), auth[0] if auth else "",
                    found.response.headers.get("etag", ""),
                    found.response.headers.get("last-modified", ""), stamp, stamp,
                    iso(now + dt.timedelta(minutes=DEFAULT_INTERVAL)), DEFAULT_INTERVAL, stamp,
                ),
            )  # fmt: skip
            feed_id = int(cur.lastrowid)
            title = found.feed.title or found.url
            stored = store_items(conn, feed_id, title, found.feed.items, self._rules(), stamp)
            if auth:  # last: if the keyring refuses, nothing was subscribed
                self._secrets().set(password_key(feed_id), auth[1])
        change = Change(feeds={feed_id}, items=set(stored.new), created=feed_id)
        self._on_change(change)
        return Subscribed(self.get(feed_id), created=True, change=change)

    def _new_auth(self, username: str | None, password: str | None) -> tuple[str, str] | None:
        if not username:
            return None
        if not password:
            raise BadInput(f"A password is needed for the user name '{username}'.")
        from pkm.core.secrets import NO_KEYRING, SecretsUnavailable

        if not self._secrets().available():
            raise SecretsUnavailable(NO_KEYRING)
        return username, password

    def remove(self, feed_id: int) -> Change:
        """Unsubscribe. Its starred and clipped items stay; the rest go."""
        feed = self.get(feed_id)
        with self._store.transaction() as conn:
            doomed = [
                r[0]
                for r in conn.execute(
                    """SELECT id FROM items WHERE feed_id = ? AND starred = 0 AND NOT EXISTS
                       (SELECT 1 FROM clips c WHERE c.item_id = items.id)""",
                    (feed_id,),
                )
            ]
            promoted = delete_items(conn, doomed)
            conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
            rows.drop_empty_folders(conn)
        if feed.username:
            self._secrets().delete(password_key(feed_id))
        change = Change(feeds={feed_id}, items=set(doomed) | promoted)
        self._on_change(change)
        return change

    def rename(self, feed_id: int, title: str) -> Change:
        """A title of the user's choosing, kept when the feed's own title changes."""
        self.get(feed_id)
        title = " ".join((title or "").split())
        if not title:
            raise BadInput("The new title is empty. Give the feed a name.")
        if len(title) > MAX_TITLE:
            raise BadInput(f"The title is {len(title)} characters; keep it under {MAX_TITLE}.")
        with self._store.transaction() as conn:
            conn.execute(
                "UPDATE feeds SET title = ?, title_locked = 1 WHERE id = ?", (title, feed_id)
            )
            conn.execute("UPDATE items SET feed_title = ? WHERE feed_id = ?", (title, feed_id))
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM items WHERE feed_id = ? AND dup_of IS NULL", (feed_id,)
                )
            ]
            queue_index(conn, [item_key_of(i) for i in ids])  # `source:` is the feed title
        change = Change(feeds={feed_id}, items=set(ids))
        self._on_change(change)
        return change

    def move(self, feed_id: int, folder: str | None) -> Change:
        """Put a feed in a folder (created if new); None or '' takes it out of any folder."""
        self.get(feed_id)
        with self._store.transaction() as conn:
            conn.execute(
                "UPDATE feeds SET folder_id = ? WHERE id = ?",
                (rows.ensure_folder(conn, folder), feed_id),
            )
            rows.drop_empty_folders(conn)
        change = Change(feeds={feed_id})
        self._on_change(change)
        return change

    def rename_folder(self, name: str, new_name: str) -> Change:
        folder = self.folder_id(name)
        new_name = rows.clean_folder(new_name)
        if not new_name:
            raise BadInput("The new folder name is empty.")
        try:
            with self._store.transaction() as conn:
                conn.execute("UPDATE feed_folders SET name = ? WHERE id = ?", (new_name, folder))
        except sqlite3.IntegrityError:
            raise BadInput(
                f"There is already a folder named '{new_name}'. Move the feeds instead."
            ) from None
        return self._folder_change(folder)

    def _folder_change(self, folder: int) -> Change:
        ids = {
            r[0] for r in self._store.query("SELECT id FROM feeds WHERE folder_id = ?", (folder,))
        }
        change = Change(feeds=ids)
        self._on_change(change)
        return change

    def set_interval(self, feed_id: int, minutes: int) -> Change:
        """How often a scheduled refresh polls this feed (at least every 5 minutes, at most daily)."""
        self.get(feed_id)
        if not 5 <= int(minutes) <= 24 * 60:
            raise BadInput("Poll a feed every 5 to 1440 minutes.")
        with self._store.transaction() as conn:
            conn.execute("UPDATE feeds SET interval_min = ? WHERE id = ?", (int(minutes), feed_id))
        change = Change(feeds={feed_id})
        self._on_change(change)
        return change

    # ---- OPML ------------------------------------------------------------------------

    def import_opml(
        self,
        data: bytes,
        *,
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> OpmlReport:
        """Subscribe to every http(s) feed of an OPML file; they are fetched on the next refresh.

        Entries are written IMPORT_CHUNK at a time, one transaction each: every
        chunk lands whole or not at all, and between two chunks other writers
        (an autosave on another connection) get the database. `progress(done,
        total)` follows the entries; `cancel` is looked at between chunks, and
        what was committed before stays (the report says `cancelled`).
        A bad entry (not http(s), an address that cannot be one) is refused and
        reported on its own; the others are imported. The feeds added are read
        back in one query without counting items (new feeds have none).
        """
        from pkm.core.feeds.opml import read_opml

        cancel = cancel or (lambda: False)
        report = OpmlReport()
        now = iso(self._clock())
        entries = read_opml(data)
        total = len(entries)
        for start in range(0, total, IMPORT_CHUNK):
            if cancel():
                report.cancelled = True
                break
            added: list[int] = []
            with self._store.transaction() as conn:
                for entry in entries[start : start + IMPORT_CHUNK]:
                    self._import_entry(conn, entry, now, report, added)
            report.change.feeds.update(added)
            if progress:
                progress(min(start + IMPORT_CHUNK, total), total)
        report.added = rows.new_feeds(self._store, sorted(report.change.feeds))
        self._on_change(report.change)
        return report

    def _import_entry(
        self,
        conn: sqlite3.Connection,
        entry: OpmlEntry,
        now: str,
        report: OpmlReport,
        added: list[int],
    ) -> None:
        try:
            url = check_url(entry.url, what="feed address")
        except BadInput as exc:
            report.refused.append((entry.url or entry.title, str(exc)))
            return
        key = feed_key(url)
        if rows.feed_id_by_key(conn, key) is not None:  # also one added earlier in the file
            report.existing.append(url)
            return
        title = " ".join(entry.title.split())[:MAX_TITLE]
        cur = conn.execute(
            "INSERT INTO feeds(url, url_key, title, folder_id, interval_min, created) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (url, key, title, rows.ensure_folder(conn, entry.folder[:100]), DEFAULT_INTERVAL, now),
        )
        added.append(int(cur.lastrowid))

    def export_opml(self) -> bytes:
        from pkm.core.feeds.opml import write_opml

        return write_opml(self.list(), self._clock())

    # ---- refresh ---------------------------------------------------------------------

    def refresh(
        self,
        feed_ids: list[int] | None = None,
        *,
        due_only: bool = False,
        progress: Callable[[int, int, FeedResult], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> RefreshReport:
        """Fetch feeds concurrently and store what is new. Safe to call from a worker thread.

        All active feeds by default; `due_only` keeps those whose schedule says so;
        `feed_ids` picks feeds (a 'gone' one is retried only when picked). A feed
        whose server asked to wait (Retry-After) is skipped until then, always.
        """
        from pkm.core.feeds.fetch import Fetcher
        from pkm.core.feeds.refresh import apply_outcome, run

        cancel = cancel or (lambda: False)
        report = RefreshReport()
        now = self._clock()
        feeds = self._to_refresh(feed_ids, due_only, now)
        total, done = len(feeds), 0

        def record(result: FeedResult) -> None:
            nonlocal done
            done += 1
            report.results.append(result)
            if progress:
                progress(done, total, result)

        jobs = []
        for r in feeds:
            if r["backoff_until"] and r["backoff_until"] > iso(now):
                record(FeedResult(r["id"], r["title"] or r["url"], r["url"], "skipped", error=(
                    f"waiting until {r['backoff_until'][:16].replace('T', ' ')} UTC, as the "
                    "server asked (Retry-After)."
                )))  # fmt: skip
                continue
            jobs.append(self._job(r))
        rules = RuleSet(list_rules(self._store))

        def apply(outcomes: list[Outcome]) -> list[FeedResult]:
            results = []
            with self._store.transaction() as conn:
                for outcome in outcomes:
                    result, new, updated = apply_outcome(conn, outcome, self._clock(), rules)
                    report.change.feeds.add(result.feed_id)
                    report.change.items.update(new, updated)
                    results.append(result)
            return results

        if jobs:
            with Fetcher(self.limits, max_connections=self.workers) as fetcher:
                finished = run(
                    fetcher, jobs, apply, workers=self.workers, progress=record, cancel=cancel
                )
            report.cancelled = not finished
        if not report.cancelled:
            purged, report.purged = self._purge(None)
            report.change.merge(purged)
        report.results.sort(key=lambda r: (r.title.casefold(), r.feed_id))
        self._on_change(report.change)
        return report

    def _to_refresh(
        self, feed_ids: list[int] | None, due_only: bool, now: dt.datetime
    ) -> list[sqlite3.Row]:
        if feed_ids:
            for feed_id in feed_ids:
                self.get(feed_id)
            ids = sorted(set(feed_ids))
            return [
                r
                for part in chunks(ids)
                for r in self._store.query(
                    f"SELECT * FROM feeds WHERE id IN ({marks(len(part))})", tuple(part)
                )
            ]
        sql = "SELECT * FROM feeds WHERE status = 'active'"
        params: tuple = ()
        if due_only:
            sql += " AND (next_fetch_at IS NULL OR next_fetch_at <= ?)"
            params = (iso(now),)
        return self._store.query(sql + " ORDER BY id", params)

    def _job(self, r: sqlite3.Row):
        from pkm.core.feeds.refresh import Job

        auth = None
        if r["username"]:
            password = self._secrets().get(password_key(r["id"]))
            auth = (r["username"], password) if password is not None else None
        return Job(
            feed_id=r["id"], url=r["url"], title=r["title"] or r["url"], etag=r["etag"],
            last_modified=r["last_modified"], interval_min=r["interval_min"],
            error_count=r["error_count"], auth=auth,
        )  # fmt: skip

    def _rules(self) -> RuleSet:
        return RuleSet(list_rules(self._store))
