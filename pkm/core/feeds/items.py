"""Items: storing what a refresh fetched, listing, and the read/starred state.

Identity within a feed is the guid (else link, else a hash: see parse.py).
A known guid whose content hash changed is an update: its text is replaced,
its read state is left alone. A new item whose normalized link is already
stored (from this or another feed) is a duplicate: it is kept for its feed's
view, shares read state with the original, and is neither listed twice nor
indexed twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pkm.core.db import Store, chunks, marks
from pkm.core.errors import NotFound
from pkm.core.feeds.model import Item, ParsedItem
from pkm.core.feeds.rules import RuleSet
from pkm.core.feeds.sanitize import excerpt
from pkm.core.feeds.urls import item_key
from pkm.core.indexing import queue_index

LIST_COLUMNS = """i.id, i.feed_id, i.feed_title, i.title, i.url, i.author, i.published,
    i.sort_at, i.read, i.starred, i.dup_of, i.first_seen, i.updated_at,
    substr(i.text, 1, 600) AS head"""


def item_key_of(item_id: int) -> str:
    return f"item:{item_id}"


# ---- reading -----------------------------------------------------------------------


@dataclass(frozen=True)
class ItemFilter:
    """What the reader shows: one feed, one folder, or everything; unread/starred/tag."""

    feed_id: int | None = None
    folder_id: int | None = None
    unread: bool = False
    starred: bool = False
    tag: str | None = None
    since: str | None = None  # ISO UTC: sort_at at or after it (the "Today" view)

    def where(self) -> tuple[str, list]:
        clauses, params = [], []
        if self.feed_id is not None:
            clauses.append("i.feed_id = ?")
            params.append(self.feed_id)
        else:
            # Across feeds an article appears once, however many feeds carry it.
            clauses.append("i.dup_of IS NULL")
            if self.folder_id is not None:
                clauses.append("i.feed_id IN (SELECT id FROM feeds WHERE folder_id = ?)")
                params.append(self.folder_id)
        if self.unread:
            clauses.append("i.read = 0")
        if self.starred:
            clauses.append("i.starred = 1")
        if self.tag:
            clauses.append("i.id IN (SELECT item_id FROM item_tags WHERE tag = ?)")
            params.append(self.tag)
        if self.since:
            clauses.append("i.sort_at >= ?")
            params.append(self.since)
        return " AND ".join(clauses) or "1", params


def list_items(store: Store, flt: ItemFilter, *, limit: int = 50, offset: int = 0) -> list[Item]:
    where, params = flt.where()
    rows = store.query(
        f"SELECT {LIST_COLUMNS} FROM items i WHERE {where} "
        "ORDER BY i.sort_at DESC, i.id DESC LIMIT ? OFFSET ?",
        (*params, int(limit), int(offset)),
    )
    tags = tags_for(store, [r["id"] for r in rows])
    return [_item(r, tags.get(r["id"], ())) for r in rows]


def count_items(store: Store, flt: ItemFilter) -> int:
    where, params = flt.where()
    return int(store.scalar(f"SELECT COUNT(*) FROM items i WHERE {where}", tuple(params)))


def get_item(store: Store, item_id: int) -> Item:
    r = store.one(f"SELECT {LIST_COLUMNS}, i.html, i.text FROM items i WHERE i.id = ?", (item_id,))
    if r is None:
        raise NotFound(
            f"There is no item {item_id} (it may have been purged after it was read). "
            "List items with 'pkm items list'."
        )
    return _item(r, tags_for(store, [item_id]).get(item_id, ()), detail=True)


def tags_for(store: Store, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = {}
    for part in chunks(list(ids)):
        for r in store.query(
            f"SELECT item_id, tag FROM item_tags WHERE item_id IN ({marks(len(part))}) "
            "ORDER BY tag",
            tuple(part),
        ):
            out.setdefault(r["item_id"], []).append(r["tag"])
    return {k: tuple(v) for k, v in out.items()}


def _item(r: sqlite3.Row, tags: tuple[str, ...], *, detail: bool = False) -> Item:
    return Item(
        id=r["id"],
        feed_id=r["feed_id"],
        feed_title=r["feed_title"],
        title=r["title"],
        url=r["url"],
        author=r["author"],
        published=r["published"],
        sort_at=r["sort_at"],
        read=bool(r["read"]),
        starred=bool(r["starred"]),
        tags=tags,
        dup_of=r["dup_of"],
        first_seen=r["first_seen"],
        updated_at=r["updated_at"],
        excerpt=excerpt(r["head"], 200),
        html=r["html"] if detail else None,
        text=r["text"] if detail else None,
    )


def unread_total(store: Store) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM items WHERE read = 0 AND dup_of IS NULL"))


# ---- read / starred state -----------------------------------------------------------


def existing_ids(conn: sqlite3.Connection, ids: Iterable[int]) -> set[int]:
    wanted = sorted(set(ids))
    found: set[int] = set()
    for part in chunks(wanted):
        found |= {
            r[0]
            for r in conn.execute(f"SELECT id FROM items WHERE id IN ({marks(len(part))})", part)
        }
    return found


def duplicate_group(conn: sqlite3.Connection, ids: Iterable[int]) -> set[int]:
    """`ids` with their originals and every duplicate of those: they share read state."""
    ids = sorted(set(ids))
    originals: set[int] = set()
    for part in chunks(ids):
        originals |= {
            r[0]
            for r in conn.execute(
                f"SELECT COALESCE(dup_of, id) FROM items WHERE id IN ({marks(len(part))})", part
            )
        }
    group = set(ids) | originals
    orig = sorted(originals)
    for part in chunks(orig):
        group |= {
            r[0]
            for r in conn.execute(
                f"SELECT id FROM items WHERE dup_of IN ({marks(len(part))})", part
            )
        }
    return group


def set_flag(
    conn: sqlite3.Connection, ids: Iterable[int], column: str, value: bool, now: str
) -> set[int]:
    """Set read or starred on `ids`; returns the ids whose value actually changed."""
    assert column in ("read", "starred")
    ids = sorted(set(ids))
    changed: set[int] = set()
    for part in chunks(ids):
        q = marks(len(part))
        changed |= {
            r[0]
            for r in conn.execute(
                f"SELECT id FROM items WHERE id IN ({q}) AND {column} != ?", (*part, int(value))
            )
        }
        conn.execute(
            f"UPDATE items SET {column} = ?, {column}_at = ? WHERE id IN ({q}) AND {column} != ?",
            (int(value), now if value else None, *part, int(value)),
        )
    return changed


def unread_ids(
    conn: sqlite3.Connection, *, feed_id: int | None, folder_id: int | None
) -> list[int]:
    sql, params = "SELECT id FROM items WHERE read = 0", []
    if feed_id is not None:
        sql += " AND feed_id = ?"
        params.append(feed_id)
    elif folder_id is not None:
        sql += " AND feed_id IN (SELECT id FROM feeds WHERE folder_id = ?)"
        params.append(folder_id)
    return [r[0] for r in conn.execute(sql, params)]


def add_tags(conn: sqlite3.Connection, item_id: int, tags: Iterable[str]) -> bool:
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO item_tags(item_id, tag) VALUES (?, ?)",
        [(item_id, t) for t in tags if t],
    )
    return conn.total_changes != before


# ---- storing a refresh's items --------------------------------------------------------


@dataclass
class Stored:
    new: list[int]
    updated: list[int]


def store_items(
    conn: sqlite3.Connection,
    feed_id: int,
    feed_title: str,
    items: Sequence[ParsedItem],
    rules: RuleSet,
    now: str,
) -> Stored:
    """Insert new items and update changed ones, inside the caller's transaction."""
    known, tombstoned = _known(conn, feed_id, [it.guid for it in items], now)
    out = Stored([], [])
    to_index: list[str] = []
    # Oldest first, so ids grow with time even for items without dates.
    for it in reversed(items):
        row = known.get(it.guid)
        if row is not None:
            if row[1] != it.content_hash:
                _update(conn, row[0], it, now)
                out.updated.append(row[0])
                if row[2] is None:
                    to_index.append(item_key_of(row[0]))
            continue
        if it.guid in tombstoned:
            continue
        item_id, dup = _insert(conn, feed_id, feed_title, it, rules, now)
        out.new.append(item_id)
        if not dup:
            to_index.append(item_key_of(item_id))
    queue_index(conn, to_index)
    return out


