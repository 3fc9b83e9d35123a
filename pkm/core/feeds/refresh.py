"""Refreshing feeds: fetch and parse in a bounded pool, store in the calling thread.

Network and parsing run in the pool's threads and touch no database; the
calling thread stores outcomes as they arrive, in short transactions of at
most a few feeds, so writes stay serialized and a slow feed never holds a
lock. A feed that fails records its error on its own row and the others
carry on. (feedparser holds the GIL, so parsing uses one core; measured in
tests/benchmarks/feeds.py, that is well within budget for hundreds of feeds.)
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from pkm.core.clock import iso
from pkm.core.feeds.fetch import Cancelled, Fetcher, FetchError, Response, origin
from pkm.core.feeds.items import store_items
from pkm.core.feeds.model import FeedResult, ParsedFeed
from pkm.core.feeds.parse import NotAFeed, parse_feed
from pkm.core.feeds.rules import RuleSet
from pkm.core.feeds.urls import feed_key

log = logging.getLogger("pkm.feeds")

MAX_BACKOFF = dt.timedelta(hours=24)
MAX_BATCH = 25  # feeds stored per transaction: short enough not to block other writers
Progress = Callable[[int, int, FeedResult], None]


@dataclass(frozen=True)
class Job:
    """What a pool thread needs to fetch one feed: a snapshot, no database access."""

    feed_id: int
    url: str
    title: str
    etag: str
    last_modified: str
    interval_min: int
    error_count: int
    auth: tuple[str, str] | None = None


@dataclass
class Outcome:
    job: Job
    response: Response | None = None
    feed: ParsedFeed | None = None
    error: FetchError | NotAFeed | None = None
    cancelled: bool = False


def work(fetcher: Fetcher, job: Job, cancel: Callable[[], bool]) -> Outcome:
    """Fetch and parse one feed (in a pool thread). Never raises."""
    if cancel():
        return Outcome(job, cancelled=True)
    try:
        response = fetcher.get(
            job.url, etag=job.etag, last_modified=job.last_modified, auth=job.auth, cancel=cancel
        )
        if response.status == 304:
            return Outcome(job, response)
        return Outcome(job, response, parse_feed(response.body, response.headers, response.url))
    except Cancelled:
        return Outcome(job, cancelled=True)
    except (FetchError, NotAFeed) as exc:
        return Outcome(job, error=exc)
    except Exception as exc:  # a parser bug on hostile input must not stop the others
        log.exception("reading feed %s failed", job.url)
        return Outcome(
            job,
            error=NotAFeed(
                f"{job.url} could not be read ({type(exc).__name__}). "
                "If it keeps happening, the feed is probably malformed: tell its publisher."
            ),
        )


def run(
    fetcher: Fetcher,
    jobs: list[Job],
    apply: Callable[[list[Outcome]], list[FeedResult]],
    *,
    workers: int,
    progress: Callable[[FeedResult], None],
    cancel: Callable[[], bool],
) -> bool:
    """Run `jobs` in a pool of `workers`, `apply` outcomes here. Returns False if cancelled.

    Outcomes that finished while the previous ones were being stored are
    stored together (at most MAX_BATCH feeds per transaction): one commit
    instead of one per feed, which matters with a durable, fsync'ing journal.
    """
    if not jobs:
        return True
    pending = iter(jobs)
    with ThreadPoolExecutor(
        max_workers=max(1, min(workers, len(jobs))), thread_name_prefix="pkm-feed"
    ) as pool:
        running: set[Future[Outcome]] = set()

        def top_up() -> None:
            # Submit lazily: a cancel then stops at once instead of draining a long queue.
            while len(running) < workers * 2:
                job = next(pending, None)
                if job is None:
                    return
                running.add(pool.submit(work, fetcher, job, cancel))

        top_up()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            running -= done
            outcomes = [o for o in (f.result() for f in done) if not o.cancelled]
            for start in range(0, len(outcomes), MAX_BATCH):
                if cancel():
                    break
                for result in apply(outcomes[start : start + MAX_BATCH]):
                    progress(result)
            if cancel():
                for fut in running:
                    fut.cancel()
                return False
            top_up()
    return True


def apply_outcome(
    conn: sqlite3.Connection, outcome: Outcome, now: dt.datetime, rules: RuleSet
) -> tuple[FeedResult, list[int], list[int]]:
    """Store one feed's outcome, inside the caller's transaction: (result, new, updated ids).

    Inside a savepoint: if storing this feed fails on input nothing upstream caught
    (a bug, hostile data), its writes are undone, the failure is recorded on its own
    row and the other feeds of the transaction and of the run carry on.
    """
    conn.execute("SAVEPOINT feed_outcome")
    try:
        applied = _apply_outcome(conn, outcome, now, rules)
    except Exception as exc:
        conn.execute("ROLLBACK TO feed_outcome")
        conn.execute("RELEASE feed_outcome")
        log.exception("storing feed %s failed", outcome.job.url)
        job = outcome.job
        error = NotAFeed(
            f"{job.url} could not be stored ({type(exc).__name__}). If it keeps happening, "
            "the feed is probably malformed: tell its publisher."
        )
        result = FeedResult(job.feed_id, job.title, job.url, "ok")
        _record_error(conn, job, error, now, result)
        return result, [], []
    conn.execute("RELEASE feed_outcome")
    return applied


def _apply_outcome(
    conn: sqlite3.Connection, outcome: Outcome, now: dt.datetime, rules: RuleSet
) -> tuple[FeedResult, list[int], list[int]]:
    job = outcome.job
    result = FeedResult(job.feed_id, job.title, job.url, "ok")
    stamp = iso(now)
    if conn.execute("SELECT 1 FROM feeds WHERE id = ?", (job.feed_id,)).fetchone() is None:
        result.status, result.error = "error", "The feed was removed during the refresh."
        return result, [], []
    if outcome.error is not None:
        _record_error(conn, job, outcome.error, now, result)
        return result, [], []
    response = outcome.response
    assert response is not None
    # A feed with a password stays at the origin the password was given for (the
    # redirect elsewhere is followed each time, without the password).
    moved = response.permanent_url and response.permanent_url != job.url
    if moved and (job.auth is None or origin(response.permanent_url) == origin(job.url)):
        result.moved_to = _move(conn, job.feed_id, response.permanent_url)
    next_at = iso(now + dt.timedelta(minutes=job.interval_min))
    conn.execute(
        """UPDATE feeds SET status = 'active', last_fetch_at = ?, last_success_at = ?,
               next_fetch_at = ?, backoff_until = NULL, error_count = 0,
               last_error = '', last_error_at = NULL WHERE id = ?""",
        (stamp, stamp, next_at, job.feed_id),
    )
    if response.status == 304:
        result.status = "not_modified"
        return result, [], []
    feed = outcome.feed
    assert feed is not None
    result.title = _update_feed_meta(conn, job, response, feed)
    stored = store_items(conn, job.feed_id, result.title, feed.items, rules, stamp)
    result.new, result.updated = len(stored.new), len(stored.updated)
    return result, stored.new, stored.updated


def _update_feed_meta(
    conn: sqlite3.Connection, job: Job, response: Response, feed: ParsedFeed
) -> str:
    """ETag and Last-Modified exactly as received (or none); the title unless the user set one."""
    conn.execute(
        "UPDATE feeds SET etag = ?, last_modified = ?, site_url = COALESCE(NULLIF(?, ''), site_url), "
        "title = CASE WHEN title_locked = 0 AND ? != '' THEN ? ELSE title END WHERE id = ?",
        (
            response.headers.get("etag", ""), response.headers.get("last-modified", ""),
            feed.site_url, feed.title, feed.title, job.feed_id,
        ),
    )  # fmt: skip
    title = conn.execute("SELECT title, url FROM feeds WHERE id = ?", (job.feed_id,)).fetchone()
    name = title[0] or title[1]
    if name != job.title:
        conn.execute("UPDATE items SET feed_title = ? WHERE feed_id = ?", (name, job.feed_id))
    return name


def _move(conn: sqlite3.Connection, feed_id: int, new_url: str) -> str:
    """A permanent redirect: follow the feed to its new address, unless already followed there."""
    key = feed_key(new_url)
    other = conn.execute(
        "SELECT id FROM feeds WHERE url_key = ? AND id != ?", (key, feed_id)
    ).fetchone()
    if other is not None:
        return ""
    conn.execute("UPDATE feeds SET url = ?, url_key = ? WHERE id = ?", (new_url, key, feed_id))
    return new_url


def _record_error(
    conn: sqlite3.Connection, job: Job, error: Exception, now: dt.datetime, result: FeedResult
) -> None:
    kind = getattr(error, "kind", "parse")
    errors = job.error_count + 1
    interval = dt.timedelta(minutes=job.interval_min)
    backoff_until = None
    if kind == "backoff":
        retry = getattr(error, "retry_after", None)
        if retry is not None:
            backoff_until = iso(now + min(dt.timedelta(seconds=retry), MAX_BACKOFF))
        next_at = now + min(interval * (2 ** min(errors, 10)), MAX_BACKOFF)
    else:
        next_at = now + interval
    status = "gone" if kind == "gone" else "active"
    conn.execute(
        """UPDATE feeds SET status = ?, last_fetch_at = ?, next_fetch_at = ?,
               backoff_until = COALESCE(?, backoff_until), error_count = ?,
               last_error = ?, last_error_at = ? WHERE id = ?""",
        (status, iso(now), iso(next_at), backoff_until, errors, str(error), iso(now), job.feed_id),
    )
    result.status = "gone" if kind == "gone" else "error"
    result.error = str(error)
