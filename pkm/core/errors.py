"""Errors a user can act on.

Every exception the core raises on purpose is a PkmError whose message is one
plain sentence: what was wrong and what to do. The CLI prints it on one line
and the GUI shows it in the status area; anything else is a bug.
"""

from __future__ import annotations


class PkmError(Exception):
    """Base class: the message is shown to the user as it is."""


class NotFound(PkmError):
    """An id or name that does not exist (or is in the trash)."""


class BadInput(PkmError):
    """A value the user typed or passed that cannot be used."""


class StorageError(PkmError):
    """The data folder or database cannot be used (permissions, newer version, corruption)."""


class QueryError(BadInput):
    """A search query that cannot be parsed."""


class DiskFull(StorageError):
    """The disk is full: nothing was written; what the user typed is still theirs to keep."""


class DatabaseDamaged(StorageError):
    """The database failed its check: it can be read, never written."""


class StaleWrite(StorageError):
    """A write based on a version of the data that is no longer the stored one."""


class IndexBusy(StorageError):
    """Another process is writing the search index right now: try again in a moment."""
