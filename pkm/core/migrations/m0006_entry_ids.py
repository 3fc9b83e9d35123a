"""Entry ids are never reused, and every entry carries a version for compare-and-set.

Before this, `entries.id` was a plain INTEGER PRIMARY KEY: after the trash was
emptied, SQLite handed the highest freed id to the next new entry, and the
publish log (keyed by entry id, kept on purpose after the entry is gone)
followed it: a new note inherited an old note's post and a second publish
*updated that live post* with the new note's text. AUTOINCREMENT never reuses
an id; its sequence starts past every id any table still mentions, so an id
in the log or in a revision can never come back.

Log rows that already point at a *later* entry with a reused id (the post is
older than the entry) are detached: their entry id becomes minus their own id,
which no entry can have, so publishing that entry creates a new post instead
of overwriting someone else's.

`version` counts saves. A writer that read version N saves "WHERE version = N",
so a window never writes a stale text over a newer one from another process
(pkm.core.journal.entries.save_in).

The table is rebuilt (SQLite cannot add AUTOINCREMENT in place), following
SQLite's documented twelve steps, with foreign keys off so that dropping the
old table does not cascade into tags, links, revisions and clips.
"""

import sqlite3

VERSION = 6
FOREIGN_KEYS_OFF = True

STATEMENTS = [
    """CREATE TABLE entries_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('daily', 'note', 'clip')),
        day TEXT NOT NULL,
        title TEXT NOT NULL,
        title_key TEXT NOT NULL,
        body TEXT NOT NULL DEFAULT '',
        edited INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        deleted_at TEXT,
        version INTEGER NOT NULL DEFAULT 1
    )""",
    """INSERT INTO entries_new(id, kind, day, title, title_key, body, edited, created,
                               updated, deleted_at)
       SELECT id, kind, day, title, title_key, body, edited, created, updated, deleted_at
       FROM entries""",
    # Detach log rows whose post is older than the entry now holding that id.
    """UPDATE publications SET entry_id = -id
       WHERE entry_id > 0 AND created < (
           SELECT e.created FROM entries_new e WHERE e.id = publications.entry_id)""",
    "DROP TABLE entries",
    "ALTER TABLE entries_new RENAME TO entries",
    """CREATE UNIQUE INDEX entries_one_daily ON entries(day)
        WHERE kind = 'daily' AND deleted_at IS NULL""",
    "CREATE INDEX entries_title_key ON entries(title_key)",
    "CREATE INDEX entries_day ON entries(day)",
    "CREATE INDEX entries_updated ON entries(updated)",
    # The sequence starts past every id still mentioned anywhere (the rename carried
    # entries_new's row over; replace it).
    "DELETE FROM sqlite_sequence WHERE name = 'entries'",
    """INSERT INTO sqlite_sequence(name, seq) SELECT 'entries', MAX(m) FROM (
           SELECT COALESCE(MAX(id), 0) AS m FROM entries
           UNION ALL SELECT COALESCE(MAX(entry_id), 0) FROM publications
           UNION ALL SELECT COALESCE(MAX(entry_id), 0) FROM revisions
           UNION ALL SELECT COALESCE(MAX(entry_id), 0) FROM clips)""",
]


def apply(conn: sqlite3.Connection) -> None:
    for sql in STATEMENTS:
        conn.execute(sql)
