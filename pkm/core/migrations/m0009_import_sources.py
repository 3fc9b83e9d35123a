"""Where imported entries came from, so importing the same export again adds nothing.

One row per note of a source (a Day One entry's UUID, an Evernote note's
title and creation time, a vault file's path), pointing at the entry it became.
Several rows may point at one entry: notes of one day merged into that day's
daily entry. `fingerprint` is a hash of what was imported, so a re-import can
say "changed in the source since" instead of silently ignoring it.

Deleting the entry (emptying the trash) deletes its rows too: importing the
export again then brings it back, which is what someone re-importing asks for.
"""

import sqlite3

VERSION = 9

STATEMENTS = [
    """CREATE TABLE import_sources (
        source TEXT NOT NULL,        -- 'dayone', 'enex', 'markdown'
        source_id TEXT NOT NULL,     -- the note's identity in that source
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,   -- sha256 of the imported title, text and tags
        imported_at TEXT NOT NULL,
        PRIMARY KEY (source, source_id)
    )""",
    "CREATE INDEX import_sources_entry ON import_sources(entry_id)",
]


def apply(conn: sqlite3.Connection) -> None:
    for sql in STATEMENTS:
        conn.execute(sql)
