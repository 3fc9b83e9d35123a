"""Saved searches: a query with a name, shown with its count beside the journal."""

import sqlite3

VERSION = 8

STATEMENTS = [
    """CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        query TEXT NOT NULL,
        created TEXT NOT NULL
    )""",
]


def apply(conn: sqlite3.Connection) -> None:
    for sql in STATEMENTS:
        conn.execute(sql)
