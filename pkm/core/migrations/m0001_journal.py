"""The journal: entries, tags, wiki links, revisions, clips, templates."""

import sqlite3

VERSION = 1

STATEMENTS = [
    """CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('daily', 'note', 'clip')),
        day TEXT NOT NULL,
        title TEXT NOT NULL,
        title_key TEXT NOT NULL,  -- casefolded, spaces collapsed: how links find it
        body TEXT NOT NULL DEFAULT '',
        edited INTEGER NOT NULL DEFAULT 0,  -- 0 while a daily entry is still its template
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        deleted_at TEXT
    )""",
    # One daily entry per day; a trashed one does not block a new one.
    """CREATE UNIQUE INDEX entries_one_daily ON entries(day)
        WHERE kind = 'daily' AND deleted_at IS NULL""",
    "CREATE INDEX entries_title_key ON entries(title_key)",
    "CREATE INDEX entries_day ON entries(day)",
    "CREATE INDEX entries_updated ON entries(updated)",
    """CREATE TABLE entry_tags (
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        explicit INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (entry_id, tag)
    )""",
    "CREATE INDEX entry_tags_tag ON entry_tags(tag)",
    # Links are stored by the normalized title they name and resolved when
    # read, so a link written before its target exists starts working later.
    """CREATE TABLE links (
        src_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        target_key TEXT NOT NULL,
        target_text TEXT NOT NULL,
        PRIMARY KEY (src_id, target_key)
    )""",
    "CREATE INDEX links_target ON links(target_key)",
    """CREATE TABLE revisions (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        saved_at TEXT NOT NULL,  -- when this text was the entry's text
        kept_at TEXT NOT NULL,   -- when the revision was taken (for throttling)
        reason TEXT NOT NULL DEFAULT 'edit'
    )""",
    "CREATE INDEX revisions_entry ON revisions(entry_id, saved_at)",
    """CREATE TABLE clips (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        quote TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '',
        feed TEXT NOT NULL DEFAULT '',
        author TEXT NOT NULL DEFAULT '',
        published TEXT NOT NULL DEFAULT '',
        item_id INTEGER,
        created TEXT NOT NULL
    )""",
    "CREATE INDEX clips_entry ON clips(entry_id)",
    "CREATE INDEX clips_item ON clips(item_id)",
    """CREATE TABLE templates (
        name TEXT PRIMARY KEY,
        body TEXT NOT NULL
    )""",
]


def apply(conn: sqlite3.Connection) -> None:
    for sql in STATEMENTS:
        conn.execute(sql)
