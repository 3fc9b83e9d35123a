"""Every test gets its own data folder; no test touches the real home."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class FakeClock:
    """A settable clock: streaks, 'today' and revision throttling depend on time."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += dt.timedelta(**kwargs)

    def set_day(self, day: str, hour: int = 12) -> None:
        d = dt.date.fromisoformat(day)
        local = dt.datetime(d.year, d.month, d.day, hour).astimezone()
        self.now = local.astimezone(dt.UTC)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "user-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("PKM_HOME", str(tmp_path / "pkm-home"))
    return home


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cli_home(tmp_path: Path) -> str:
    return str(tmp_path / "cli-home")


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, cli_home: str):
    """cli(*args, stdin=None) -> Result: the real `pkm --home <a temp folder> …`, in-process."""
    from tests.cli_helpers import run_cli

    def run(*args: str, stdin: str | None = None):
        return run_cli(monkeypatch, capsys, "--home", cli_home, *args, stdin=stdin)

    return run


@pytest.fixture
def ws(tmp_path: Path, clock: FakeClock):
    from pkm.core.workspace import Workspace

    w = Workspace(tmp_path / "ws", clock=clock)
    yield w
    w.close()


@pytest.fixture(autouse=True)
def memory_keyring():
    """A real keyring backend kept in memory, so tests never touch the user's keyring."""
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.errors import PasswordDeleteError

    store: dict[tuple[str, str], str] = {}

    class _Backend(KeyringBackend):
        priority = 1

        def get_password(self, service, username):
            return store.get((service, username))

        def set_password(self, service, username, password):
            store[(service, username)] = password

        def delete_password(self, service, username):
            if store.pop((service, username), None) is None:
                raise PasswordDeleteError(username)

    previous = keyring.get_keyring()
    backend = _Backend()
    keyring.set_keyring(backend)
    yield store
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def ghost(tmp_path_factory):
    """A real Ghost 6 on 127.0.0.1, one per session (tests/publish/ghost_server.py)."""
    from tests.publish.ghost_server import start_ghost

    yield from start_ghost(tmp_path_factory.mktemp("ghost"))
