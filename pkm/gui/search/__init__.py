"""Search as you type over notes and reading (Ctrl+K)."""

from pkm.gui.search.box import SearchBox

__all__ = ["SearchBox"]
