"""Rows of feeds and folders, read from SQLite and turned into records.

Writes live with the code that decides them (service, refresh); what is here
is the reading side and the two small helpers every writer needs.
"""

from __future__ import annotations

import sqlite3

from pkm.core.db import Store
from pkm.core.errors import BadInput, NotFound
from pkm.core.feeds.model import Feed, Folder

MAX_FOLDER = 100

FEED_SELECT = """
    SELECT f.*, COALESCE(fo.name, '') AS folder,
           COALESCE(c.unread, 0) AS unread, COALESCE(c.total, 0) AS total
    FROM feeds f
    LEFT JOIN feed_folders fo ON fo.id = f.folder_id
    LEFT JOIN (SELECT feed_id, COUNT(*) AS total, SUM(read = 0) AS unread
               FROM items WHERE feed_id IS NOT NULL GROUP BY feed_id) c ON c.feed_id = f.id
"""


def feed_from_row(r: sqlite3.Row) -> Feed:
    return Feed(
        id=r["id"],
        url=r["url"],
        title=r["title"] or r["url"],
        site_url=r["site_url"],
        folder=r["folder"],
        folder_id=r["folder_id"],
        username=r["username"],
        status=r["status"],
        interval_min=r["interval_min"],
        unread=int(r["unread"] or 0),
        total=int(r["total"] or 0),
        last_fetch_at=r["last_fetch_at"],
        last_success_at=r["last_success_at"],
        next_fetch_at=r["next_fetch_at"],
        backoff_until=r["backoff_until"],
        last_error=r["last_error"],
        last_error_at=r["last_error_at"],
        error_count=r["error_count"],
        created=r["created"],
    )


def list_feeds(store: Store, *, folder_id: int | None = None) -> list[Feed]:
    sql, params = FEED_SELECT, ()
    if folder_id is not None:
        sql += " WHERE f.folder_id = ?"
        params = (folder_id,)
    sql += " ORDER BY COALESCE(fo.name, '') COLLATE NOCASE, f.title COLLATE NOCASE, f.id"
    return [feed_from_row(r) for r in store.query(sql, params)]


def get_feed(store: Store, feed_id: int) -> Feed:
    r = store.one(FEED_SELECT + " WHERE f.id = ?", (feed_id,))
    if r is None:
        raise NotFound(
            f"There is no feed {feed_id}. List your feeds with 'pkm feeds list' to see their ids."
        )
    return feed_from_row(r)


def new_feeds(store: Store, ids: list[int]) -> list[Feed]:
    """Feeds just created (no items yet), read without FEED_SELECT's count of all items:
    that aggregate costs ~150 ms at 10,000 items, and an import adds hundreds of feeds."""
    out: list[Feed] = []
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        out += [
            feed_from_row(r)
            for r in store.query(
                "SELECT f.*, COALESCE(fo.name, '') AS folder, 0 AS unread, 0 AS total "
                "FROM feeds f LEFT JOIN feed_folders fo ON fo.id = f.folder_id "
                f"WHERE f.id IN ({', '.join('?' * len(part))}) ORDER BY f.id",
                tuple(part),
            )
        ]
    return out


def feed_id_by_key(conn: sqlite3.Connection, key: str) -> int | None:
    r = conn.execute("SELECT id FROM feeds WHERE url_key = ?", (key,)).fetchone()
    return None if r is None else int(r[0])


def list_folders(store: Store) -> list[Folder]:
    rows = store.query(
        """SELECT fo.id, fo.name, COALESCE(SUM(i.read = 0), 0) AS unread
           FROM feed_folders fo
           LEFT JOIN feeds f ON f.folder_id = fo.id
           LEFT JOIN items i ON i.feed_id = f.id
           GROUP BY fo.id ORDER BY fo.name COLLATE NOCASE"""
    )
    return [Folder(r["id"], r["name"], int(r["unread"])) for r in rows]


def folder_id(store: Store, name: str) -> int:
    """The id of an existing folder; NotFound otherwise."""
    r = store.one("SELECT id FROM feed_folders WHERE name = ?", (clean_folder(name),))
    if r is None:
        raise NotFound(
            f"There is no folder named '{name}'. See your folders with 'pkm feeds list'."
        )
    return int(r["id"])


def ensure_folder(conn: sqlite3.Connection, name: str | None) -> int | None:
    """The id of folder `name`, created if new; None for no folder."""
    name = clean_folder(name)
    if not name:
        return None
    conn.execute("INSERT INTO feed_folders(name) VALUES (?) ON CONFLICT(name) DO NOTHING", (name,))
    return int(conn.execute("SELECT id FROM feed_folders WHERE name = ?", (name,)).fetchone()[0])


def clean_folder(name: str | None) -> str:
    name = " ".join((name or "").split())
    if len(name) > MAX_FOLDER:
        raise BadInput(f"The folder name is {len(name)} characters; keep it under {MAX_FOLDER}.")
    return name


def drop_empty_folders(conn: sqlite3.Connection) -> None:
    conn.execute(
        "DELETE FROM feed_folders WHERE id NOT IN "
        "(SELECT folder_id FROM feeds WHERE folder_id IS NOT NULL)"
    )
