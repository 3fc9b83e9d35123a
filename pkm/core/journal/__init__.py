"""Sense: the daily journal, notes and clips."""

from pkm.core.journal.journal import Journal, derive_title, entry_key
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
