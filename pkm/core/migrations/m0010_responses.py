"""Hearing back (issue 13): responses to publications, and when each was last checked.

A response belongs to one publication (one post on one target) and is keyed
by the target's own id for it, so refreshing upserts and never duplicates.
Removing a target removes its publications and, through the cascade, what
was heard back from them. `response_checks` is the schedule: when the
publication was last read, when it is due again, the backoff after a
failure (429 with Retry-After, 5xx) and the last error in plain words.
"""

import sqlite3

VERSION = 10

STATEMENTS = [
    """CREATE TABLE responses (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('comment', 'reply', 'like', 'boost', 'reaction')),
        remote_id TEXT NOT NULL,
        author TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL,                    -- when it was made (or first seen), ISO UTC
        status TEXT NOT NULL DEFAULT '',     -- 'pending': awaiting the author's approval
        first_seen TEXT NOT NULL,
        updated TEXT NOT NULL,
        seen INTEGER NOT NULL DEFAULT 0,     -- the user has looked at it (the sidebar count)
        UNIQUE (publication_id, kind, remote_id)
    )""",
    "CREATE INDEX responses_at ON responses(at)",
    "CREATE INDEX responses_unseen ON responses(seen) WHERE seen = 0",
    """CREATE TABLE response_checks (
        publication_id INTEGER PRIMARY KEY REFERENCES publications(id) ON DELETE CASCADE,
        checked_at TEXT,
        next_at TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        error TEXT NOT NULL DEFAULT ''
    )""",
]


def apply(conn: sqlite3.Connection) -> None:
    for sql in STATEMENTS:
        conn.execute(sql)
