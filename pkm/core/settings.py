"""User settings: a small JSON file, written atomically.

Settings are preferences (window layout, theme, remote images), not data;
they live beside the database so one folder is one workspace.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any


def _process_umask() -> int:
    """The umask, read without changing it where Linux allows (os.umask sets it, process-wide)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_SHARED_MODE = 0o666 & ~_process_umask()


def atomic_write_bytes(path: Path, data: bytes, *, shared: bool = False) -> None:
    """Write via a temp file + fsync + rename so a crash leaves old or new, never half.

    The temp file is private (0600), which suits settings and secrets. ``shared`` files
    (exports, published files, OPML) are meant for other people and programs, such as a web
    server reading a site's folder, so they get the permissions a plain save would give.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if shared:
                os.fchmod(fh.fileno(), _SHARED_MODE)
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class Settings:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._data: dict[str, Any] = self._read()

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            # A damaged settings file must not stop the app: keep it aside, start clean.
            with contextlib.suppress(OSError):
                self.path.replace(self.path.with_suffix(".damaged.json"))
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            payload = json.dumps(self._data, indent=2, sort_keys=True).encode("utf-8")
            atomic_write_bytes(self.path, payload)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._data)
