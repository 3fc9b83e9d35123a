"""The SQLite store: one connection per thread, WAL, ordered migrations, checked on open.

SQLite is the source of truth for everything the user wrote or subscribed
to; the search index is derived from it. Writes go through `transaction()`
(BEGIN IMMEDIATE ... COMMIT) so a crash at any moment leaves either the old
or the new state, never half of one.

Why a connection per thread: a connection shared between threads lets a
reader see the writer's *uncommitted* text (a side panel or a publish could
show or send words that are then rolled back). Each thread gets its own
connection, so WAL gives every read a snapshot of committed data only; the
writes themselves are serialized by one lock in this process and by SQLite's
write lock (with a busy timeout) between processes.

Why the check on open: a damaged file that is written to gets worse. The
store runs `PRAGMA quick_check` (bounded in time) when it opens; a database
that fails it can still be read (to export what is there) but every write is
refused with the way out.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from pkm.core.errors import DatabaseDamaged, DiskFull, StorageError
from pkm.core.migrations import MIGRATIONS, latest_version

DB_NAME = "pkm.db"
BUSY_TIMEOUT_MS = 15_000  # another pkm process (the CLI, a second script) may hold the write lock
CHECK_BUDGET_S = 1.5  # quick_check longer than this is left unfinished (logged), never waited on

log = logging.getLogger("pkm.db")
T = TypeVar("T")
V = TypeVar("V")


def describe(exc: sqlite3.Error, path: Path) -> StorageError:
    """The user's sentence for an SQLite failure: what is wrong and what to do.

    A full disk is not damage, so it never advises restoring a backup: the text
    is still on screen (GUI) or nothing was changed (CLI).
    """
    return translate(exc, path) or StorageError(f"The database {path} reported an error: {exc}.")


def translate(exc: sqlite3.Error, path: Path) -> StorageError | None:
    """describe() for the failures a user can act on; None for anything else (a bug)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    folder = path.parent
    if name == "SQLITE_FULL" or "disk is full" in str(exc):
        return DiskFull(
            f"The disk holding {folder} is full, so nothing new could be saved. "
            "Free some space and try again."
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return DatabaseDamaged(damaged_message(path, str(exc)))
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")):
        return StorageError(
            f"pkm cannot write to its database {path} ({exc}). "
            "Check that the data folder is yours and writable, or start pkm with --home FOLDER."
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StorageError(
            f"The database {path} stayed busy for {BUSY_TIMEOUT_MS // 1000} s: another program "
            "is writing to it. Nothing was changed; try again when it has finished."
        )
    if name.startswith("SQLITE_IOERR"):
        return StorageError(
            f"The computer could not read or write {path} ({exc}). "
            "Check the disk (is it removed, or a network drive offline?), then try again."
        )
    return None


def damaged_message(path: Path, detail: str) -> str:
    return (
        f"The database {path} is damaged ({detail[:120]}), so pkm will not write to it. "
        "What it holds can still be read and exported. To recover, close pkm and replace "
        f"{path.name} with the copy from your latest backup of the data folder."
    )


IN_CHUNK = 500  # ids per "IN (...)": SQLite limits the parameters of one statement


def chunks(values: Sequence[V], size: int = IN_CHUNK) -> Iterator[list[V]]:
    """``values`` IN_CHUNK at a time (for ``IN (…)`` queries and chunked writes)."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def marks(n: int) -> str:
    """``?,?,…`` for n parameters."""
    return ",".join("?" * n)


def in_chunks(values: Sequence[V], size: int = IN_CHUNK) -> Iterator[tuple[str, tuple[V, ...]]]:
    """``("(?,?,…)", values)`` for each chunk: one query per chunk instead of one per id::

    for marks, part in in_chunks(ids):
        store.query(f"SELECT … WHERE id IN {marks}", part)
    """
    for part in chunks(values, size):
        yield f"({marks(len(part))})", tuple(part)


class _Held:
    """Kept in a thread's local storage beside its connection: when the thread ends,
    the local storage goes and this closes the connection (network threads come and go;
    their connections must not pile up for as long as the window is open)."""

    def __init__(self, store: Store, conn: sqlite3.Connection) -> None:
        self.store, self.conn = store, conn

    def __del__(self) -> None:
        self.store._forget(self.conn)
        with suppress(sqlite3.Error):
            self.conn.close()


class Store:
    """Owns the connections: one per thread, writes serialized, reads on snapshots."""

    def __init__(self, path: Path, *, check: bool = True) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._write_lock = threading.RLock()
        self._closed = False
        self.damage: str | None = None  # set when the file failed its check: writes refused
        self._runner: Callable[[Callable[[], Any]], Any] | None = None
        conn = self.conn  # the opening thread's connection; errors surface here
        if check:
            self._check(conn)
        if self.damage is None:
            migrate(self)

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over this thread's connection (bulk inserts and upserts)."""
        return sqlite_utils.Database(self.conn)

    # ---- connections ------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._closed:
            raise StorageError(f"The database {self.path} is closed.")
        try:
            conn = sqlite3.connect(
                self.path,
                isolation_level=None,
                check_same_thread=False,  # closed by close() from the owning thread's peer
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")  # a journal must survive power loss
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            err = describe(exc, self.path)
            if isinstance(err, DiskFull):
                raise err from exc
            raise StorageError(
                f"Cannot open the database {self.path}: {exc}. "
                "If the file is damaged, replace it with the copy from a backup of the data "
                "folder; if it is on a removable or network drive, check that it is there."
            ) from exc
        with self._all_lock:
            self._all.append(conn)
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection (made on first use, closed when the thread ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
            self._local.held = _Held(self, conn)
            self._local.depth = 0
        return conn

    def connections(self) -> int:
        """How many connections are open (one per live thread that used the store)."""
        with self._all_lock:
            return len(self._all)

    def _forget(self, conn: sqlite3.Connection) -> None:
        with self._all_lock:
            if conn in self._all:
                self._all.remove(conn)

    def _check(self, conn: sqlite3.Connection) -> None:
        """quick_check within CHECK_BUDGET_S; a failure marks the store read-only."""
        deadline = time.monotonic() + CHECK_BUDGET_S
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            rows = conn.execute("PRAGMA quick_check(5)").fetchall()
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                log.warning("database check left unfinished after %.1f s", CHECK_BUDGET_S)
                return
            raise describe(exc, self.path) from exc
        except sqlite3.DatabaseError as exc:
            self.damage = str(exc)
        else:
            verdict = "; ".join(str(r[0]) for r in rows)
            if verdict != "ok":
                self.damage = verdict
        finally:
            conn.set_progress_handler(None, 0)
        if self.damage:
            log.error("database %s failed its check: %s", self.path, self.damage)

    # ---- writing ------------------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        """True while this thread is inside transaction()."""
        return bool(getattr(self._local, "depth", 0))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write. Nested calls (same thread) join the outer transaction."""
        if self.damage is not None:
            raise DatabaseDamaged(damaged_message(self.path, self.damage))
        conn = self.conn
        with self._write_lock:
            if self._local.depth:
                self._local.depth += 1
                try:
                    yield conn
                finally:
                    self._local.depth -= 1
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise describe(exc, self.path) from exc
            self._local.depth = 1
            try:
                yield conn
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                known = translate(exc, self.path) if isinstance(exc, sqlite3.Error) else None
                if known is not None:
                    raise known from exc
                raise
            else:
                try:
                    conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise describe(exc, self.path) from exc
            finally:
                self._local.depth = 0

    def set_write_runner(self, runner: Callable[[Callable[[], T]], T] | None) -> None:
        """Where write() runs its transactions: the window gives its writer thread's
        runner (blocking the calling thread until done); None runs them in place."""
        self._runner = runner

    def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """``fn(conn)`` in one transaction, on the one writer when the window has one.

        For writes made from network threads (the publish log while a post is sent):
        every write of the process then comes from one thread, in order.
        """

        def run() -> T:
            with self.transaction() as conn:
                return fn(conn)

        runner = self._runner
        return runner(run) if runner is not None else run()

    # ---- reading ------------------------------------------------------------------

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: tuple | dict = ()):
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def data_version(self) -> int:
        """Changes when *another connection* commits (another thread or process)."""
        return int(self.scalar("PRAGMA data_version"))

    def schema_version(self) -> int:
        return int(self.scalar("PRAGMA user_version"))

    def integrity_ok(self) -> bool:
        return self.scalar("PRAGMA integrity_check") == "ok"

    def close(self) -> None:
        """Close every thread's connection. PRAGMA optimize is best effort: it must never
        turn a write that already committed into a reported failure (another process may
        hold the lock at this moment)."""
        if self._closed:
            return
        self._closed = True
        with self._all_lock:
            conns, self._all = self._all, []
        for conn in conns:
            try:
                if conn is getattr(self._local, "conn", None) and self.damage is None:
                    conn.execute("PRAGMA analysis_limit=400")
                    conn.execute("PRAGMA optimize")
            except sqlite3.Error as exc:
                log.info("PRAGMA optimize skipped: %s", exc)
            finally:
                conn.close()


def migrate(store: Store) -> int:
    """Apply pending migrations in order, each in its own transaction.

    A database written by a newer pkm is refused rather than touched: an older
    program could silently drop what it does not understand. A migration that
    rebuilds a table others point at (FOREIGN_KEYS_OFF) runs with foreign keys
    off, because dropping the old table would otherwise cascade into its children;
    the foreign keys are checked before its commit.
    """
    current = store.schema_version()
    newest = latest_version()
    if current > newest:
        raise StorageError(
            f"This data folder ({store.path.parent}) was written by a newer pkm "
            f"(database version {current}; this pkm knows up to {newest}). "
            "Update pkm, or open another folder with --home DIR."
        )
    for version, _name, apply, fk_off in MIGRATIONS:
        if version <= current:
            continue
        conn = store.conn
        if fk_off:
            conn.execute("PRAGMA foreign_keys=OFF")
        try:
            with store.transaction() as conn:
                apply(conn)
                if fk_off and conn.execute("PRAGMA foreign_key_check").fetchall():
                    raise StorageError(
                        f"Upgrading the database {store.path} to version {version} found "
                        "broken references; nothing was changed. Please report this problem."
                    )
                conn.execute(f"PRAGMA user_version={int(version)}")
        finally:
            if fk_off:
                conn.execute("PRAGMA foreign_keys=ON")
        current = version
    return current
