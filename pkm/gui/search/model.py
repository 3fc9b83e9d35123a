"""The search results as a Qt list model (one row per hit)."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

HIT_ROLE = Qt.ItemDataRole.UserRole

_TAG_RE = re.compile(r"<(/?)([a-zA-Z0-9]+)[^>]*>")


def safe_marks(fragment: str) -> str:
    """Keep only <b>…</b> from a snippet the core already escaped; drop any other tag.

    The index escapes document text and adds <b> around matches; this is a
    second fence so a snippet can never carry a link, an image or a style.
    """

    def keep(m: re.Match[str]) -> str:
        return f"<{m.group(1)}b>" if m.group(2).lower() == "b" else ""

    return _TAG_RE.sub(keep, fragment or "")


def plain(fragment: str) -> str:
    import html

    return html.unescape(_TAG_RE.sub("", fragment or ""))


def kind_label(kinds: tuple[str, ...] | list[str]) -> str:
    ks = set(kinds or ())
    if "item" in ks:
        return "Article"
    if "response" in ks:
        return "Response"
    for k, label in (("daily", "Daily entry"), ("clip", "Clip"), ("note", "Note")):
        if k in ks:
            return label
    return "Entry"


class HitsModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.hits: list[Any] = []

    def set_hits(self, hits: list[Any]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.hits):
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return plain(getattr(hit, "title", ""))
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain(getattr(hit, "title", ""))
        if role == HIT_ROLE:
            return hit
        return None
