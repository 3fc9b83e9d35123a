"""Seek's commands on feeds: add, refresh, import and export OPML, rename, move, unsubscribe.

A mixin of :class:`pkm.gui.seek.stage.SeekStage`, kept apart so the stage
module stays about showing and reading. Every command calls the core
through :class:`SeekOps`; what the user sees afterwards is one sentence in
the status area, errors in the core's plain words.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget

from pkm.core.feeds.model import OpmlReport, RefreshReport, Subscribed
from pkm.gui.seek.add_dialog import AddFeedDialog
from pkm.gui.seek.views import View
from pkm.gui.tasks import Task

if TYPE_CHECKING:
    from pkm.gui.seek.ops import SeekOps
    from pkm.gui.seek.tree import FeedTree
    from pkm.gui.stage import GuiContext


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def refresh_summary(report: RefreshReport) -> tuple[str, bool]:
    """One sentence about a refresh, and whether it reports a problem."""
    checked = [r for r in report.results if r.status != "skipped"]
    text = f"Checked {plural(len(checked), 'feed')}: {plural(report.new, 'new article')}."
    bad = [r for r in report.results if r.status in ("error", "gone")]
    if len(bad) == 1:
        text += f" “{bad[0].title}” could not be read: {bad[0].error}"
    elif bad:
        text += (
            f" {len(bad)} feeds could not be read: point at the ⚠ sign beside each one to see why."
        )
    return text, bool(bad)


class FeedActions:
    ctx: GuiContext
    seek: SeekOps
    tree: FeedTree
    refresh_task: Task | None
    refresh_note: str
    refresh_quiet: bool
    # The stage also provides: mark_view_read, open_url, tree_reload, tree_reload_then,
    # _refresh_done and the hooks (choose_open_path, choose_save_path, confirm, ask_text).

    def _parent(self) -> QWidget:
        return self  # type: ignore[return-value]

    # ---- adding ------------------------------------------------------------------------

    def folder_names(self) -> list[str]:
        data = self.tree.data
        return [f.name for f in data.folders] if data is not None else []

    def add_feed(self, folder: str = "", *, parent: QWidget | None = None) -> AddFeedDialog:
        """Open the Add feed dialog (modal for its window only: reading can go on)."""
        where = parent or self._parent()
        dialog = AddFeedDialog(self.seek, self.folder_names(), where, folder=folder)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.subscribed.connect(self._subscribed)
        dialog.open()
        return dialog

    def _subscribed(self, sub: Subscribed) -> None:
        feed = sub.feed
        if sub.created:
            self.ctx.status.show_message(
                f"Subscribed to “{feed.title}”: {plural(feed.unread, 'unread article')}."
            )
        else:
            self.ctx.status.show_message(f"You already follow “{feed.title}”.")
        self.tree_reload_then(View("feed", feed.id))

    # ---- refreshing ----------------------------------------------------------------------

    def refresh_all(self, *, due_only: bool = False, quiet: bool = False) -> Task | None:
        return self.refresh_feeds(None, due_only=due_only, quiet=quiet)

    def refresh_feeds(
        self, feed_ids: list[int] | None, *, due_only: bool = False, quiet: bool = False
    ) -> Task | None:
        """``quiet``: a scheduled refresh, whose summary is shown only if it has news."""
        if self.refresh_task is not None:
            if not quiet:
                self.ctx.status.show_message("Feeds are being refreshed already.")
            return None
        self.refresh_quiet = quiet
        self.refresh_task = self.seek.refresh(
            feed_ids, due_only=due_only, on_done=self._refresh_done,
            on_error=self._refresh_failed, owner=self._parent(),
        )  # fmt: skip
        self.seek.tasks.finished.connect(self._refresh_finished)
        return self.refresh_task

    def _refresh_finished(self, task: Task) -> None:
        if task is self.refresh_task:
            self.seek.tasks.finished.disconnect(self._refresh_finished)
            if task.cancel_event.is_set():
                self.refresh_task = None
                self.tree_reload()

    def _refresh_failed(self, exc: BaseException) -> None:
        self.refresh_task = None
        self.ctx.status.show_exception(exc)

    # ---- OPML ----------------------------------------------------------------------------

    def import_opml(self, path: str | None = None, *, parent: QWidget | None = None) -> Task | None:
        if path is None:
            path = self.choose_open_path(parent or self._parent(), "Import feeds from an OPML file")
        if not path:
            return None
        return self.seek.import_opml(
            Path(path), on_done=self._imported, on_error=self.ctx.status.show_exception
        )

    def _imported(self, report: OpmlReport) -> None:
        text = f"Imported {plural(len(report.added), 'feed')}"
        extra = []
        if report.existing:
            extra.append(f"{len(report.existing)} you already follow")
        if report.refused:
            url, why = report.refused[0]
            extra.append(f"{len(report.refused)} refused (e.g. {url}: {why})")
        text += f" ({'; '.join(extra)})." if extra else "."
        show = self.ctx.status.show_error if report.refused else self.ctx.status.show_message
        show(text + (" Fetching their articles now." if report.added else ""))
        self.tree_reload()
        if report.added and self.refresh_feeds([f.id for f in report.added]) is not None:
            self.refresh_note = text  # kept in the summary, so the refusals are not missed

    def export_opml(self, path: str | None = None, *, parent: QWidget | None = None) -> Task | None:
        if path is None:
            path = self.choose_save_path(
                parent or self._parent(), "Export your feeds as OPML", "pkm-feeds.opml"
            )
        if not path:
            return None
        target = Path(path)

        def done(n: int) -> None:
            self.ctx.status.show_message(f"Saved {plural(n, 'feed')} to {target}.")

        return self.seek.export_opml(target, on_done=done, on_error=self.ctx.status.show_exception)

    # ---- one feed ------------------------------------------------------------------------

    def feed_title(self, feed_id: int) -> str:
        feed = self.tree.feed(feed_id)
        return feed.title if feed else ""

    def rename_feed(
        self, feed_id: int, *, parent: QWidget | None = None, title: str | None = None
    ) -> None:
        old = title if title is not None else self.feed_title(feed_id)
        where = parent or self._parent()
        new = self.ask_text(where, "Rename feed", "New name for this feed:", old)
        if new and new != old:
            self.seek.rename_feed(feed_id, new)

    def move_feed(self, feed_id: int, folder: str | None) -> None:
        self.seek.move_feed(feed_id, folder)

    def move_to_new_folder(self, feed_id: int) -> None:
        name = self.ask_text(self._parent(), "New folder", "Name of the new folder:")
        if name:
            self.seek.move_feed(feed_id, name)

    def rename_folder(self, name: str) -> None:
        new = self.ask_text(self._parent(), "Rename folder", "New name for this folder:", name)
        if new and new != name:
            self.seek.rename_folder(name, new)

    def remove_feed(
        self, feed_id: int, *, parent: QWidget | None = None, title: str | None = None
    ) -> None:
        title = title or self.feed_title(feed_id) or "this feed"
        if not self.confirm(
            parent or self._parent(), "Unsubscribe",
            f"Unsubscribe from “{title}”? Its articles go, except those you starred or clipped.",
            "Unsubscribe",
        ):  # fmt: skip
            return
        done = lambda _id: self.ctx.status.show_message(f"Unsubscribed from “{title}”.")  # noqa: E731
        self.seek.remove_feed(feed_id, on_done=done)

    # ---- the tree's context menu ------------------------------------------------------

    def view_menu(self, view: View) -> QMenu:
        menu = QMenu(self._parent())
        menu.addAction("Mark all as read", lambda: self.mark_view_read(view))
        if view.kind == "folder":
            name = self.tree.title(view)
            menu.addAction("Rename folder…", lambda: self.rename_folder(name))
        if view.kind != "feed" or view.id is None:
            return menu
        feed_id = view.id
        feed = self.tree.feed(feed_id)
        menu.addAction("Refresh this feed", lambda: self.refresh_feeds([feed_id]))
        menu.addAction("Rename…", lambda: self.rename_feed(feed_id))
        move = menu.addMenu("Move to folder")
        for name in self.folder_names():
            act = move.addAction(name, lambda n=name: self.move_feed(feed_id, n))
            act.setEnabled(feed is None or feed.folder != name)
        move.addSeparator()
        move.addAction("New folder…", lambda: self.move_to_new_folder(feed_id))
        out = move.addAction("No folder", lambda: self.move_feed(feed_id, None))
        out.setEnabled(feed is None or bool(feed.folder))
        if feed is not None:
            menu.addAction(
                "Copy feed address", lambda: QGuiApplication.clipboard().setText(feed.url)
            )
            if feed.site_url:
                menu.addAction("Open website", lambda: self.open_url(feed.site_url))
        menu.addSeparator()
        menu.addAction("Unsubscribe…", lambda: self.remove_feed(feed_id))
        return menu

    def show_view_menu(self, view: View, pos: Any) -> None:
        menu = self.view_menu(view)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(pos)
