"""The outbox between SQLite and the search index.

A write that changes searchable text queues the document key in the same
transaction; the indexer drains the queue after its own commit. A crash in
between leaves the key queued, so the index catches up on the next start.
"""

import sqlite3

VERSION = 2


def apply(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE index_queue (
            key TEXT PRIMARY KEY,
            seq INTEGER NOT NULL
        )"""
    )
    # queue_index() asks for MAX(seq) on every key: without this, queueing
    # 10,000 feed items took 3.4 s instead of 0.04 s.
    conn.execute("CREATE INDEX index_queue_seq ON index_queue(seq)")
