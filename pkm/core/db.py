"""The SQLite store: one connection per workspace, WAL, ordered migrations.

SQLite is the source of truth for everything the user wrote or subscribed
to; the search index is derived from it. Writes go through `transaction()`
(BEGIN IMMEDIATE ... COMMIT) so a crash at any moment leaves either the old
or the new state, never half of one.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from pkm.core.errors import StorageError
from pkm.core.migrations import MIGRATIONS, latest_version

DB_NAME = "pkm.db"


class Store:
    """Owns the connection. Reads may come from any thread; writes are serialized.

    The GUI runs all writes on one worker thread (DESIGN.md); the lock here
    additionally keeps CLI scripts and tests safe if they share a Store.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            conn = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=10.0
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")  # a journal must survive power loss
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=10000")
        except sqlite3.DatabaseError as exc:
            raise StorageError(
                f"Cannot open the database {path}: {exc}. "
                "If the file is damaged, restore it from a backup of the data folder."
            ) from exc
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._write_lock = threading.RLock()
        self._depth = 0
        migrate(self)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write. Nested calls join the outer transaction."""
        with self._write_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")
            finally:
                self._depth = 0

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: tuple | dict = ()):
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def schema_version(self) -> int:
        return int(self.scalar("PRAGMA user_version"))

    def integrity_ok(self) -> bool:
        return self.scalar("PRAGMA integrity_check") == "ok"

    def close(self) -> None:
        try:
            self.conn.execute("PRAGMA optimize")
        finally:
            self.conn.close()


def migrate(store: Store) -> int:
    """Apply pending migrations in order, each in its own transaction.

    A database written by a newer pkm is refused rather than touched: an older
    program could silently drop what it does not understand.
    """
    current = store.schema_version()
    newest = latest_version()
    if current > newest:
        raise StorageError(
            f"This data folder ({store.path.parent}) was written by a newer pkm "
            f"(database version {current}; this pkm knows up to {newest}). "
            "Update pkm, or open another folder with --home DIR."
        )
    for version, _name, apply in MIGRATIONS:
        if version <= current:
            continue
        with store.transaction() as conn:
            apply(conn)
            conn.execute(f"PRAGMA user_version={int(version)}")
        current = version
    return current
