"""The vault folder (issue 15): what was last synced for each entry's file.

`vault_files` has one row per entry that has (or had) a file in the vault: its
stable id (`uid`, the file's ``pkm-id``), the file's path inside the vault (NULL
while it has none, e.g. in the trash), the file's bytes hash, mtime and size as
pkm last saw or wrote them (an unchanged mtime and size mean the file need not
be read), the hash of its text (title, kind, day, tags, body), and the entry
version it was in step with. "Changed since the last common version" is decided
against this row, on each side: that is what makes a conflict a conflict.

`entry_id` is a plain id, not a foreign key (like posts' `source_id`): a row of an
entry whose trash was emptied tells the next sync to remove its file.

`vault_meta` holds the folder and the last sync's time and figures: in the
database, not settings.json, so the CLI and an open window agree at once.
"""

import sqlite3

VERSION = 11

STATEMENTS = [
    """CREATE TABLE vault_files (
        uid TEXT PRIMARY KEY,
        entry_id INTEGER NOT NULL UNIQUE,
        path TEXT,
        file_hash TEXT,
        text_hash TEXT,
        version INTEGER NOT NULL DEFAULT 0,
        mtime_ns INTEGER,
        size INTEGER,
        synced_at TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX vault_files_path ON vault_files(path) WHERE path IS NOT NULL",
    "CREATE TABLE vault_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
]


def apply(conn: sqlite3.Connection) -> None:
    for sql in STATEMENTS:
        conn.execute(sql)