def _known(
    conn: sqlite3.Connection, feed_id: int, guids: list[str], now: str
) -> tuple[dict[str, tuple[int, str, int | None]], set[str]]:
    known: dict[str, tuple[int, str, int | None]] = {}
    tomb: set[str] = set()
    for part in chunks(guids):
        q = marks(len(part))
        for r in conn.execute(
            f"SELECT id, guid, content_hash, dup_of FROM items WHERE feed_id = ? AND guid IN ({q})",
            (feed_id, *part),
        ):
            known[r[1]] = (r[0], r[2], r[3])
        found = [
            r[0]
            for r in conn.execute(
                f"SELECT guid FROM item_tombstones WHERE feed_id = ? AND guid IN ({q})",
                (feed_id, *part),
            )
        ]
        if found:
            tomb.update(found)
            conn.execute(
                f"UPDATE item_tombstones SET last_seen = ? WHERE feed_id = ? "
                f"AND guid IN ({marks(len(found))})",
                (now, feed_id, *found),
            )
    return known, tomb


def _sort_at(published: str | None, now: str) -> str:
    """A date in the future (a feed's clock or typo) would pin an item to the top: use now."""
    return published if published and published <= now else now


def _insert(
    conn: sqlite3.Connection, feed_id: int, feed_title: str, it: ParsedItem, rules: RuleSet,
    now: str,
) -> tuple[int, bool]:  # fmt: skip
    key = item_key(it.url)
    original, original_read = None, False
    if key:
        r = conn.execute(
            "SELECT COALESCE(dup_of, id), read FROM items WHERE url_key = ? ORDER BY id LIMIT 1",
            (key,),
        ).fetchone()
        if r is not None:
            original, original_read = r[0], bool(r[1])
    verdict = rules.judge(feed_id, it.title, it.text, it.author) if rules else None
    read = original_read or bool(verdict and verdict.read)
    starred = bool(verdict and verdict.star)
    cur = conn.execute(
        """INSERT INTO items(feed_id, feed_title, guid, url, url_key, title, author, published,
               sort_at, html, text, content_hash, first_seen, read, read_at, starred,
               starred_at, dup_of)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            feed_id, feed_title, it.guid, it.url, key, it.title, it.author, it.published,
            _sort_at(it.published, now), it.html, it.text, it.content_hash, now,
            int(read), now if read else None, int(starred), now if starred else None, original,
        ),
    )  # fmt: skip
    item_id = int(cur.lastrowid)
    if verdict and verdict.tags:
        add_tags(conn, item_id, verdict.tags)
    return item_id, original is not None


def _update(conn: sqlite3.Connection, item_id: int, it: ParsedItem, now: str) -> None:
    conn.execute(
        """UPDATE items SET url = ?, url_key = ?, title = ?, author = ?, published = ?,
               sort_at = CASE WHEN ? IS NULL THEN sort_at ELSE ? END,
               html = ?, text = ?, content_hash = ?, updated_at = ?
           WHERE id = ?""",
        (
            it.url, item_key(it.url), it.title, it.author, it.published, it.published,
            _sort_at(it.published, now), it.html, it.text, it.content_hash, now, item_id,
        ),
    )  # fmt: skip
