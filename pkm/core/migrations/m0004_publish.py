"""Publishing: configured targets, and the publish log (one row per entry and target).

Secrets are never stored here: a target row holds only what can be shown on
screen (name, kind, public URL, user name, options). The log row is written
*before* anything is sent (state 'pending', with the idempotency key), so a
crash or a timeout leaves a trace that stops a retry from posting twice.
There is no foreign key to entries: emptying the trash must not be blocked by
the log, and the log outlives the entry because the remote post does too.
"""

import sqlite3

VERSION = 4

STATEMENTS = [
    """CREATE TABLE publish_targets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        kind TEXT NOT NULL,
        url TEXT NOT NULL DEFAULT '',
        username TEXT NOT NULL DEFAULT '',
        options TEXT NOT NULL DEFAULT '{}',  -- JSON object of strings; never secrets
        cache TEXT NOT NULL DEFAULT '{}',    -- JSON: discovered endpoints, limits
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    )""",
    """CREATE TABLE publications (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL,
        target_id INTEGER NOT NULL REFERENCES publish_targets(id) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('pending', 'published', 'failed')),
        status TEXT NOT NULL DEFAULT '',      -- as the remote side says: draft, publish, sent
        remote_id TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '',
        idempotency_key TEXT NOT NULL,
        content_hash TEXT NOT NULL DEFAULT '', -- sha256 of what was last sent
        error TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        published_at TEXT,
        UNIQUE (entry_id, target_id)
    )""",
    "CREATE INDEX publications_entry ON publications(entry_id)",
    """CREATE TABLE publish_events (
        id INTEGER PRIMARY KEY,
        publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        action TEXT NOT NULL,   -- created, updated, sent-again, failed, uncertain
        content_hash TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX publish_events_pub ON publish_events(publication_id, at)",
]


def apply(conn: sqlite3.Connection) -> None:
    for sql in STATEMENTS:
        conn.execute(sql)
