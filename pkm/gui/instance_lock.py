"""One window per data folder: a lock the operating system releases when pkm ends.

Two windows on one data folder would fight over the database and the index, so the window
takes ``FOLDER/pkm.lock`` before it opens anything and refuses to start while another pkm
holds it.

Why not QLockFile (what this replaced): with a stale time of 0 it decides that a lock file is
still held when "a process with that PID exists and has the same name", and the name it
compares is the executable's, which for pkm is ``python3.11`` like every other Python
program. After a crash, once the PID in the file was reused by any Python process, the
window refused to start, forever. Why not the ``filelock`` package: it opens the file with
``O_TRUNC`` before trying the lock, so every refused start would wipe the holder's PID, and
the refusal could no longer say which process to end.

What it is instead: the kernel's own lock on the open file, ``flock`` on POSIX and
``msvcrt.locking`` on Windows. The kernel drops it when the process ends in any way (a
crash, ``kill -9``, a power cut after reboot), so a lock file left behind never blocks
anything: only a live process that holds the file open can. The file's content (the PID and
the computer's name) is only there to tell the user which process that is.

On POSIX the holder removes the file when it releases it; a starter that locked a file that
was removed meanwhile (``st_nlink`` or the inode no longer match the path) tries again, so two
starters can never both win. On Windows an open file cannot be removed, so the file stays and
only its content is cleared. The descriptor is not inherited by child processes (Python's
default), so a program pkm starts never keeps the lock alive.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

LOCK_NAME = "pkm.lock"
# Windows locks a byte range, and other processes cannot read a locked range: lock one byte
# well past the text so the PID stays readable.
_WINDOWS_LOCK_OFFSET = 1 << 20


@dataclass(frozen=True)
class Holder:
    """Who holds the lock, as far as the lock file says (either may be unknown)."""

    pid: int | None
    host: str | None

    @property
    def here(self) -> bool:
        return self.host is None or self.host == socket.gethostname()


class AlreadyOpen(Exception):
    """Another pkm (a live process) holds the data folder's lock."""

    def __init__(self, home: Path, holder: Holder) -> None:
        self.home = Path(home)
        self.holder = holder
        super().__init__(already_open_message(self.home, holder))


class InstanceLock:
    """The data folder's lock, held from :func:`acquire` until :meth:`release`."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Give the lock up (the OS does the same if pkm ends without calling this)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if sys.platform == "win32":
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
                    _windows_unlock(fd)
            else:
                # Removed while still locked, so nobody can lock this file after we let go
                # and believe it is the live one (they see st_nlink == 0 and try again).
                with contextlib.suppress(OSError):
                    os.unlink(self.path)
        finally:
            os.close(fd)

    unlock = release  # the name QLockFile gave it

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def acquire(home: Path) -> InstanceLock:
    """Take ``home``'s lock now (never waits); raises :class:`AlreadyOpen` if a live pkm has it."""
    path = Path(home) / LOCK_NAME
    for _ in range(100):  # only loops when a holder removed the file between open and lock
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
        try:
            if not _try_lock(fd):
                os.close(fd)
                raise AlreadyOpen(home, read_holder(path))
            if not _same_file(fd, path):
                os.close(fd)  # we locked a file its holder removed: it is not the lock any more
                continue
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, f"{os.getpid()}\n{socket.gethostname()}\n".encode())
            return InstanceLock(path, fd)
        except AlreadyOpen:
            raise
        except BaseException:
            with contextlib.suppress(OSError):
                os.close(fd)
            raise
    raise AlreadyOpen(home, read_holder(path))


def read_holder(path: Path) -> Holder:
    """The PID and computer name written in a lock file (None for what is not there)."""
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return Holder(None, None)
    pid = int(lines[0]) if lines and lines[0].strip().isdigit() else None
    host = lines[1].strip() if len(lines) > 1 and lines[1].strip() else None
    return Holder(pid, host)


def already_open_message(home: Path, holder: Holder) -> str:
    """What to do when the data folder is in use, naming the process that holds it."""
    where = f"pkm is already open on this data folder ({home})"
    lock = Path(home) / LOCK_NAME
    if holder.pid is not None and not holder.here:
        return (
            f"{where}, in process {holder.pid} on the computer {holder.host}. Close pkm "
            "there first, or start pkm with another folder: pkm --home FOLDER."
        )
    if holder.pid is not None:
        how = "in Task Manager" if sys.platform == "win32" else f"(kill {holder.pid})"
        return (
            f"{where}, in process {holder.pid}. Switch to the open pkm window; if none is "
            f"open, end process {holder.pid} {how} and start pkm again. Or start pkm with "
            "another folder: pkm --home FOLDER."
        )
    return (
        f"{where}: another process holds {lock}. Switch to the open pkm window; if none is "
        "open, end the other pkm process and start pkm again. Or start pkm with another "
        "folder: pkm --home FOLDER."
    )


# ---- the OS primitives ---------------------------------------------------------------------


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _windows_unlock(fd: int) -> None:
    import msvcrt

    os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
    msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``fd`` is still the file at ``path`` (not one removed after we opened it)."""
    if sys.platform == "win32":
        return True  # an open file cannot be removed there
    st = os.fstat(fd)
    if st.st_nlink == 0:
        return False
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    return (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino)
