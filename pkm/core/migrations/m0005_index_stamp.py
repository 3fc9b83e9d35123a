"""The database's identity, so the search index can tell whether it belongs to it.

``meta`` holds small named values. ``db_id`` is a random UUID chosen once,
here (so an existing database gets one on upgrade, a new or replaced
pkm.db a different one). ``index_mark`` changes every time an index copy
applies the outbox (``index_queue``) or is rebuilt, in the same transaction
that empties the outbox; the index keeps the same two values beside it
(``pkm.core.indexing``), so an index/ folder restored from an older copy, or
a pkm.db swapped under a newer index, is rebuilt instead of believed.
"""

import sqlite3
import uuid

VERSION = 5


def apply(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )"""
    )
    conn.execute("INSERT INTO meta(key, value) VALUES ('db_id', ?)", (str(uuid.uuid4()),))
    conn.execute("INSERT INTO meta(key, value) VALUES ('index_mark', '0')")
