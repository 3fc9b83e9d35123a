"""Sense: the daily journal, notes and clips."""

from pkm.core.journal.derived import entry_key
from pkm.core.journal.entries import derive_title
from pkm.core.journal.journal import Journal
from pkm.core.journal.model import Clip, ClipSource, Entry, Revision, Streaks

__all__ = [
    "Clip",
    "ClipSource",
    "Entry",
    "Journal",
    "Revision",
    "Streaks",
    "derive_title",
    "entry_key",
]
