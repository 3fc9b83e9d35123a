"""Posts: the deliberate extract of the journal that is shared.

A post is an entry of kind 'post' (saved, revised, searched and linked like any
entry) with `source_id`, the entry it was drawn from. The source is kept as a
plain id, not a foreign key: trashing or emptying the source must neither
delete the post (it may be live on a blog) nor be blocked by it.

SQLite cannot change a CHECK constraint in place, so the table is rebuilt
with the documented twelve steps (as m0006 did), foreign keys off, ids and
the AUTOINCREMENT sequence kept.
"""

import sqlite3

VERSION = 7
FOREIGN_KEYS_OFF = True

STATEMENTS = [
    """CREATE TABLE entries_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('daily', 'note', 'clip', 'post')),
        day TEXT NOT NULL,
        title TEXT NOT NULL,
        title_key TEXT NOT NULL,
        body TEXT NOT NULL DEFAULT '',
        edited INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        deleted_at TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        source_id INTEGER
    )""",
    """INSERT INTO entries_new(id, kind, day, title, title_key, body, edited, created,
                               updated, deleted_at, version)
       SELECT id, kind, day, title, title_key, body, edited, created, updated, deleted_at,
              version
       FROM entries""",
    # Keep the sequence: ids are never reused (m0006).
    "CREATE TEMP TABLE entries_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'entries'",
    "DROP TABLE entries",
    "ALTER TABLE entries_new RENAME TO entries",
    """CREATE UNIQUE INDEX entries_one_daily ON entries(day)
        WHERE kind = 'daily' AND deleted_at IS NULL""",
    "CREATE INDEX entries_title_key ON entries(title_key)",
    "CREATE INDEX entries_day ON entries(day)",
    "CREATE INDEX entries_updated ON entries(updated)",
    "CREATE INDEX entries_source ON entries(source_id) WHERE source_id IS NOT NULL",
    "DELETE FROM sqlite_sequence WHERE name = 'entries'",
    """INSERT INTO sqlite_sequence(name, seq) SELECT 'entries', MAX(m) FROM (
           SELECT COALESCE(MAX(id), 0) AS m FROM entries
           UNION ALL SELECT COALESCE(MAX(seq), 0) FROM temp.entries_seq)""",
    "DROP TABLE temp.entries_seq",
]


def apply(conn: sqlite3.Connection) -> None:
    for sql in STATEMENTS:
        conn.execute(sql)
