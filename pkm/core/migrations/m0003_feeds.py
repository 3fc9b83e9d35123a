"""Tables for feeds (filled in by the feeds work; reserved so migration numbers stay stable)."""

import sqlite3

VERSION = 3


def apply(conn: sqlite3.Connection) -> None:
    pass
