"""Tables for publish (filled in by the publish work; reserved so migration numbers stay stable)."""

import sqlite3

VERSION = 4


def apply(conn: sqlite3.Connection) -> None:
    pass
