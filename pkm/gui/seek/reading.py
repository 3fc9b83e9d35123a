"""Reading in Seek: the article in the reader, marking read, starring, clipping, links, pictures.

A mixin of :class:`pkm.gui.seek.stage.SeekStage`. Choosing an article marks
it read at once, as NetNewsWire does: j/k reading then clears the list as
you go, the counts drop under your eyes, and m brings an article back if it
was a mistake. (A delay would leave articles skimmed past with j unread,
which is not what "read" means to most people, and adds a timer nobody can
see.) The row, the counts and the reader change immediately; the write
follows on the writer thread, so reading never waits, even behind a refresh.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QUrl

from pkm.core.feeds.model import Item
from pkm.gui.seek import hooks
from pkm.gui.seek.actions import plural
from pkm.gui.seek.views import View
from pkm.gui.settings_dialog import REMOTE_IMAGES

if TYPE_CHECKING:
    from pkm.gui.operations import Operations
    from pkm.gui.seek.items import ItemList
    from pkm.gui.seek.ops import SeekOps
    from pkm.gui.seek.reader import ReaderPane
    from pkm.gui.seek.tree import FeedTree
    from pkm.gui.stage import GuiContext

log = logging.getLogger("pkm.gui")


class ReadingActions:
    ctx: GuiContext
    ops: Operations
    seek: SeekOps
    tree: FeedTree
    items: ItemList
    reader: ReaderPane
    view: View | None
    loaded: bool
    _shown_id: int | None
    _want_item: int | None
    _fetching: set[str]
    # The stage also provides: key, open_external, _update_heading, _reload_list.

    # ---- the reader ---------------------------------------------------------------------

    def show_item_id(self, item_id: int) -> None:
        self._shown_id = item_id
        self.seek.item(item_id, self._item_loaded, on_error=self._item_failed, owner=self)

    def _item_loaded(self, item: Item) -> None:
        if item.id != self._shown_id:
            return
        row = self.items.model.row_of(item.id)
        if row >= 0:
            listed = self.items.model.items[row]
            item = _with_flags(item, listed.read, listed.starred)
        elif not item.read:  # opened from search: reading it is reading it
            self.set_read(item, True)
            item = _with_flags(item, True, item.starred)
        self.reader.show_item(item, pictures=self.always_pictures())
        if self.reader.pictures_allowed:
            self._fetch_pictures()

    def _item_failed(self, exc: BaseException) -> None:
        self.reader.clear()
        self.ctx.status.show_exception(exc)

    def open_item(self, item_id: int) -> None:
        """From search (window.open_item): show Seek with that article in the reader."""
        self.ctx.window.show_stage(self.key)
        row = self.items.model.row_of(item_id)
        if row >= 0:
            self.items.select_row(row)
            return
        self.items.view.clearSelection()
        self.items.view.setCurrentIndex(QModelIndex())
        if not self.loaded:
            self._want_item = item_id
        self.show_item_id(item_id)

    def always_pictures(self) -> bool:
        return bool(self.ops.setting(REMOTE_IMAGES, False))

    def load_pictures(self) -> None:
        self.reader.pictures_allowed = True
        self.reader.images_button.setVisible(False)
        self._fetch_pictures()

    def _fetch_pictures(self) -> None:
        width = max(200, self.reader.article.viewport().width() - 40)
        item = self.current_item()
        feed = self.tree.feed(item.feed_id) if item is not None and item.feed_id else None
        for url in self.reader.missing_pictures():
            if url in self._fetching:
                continue
            self._fetching.add(url)
            self.seek.fetch_image(
                url, width, owner=self, feed_url=feed.url if feed else None,
                on_done=self._picture_arrived,
                on_error=lambda exc, u=url: self._picture_failed(u, exc),
            )  # fmt: skip

    def _picture_arrived(self, result: tuple[str, Any]) -> None:
        url, image = result
        self._fetching.discard(url)
        self.reader.picture_arrived(url, image)

    def _picture_failed(self, url: str, exc: BaseException) -> None:
        self._fetching.discard(url)
        log.info("picture %s not loaded: %s", url, exc)

    # ---- reading actions --------------------------------------------------------------

    def set_read(self, item: Item, read: bool) -> None:
        self.items.model.update(item.id, read=read)
        today = item.sort_at >= self.seek.today_start()
        self.tree.bump(item.feed_id, unread=-1 if read else 1, today=today)
        self._update_heading()
        self.seek.set_read([item.id], read)

    def toggle_read(self) -> None:
        item = self.current_item()
        if item is None:
            return
        self.set_read(item, not item.read)
        self.ctx.status.show_message("Marked as read." if not item.read else "Marked as unread.")

    def toggle_star(self) -> None:
        item = self.current_item()
        if item is None:
            return
        starred = not item.starred
        self.items.model.update(item.id, starred=starred)
        if self.reader.item is not None and self.reader.item.id == item.id:
            self.reader.set_starred(starred)
        self.seek.set_starred([item.id], starred)
        self.ctx.status.show_message(
            "Starred: find it under Starred, kept forever." if starred else "Star removed."
        )

    def open_in_browser(self) -> None:
        item = self.current_item()
        if item is None:
            return
        if not item.url:
            self.ctx.status.show_message("This article has no web address.")
            return
        self.open_url(item.url)

    def open_url(self, url: QUrl | str) -> None:
        url = QUrl(url) if isinstance(url, str) else url
        if hooks.is_external(url):
            self.open_external(url)
        else:
            self.ctx.status.show_message("pkm opens only web and email links.")

    def clip(self) -> None:
        item = self.reader.item
        if item is None:
            self.ctx.status.show_message("Choose an article first, then press c to clip it.")
            return
        quote = self.reader.article.selected_text() or None
        self.seek.clip(
            item.id, quote, on_done=self._clipped, on_error=self.ctx.status.show_exception
        )

    def _clipped(self, entry: Any) -> None:
        window = self.ctx.window
        self.ctx.status.show_undo(
            "Clipped to today's entry.", lambda: window.open_entry.emit(entry.id), label="Open"
        )

    def mark_view_read(self, view: View | None = None) -> None:
        view = view or self.view
        if view is None:
            return
        if self.tree.count(view) == 0:
            self.ctx.status.show_message("Nothing unread here.")
            return
        if view == self.view:
            self.items.model.mark_all()
        self.seek.mark_view_read(view, on_done=self._marked_all)

    def _marked_all(self, ids: set[int]) -> None:
        if not ids:
            return

        def undo() -> None:
            self.seek.set_read(sorted(ids), False, on_done=lambda _v: self._reload_list())

        self.ctx.status.show_undo(f"Marked {plural(len(ids), 'article')} as read.", undo)


def _with_flags(item: Item, read: bool, starred: bool) -> Item:
    return replace(item, read=read, starred=starred)
