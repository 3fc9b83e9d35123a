"""pkm: Seek > Sense > Share, a personal knowledge desktop app."""

__version__ = "0.1.0"
