"""Ordered schema migrations, one module per step.

Each module defines `VERSION` (its position, 1, 2, 3...) and `apply(conn)`,
which runs plain SQL inside the transaction the runner opened (so
`executescript`, which commits, must not be used). A module that rebuilds a
table other tables point at sets `FOREIGN_KEYS_OFF = True`. Never edit a
migration that has shipped: add the next one.
"""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Callable

# Listed explicitly so the order is obvious and reviewed, not discovered.
_MODULES = [
    "m0001_journal",
    "m0002_index_queue",
    "m0003_feeds",
    "m0004_publish",
    "m0005_index_stamp",
    "m0006_entry_ids",
    "m0007_posts",
    "m0008_saved_searches",
    "m0009_import_sources",
    "m0010_responses",
    "m0011_vault",
]

#: (version, module name, apply, whether it runs with foreign keys off: see db.migrate)
Migration = tuple[int, str, Callable[[sqlite3.Connection], None], bool]


def _load() -> list[Migration]:
    out: list[Migration] = []
    for i, name in enumerate(_MODULES, start=1):
        mod = importlib.import_module(f"{__name__}.{name}")
        if i != mod.VERSION:
            raise RuntimeError(f"migration {name} has VERSION {mod.VERSION}, expected {i}")
        out.append((i, name, mod.apply, bool(getattr(mod, "FOREIGN_KEYS_OFF", False))))
    return out


MIGRATIONS: list[Migration] = _load()


def latest_version() -> int:
    return MIGRATIONS[-1][0] if MIGRATIONS else 0
