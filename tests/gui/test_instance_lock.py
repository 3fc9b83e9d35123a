"""One window per data folder, with a lock the kernel frees when pkm ends (issue 10).

QLockFile (what pkm used before) trusted "a process with that PID exists and has the same
name", and every Python program is named python: a stale pkm.lock whose PID now belonged to
another Python process blocked the window forever.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pkm.gui import instance_lock
from pkm.gui.instance_lock import AlreadyOpen, Holder
from tests.cli_helpers import run_pkm_window
from tests.gui.window_driver import ROOT, WAIT_S, saved_bodies


def _qlockfile_contents(pid: int) -> str:
    """What QLockFile writes: PID, the process's executable name, host name, machine id."""
    from PySide6.QtCore import QSysInfo

    name = Path(os.readlink(f"/proc/{pid}/exe")).name if Path("/proc").is_dir() else "python"
    machine = bytes(QSysInfo.machineUniqueId().data()).decode()
    return f"{pid}\n{name}\n{QSysInfo.machineHostName()}\n{machine}\n"


def _run_pkm(home: Path, **env: str) -> subprocess.CompletedProcess:
    return run_pkm_window(home, timeout=WAIT_S * 2, **env)


@pytest.mark.slow
def test_a_stale_lock_naming_a_live_unrelated_python_does_not_block(tmp_path):
    """The PID in a lock left by a crash now belongs to another Python program."""
    home = tmp_path / "ws"
    home.mkdir()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        (home / "pkm.lock").write_text(_qlockfile_contents(other.pid), encoding="utf-8")
        proc = _run_pkm(home, PKM_EXIT_WHEN_READY="1")
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip().splitlines()[-1] == "pkm-ready"
    finally:
        other.kill()
        other.wait()


@pytest.mark.slow
def test_a_second_pkm_is_refused_naming_the_process_that_has_the_folder(tmp_path, window_process):
    home = tmp_path / "ws"
    first = window_process(home, QT_QPA_PLATFORM="offscreen")
    first.wait_typed()
    proc = _run_pkm(home, PKM_EXIT_WHEN_READY="1")
    assert proc.returncode == 1
    assert "pkm-ready" not in proc.stdout
    line = proc.stderr.strip()
    assert line.startswith(f"pkm: pkm is already open on this data folder ({home}), in process")
    assert f"in process {first.pid}. Switch to the open pkm window" in line
    assert f"if none is open, end process {first.pid} (kill {first.pid})" in line
    first.proc.send_signal(signal.SIGTERM)
    code, err = first.end()
    assert code == 0, err
    assert any("Typed just before the end" in body for body in saved_bodies(home))
    instance_lock.acquire(home).release()


def test_the_lock_is_refused_while_held_and_free_once_released(tmp_path):
    lock = instance_lock.acquire(tmp_path)
    try:
        with pytest.raises(AlreadyOpen) as refused:
            instance_lock.acquire(tmp_path)
        assert refused.value.holder == Holder(os.getpid(), socket.gethostname())
        assert (tmp_path / "pkm.lock").read_text() == f"{os.getpid()}\n{socket.gethostname()}\n"
    finally:
        lock.release()
    assert not (tmp_path / "pkm.lock").exists()
    instance_lock.acquire(tmp_path).release()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_the_kernel_frees_the_lock_of_a_killed_pkm(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from pkm.gui import instance_lock; "
            f"lock = instance_lock.acquire({str(tmp_path)!r}); print('held', flush=True); "
            "time.sleep(600)",
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(AlreadyOpen) as refused:
            instance_lock.acquire(tmp_path)
        assert refused.value.holder.pid == holder.pid
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert (tmp_path / "pkm.lock").exists()  # left behind by the kill...
    instance_lock.acquire(tmp_path).release()  # ...and no obstacle


@pytest.mark.skipif(sys.platform == "win32", reason="an open file cannot be removed there")
def test_a_lock_file_removed_by_its_holder_is_not_taken_for_the_lock(tmp_path):
    """What a starter checks after locking: the holder may have removed that file meanwhile."""
    path = tmp_path / "pkm.lock"
    path.write_text("")
    fd = os.open(path, os.O_RDWR)
    try:
        assert instance_lock._same_file(fd, path)
        path.unlink()  # the holder released it
        assert not instance_lock._same_file(fd, path)
        path.write_text("")  # and the next pkm created a new one
        assert not instance_lock._same_file(fd, path)
    finally:
        os.close(fd)


def test_the_refusal_says_how_to_recover():
    home = Path("/data/notes")
    here = instance_lock.already_open_message(home, Holder(4242, socket.gethostname()))
    assert "in process 4242. Switch to the open pkm window; if none is open, end process 4242" in (
        here
    )
    elsewhere = instance_lock.already_open_message(home, Holder(4242, "laptop"))
    assert "in process 4242 on the computer laptop. Close pkm there first" in elsewhere
    unknown = instance_lock.already_open_message(home, Holder(None, None))
    assert "another process holds /data/notes/pkm.lock" in unknown
