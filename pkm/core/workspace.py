"""A workspace: one data folder with its database, search index and settings.

It is passed around explicitly (never a global), so tests open one on a temp
folder in one line and the GUI and CLI share the same entry point.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from functools import cached_property
from pathlib import Path

from pkm.core.changes import Change
from pkm.core.clock import Clock, system_clock
from pkm.core.db import DB_NAME, Store
from pkm.core.feeds.search_docs import ItemDocs
from pkm.core.indexing import SearchService
from pkm.core.journal import Journal
from pkm.core.journal.search_docs import EntryDocs
from pkm.core.paths import ensure_home, resolve_home
from pkm.core.publish.response_docs import ResponseDocs
from pkm.core.settings import Settings

log = logging.getLogger("pkm")


class Workspace:
    def __init__(self, home: Path, *, clock: Clock | None = None, auto_index: bool = True) -> None:
        self.home = ensure_home(Path(home))
        self.clock: Clock = clock or system_clock
        self.auto_index = auto_index
        self.store = Store(self.home / DB_NAME)
        self.settings = Settings(self.home / "settings.json")
        self.search = SearchService(self.store, self.home / "index")
        self.search.add_source(EntryDocs(self.store))
        self.search.add_source(ItemDocs(self.store))
        self.search.add_source(ResponseDocs(self.store))
        self.journal = Journal(self.store, self.clock, on_change=self._changed)

    @classmethod
    def open(cls, home: str | os.PathLike[str] | None = None, **kwargs) -> Workspace:
        """Open the workspace at --home / PKM_HOME / the platform default."""
        return cls(resolve_home(home), **kwargs)

    @cached_property
    def secrets(self):
        from pkm.core.secrets import Secrets

        return Secrets(self.home)

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    def changed(self, change: Change) -> None:
        """Announce a write made outside the journal facade (an import): index it now."""
        self._changed(change)

    def _changed(self, change: Change) -> None:
        """After a committed write: make it searchable now, if the index exists.

        The write itself is already safe in SQLite; an index failure only
        leaves the document queued for the next sync, so it is logged, not raised.
        """
        if not self.auto_index:
            return
        try:
            self.search.sync(rebuild_if_needed=False)
        except Exception:
            log.exception("search index update failed; the change stays queued")

    def close(self) -> None:
        self.search.close()
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @cached_property
    def saved_searches(self):  # -> SavedSearches
        """Named queries shown with their counts (pkm.core.saved_searches)."""
        from pkm.core.saved_searches import SavedSearches

        return SavedSearches(self.store, self.clock)

    @cached_property
    def vault(self):  # -> Vault
        """The vault folder kept in step with the journal (pkm.core.vault)."""
        from pkm.core.vault.service import Vault

        return Vault(self.store, self.clock, self.home, self._changed)

    @cached_property
    def publishing(self):  # -> Publishing; imported lazily (httpx, adapters)
        """Share: targets, publish, preview, the publish log (pkm.core.publish)."""
        from pkm.core.publish.service import Publishing

        return Publishing(
            self.store,
            self.clock,
            journal=self.journal,
            secrets=lambda: self.secrets,
            media_home=self.home,
        )

    @cached_property
    def responses(self):  # -> Responses; imported lazily like publishing
        """Hearing back: responses to what was published (pkm.core.publish.responses)."""
        from pkm.core.publish.responses import Responses

        return Responses(
            self.store,
            self.clock,
            publishing=self.publishing,
            settings=self.settings,
            journal=self.journal,
            on_change=self._changed,
        )

    @cached_property
    def feeds(self):
        """Seek: subscriptions and reading (imported lazily: CLI start-up time matters)."""
        from pkm.core.feeds.service import Feeds

        return Feeds(
            self.store,
            self.clock,
            settings=self.settings,
            secrets=lambda: self.secrets,
            journal=self.journal,
            on_change=self._changed,
        )


def setup_logging(ws: Workspace) -> logging.Handler:
    """Errors go to <home>/logs/pkm.log (rotated), never secrets: callers log no credentials.

    Returns the handler so the caller can remove it when it closes the workspace.
    """
    ws.logs_dir.mkdir(exist_ok=True, mode=0o700)
    handler = logging.handlers.RotatingFileHandler(
        ws.logs_dir / "pkm.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("pkm")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler


def teardown_logging(handler: logging.Handler) -> None:
    logging.getLogger("pkm").removeHandler(handler)
    handler.close()
