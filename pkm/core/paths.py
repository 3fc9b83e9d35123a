"""Where pkm keeps its data.

One folder holds everything (database, search index, settings, logs), so a
backup is a copy of one folder. The folder is private to the user (0700)
because a journal is private.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from pkm.core.errors import StorageError

ENV_HOME = "PKM_HOME"
APP_NAME = "pkm"


def default_home() -> Path:
    """The platform's per-user data folder (e.g. ~/.local/share/pkm on Linux)."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--home` wins over `PKM_HOME`, which wins over the platform default."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser().resolve()
    return default_home()


def ensure_home(home: Path) -> Path:
    """Create the data folder (0700) if needed and check we can write to it."""
    try:
        if not home.exists():
            home.mkdir(parents=True, mode=0o700)
            os.chmod(home, 0o700)  # mkdir's mode is masked by umask
        elif not home.is_dir():
            raise StorageError(
                f"The data folder {home} is a file, not a folder. "
                "Choose another folder with --home DIR or PKM_HOME."
            )
    except PermissionError as exc:
        raise StorageError(
            f"Cannot create the data folder {home}: permission denied. "
            "Choose a folder you can write to with --home DIR or PKM_HOME."
        ) from exc
    except OSError as exc:
        raise StorageError(
            f"Cannot create the data folder {home}: {exc.strerror or exc}. "
            "Choose another folder with --home DIR or PKM_HOME."
        ) from exc
    if not os.access(home, os.W_OK | os.X_OK):
        raise StorageError(
            f"Cannot write to the data folder {home}: permission denied. "
            "Choose a folder you can write to with --home DIR or PKM_HOME."
        )
    return home
