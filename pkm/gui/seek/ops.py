"""Seek's operations: each feeds-core call on the right thread, in one line for a widget.

The rules of ``pkm/gui/operations.py`` apply: reads go to the reader thread
(keyed, so only the newest answer arrives), writes to the serial writer.
Adding a feed, refreshing and importing OPML are *long writer jobs*: the
core fetches in its own bounded pool and stores in the calling thread, so
running them on the writer keeps one writer for SQLite, and each finished
feed reports progress, which lets the quick writes waiting meanwhile (a
journal save, marking an article read) run between feeds. Pictures are
fetched on the pool with the core's bounded fetcher, and decoded there too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Qt
from PySide6.QtGui import QImage, QImageReader

from pkm.core.changes import Change
from pkm.core.errors import BadInput
from pkm.core.feeds.model import Feed, Folder, Item
from pkm.gui.operations import Operations
from pkm.gui.seek.views import View, day_start
from pkm.gui.tasks import Task, TaskContext

Done = Callable[[Any], None] | None

PAGE = 100  # items per page of the list: a screenful or three, never the whole archive
TODAY_CAP = 5000  # today's unread count stops there ("5000+" is enough to know)
MAX_OPML = 10 * 1024 * 1024
MAX_IMAGE_SIDE = 8000


@dataclass(frozen=True)
class TreeData:
    """Everything the tree shows: feeds, folders and the smart views' counts."""

    feeds: list[Feed]
    folders: list[Folder]
    unread: int
    today: int
    starred: int


@dataclass(frozen=True)
class Page:
    view: View
    unread_only: bool
    offset: int
    items: list[Item]
    done: bool  # no more pages after this one


def list_view(
    feeds: Any, view: View, unread_only: bool, offset: int, limit: int, today: str
) -> tuple[list[Item], bool]:
    """One page of a view, newest first ("Today": since local midnight, one core query)."""
    unread = unread_only and view.filterable
    if view.kind == "unread":
        got = feeds.items(unread=True, limit=limit, offset=offset)
    elif view.kind == "starred":
        got = feeds.items(starred=True, limit=limit, offset=offset)
    elif view.kind == "folder":
        got = feeds.items(folder_id=view.id, unread=unread, limit=limit, offset=offset)
    elif view.kind == "feed":
        got = feeds.items(feed_id=view.id, unread=unread, limit=limit, offset=offset)
    else:
        got = feeds.items(unread=unread, since=today, limit=limit, offset=offset)
    return got, len(got) < limit


def today_ids(feeds: Any, today: str, *, unread: bool, cap: int = TODAY_CAP) -> list[int]:
    return [i.id for i in feeds.items(unread=unread, since=today, limit=cap)]


def decode_image(data: bytes, max_width: int) -> QImage:
    """A picture from the web, decoded off the GUI thread, refused if absurdly large
    (a "decompression bomb"), and scaled down to fit the reader."""
    buf = QBuffer()
    buf.setData(QByteArray(data))
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buf)
    size = reader.size()
    too_big = size.width() > MAX_IMAGE_SIDE or size.height() > MAX_IMAGE_SIDE
    image = QImage() if too_big else reader.read()
    del reader  # before the buffer it reads from
    buf.close()
    if too_big:
        raise BadInput("The picture is too large to show.")
    if image.isNull():
        raise BadInput("The picture could not be read.")
    if max_width > 0 and image.width() > max_width:
        image = image.scaledToWidth(max_width, Qt.TransformationMode.SmoothTransformation)
    return image


class SeekOps:
    def __init__(self, ops: Operations) -> None:
        self.ops = ops
        self.ws = ops.ws
        self.tasks = ops.tasks

    @property
    def feeds(self) -> Any:
        return self.ws.feeds

    def today_start(self) -> str:
        return day_start(self.ops.today())

    def now(self):
        return self.ws.clock()

    # ---- reading ---------------------------------------------------------------------

    def tree(self, on_done: Done, *, owner: QObject) -> Task:
        feeds, today = self.feeds, self.today_start()

        def fn() -> TreeData:
            return TreeData(
                feeds.list(),
                feeds.folders(),
                feeds.unread_total(),
                min(feeds.count_items(unread=True, since=today), TODAY_CAP),
                feeds.count_items(starred=True),
            )

        return self.ops.read(f"seek-tree:{id(owner)}", fn, on_done, owner=owner)

    def page(
        self, view: View, unread_only: bool, offset: int, on_done: Done, *, owner: QObject
    ) -> Task:
        feeds, today = self.feeds, self.today_start()

        def fn() -> Page:
            items, done = list_view(feeds, view, unread_only, offset, PAGE, today)
            return Page(view, unread_only, offset, items, done)

        return self.ops.read(f"seek-page:{id(owner)}", fn, on_done, owner=owner)

    def item(self, item_id: int, on_done: Done, *, on_error: Done, owner: QObject) -> Task:
        feeds = self.feeds
        return self.ops.read(
            f"seek-item:{id(owner)}", lambda: feeds.item(item_id), on_done, owner=owner,
            on_error=on_error,
        )  # fmt: skip

    def rules(self, on_done: Done, *, owner: QObject) -> Task:
        feeds = self.feeds
        return self.ops.read(f"seek-rules:{id(owner)}", feeds.rules, on_done, owner=owner)

    def feed_list(self, on_done: Done, *, owner: QObject) -> Task:
        feeds = self.feeds
        return self.ops.read(f"seek-feeds:{id(owner)}", feeds.list, on_done, owner=owner)

    # ---- quick writes ----------------------------------------------------------------

    def set_read(self, ids: list[int], read: bool, on_done: Done = None) -> Task:
        feeds = self.feeds
        return self.ops.write(lambda: (None, feeds.mark_read(ids, read)), on_done=on_done)

    def set_starred(self, ids: list[int], starred: bool) -> Task:
        feeds = self.feeds
        return self.ops.write(lambda: (None, feeds.star(ids, starred)))

    def mark_view_read(self, view: View, on_done: Done = None) -> Task:
        """Everything unread in the view becomes read; the value is the ids that changed."""
        feeds, today = self.feeds, self.today_start()

        def fn() -> tuple[set[int], Change]:
            if view.kind == "feed":
                change = feeds.mark_all_read(feed_id=view.id)
            elif view.kind == "folder":
                change = feeds.mark_all_read(folder_id=view.id)
            elif view.kind == "unread":
                change = feeds.mark_all_read()
            else:
                ids = (
                    today_ids(feeds, today, unread=True)
                    if view.kind == "today"
                    else [i.id for i in feeds.items(starred=True, unread=True, limit=10_000)]
                )
                change = feeds.mark_read(ids, True) if ids else Change()
            return set(change.items), change

        return self.ops.write(fn, on_done=on_done)

    def clip(
        self, item_id: int, quote: str | None, *, on_done: Done, on_error: Done = None
    ) -> Task:
        """Into today's entry, through the core (it keeps the source). Open editors save first."""
        self.ops.flush_requested.emit()
        feeds = self.feeds
        return self.ops.write(
            lambda: feeds.clip(item_id, quote), on_done=on_done, on_error=on_error
        )

    def remove_feed(self, feed_id: int, on_done: Done = None) -> Task:
        feeds = self.feeds
        return self.ops.write(lambda: (feed_id, feeds.remove(feed_id)), on_done=on_done)

    def rename_feed(self, feed_id: int, title: str, on_done: Done = None) -> Task:
        feeds = self.feeds
        return self.ops.write(lambda: (feed_id, feeds.rename(feed_id, title)), on_done=on_done)

    def move_feed(self, feed_id: int, folder: str | None, on_done: Done = None) -> Task:
        feeds = self.feeds
        return self.ops.write(lambda: (feed_id, feeds.move(feed_id, folder)), on_done=on_done)

    def rename_folder(self, name: str, new_name: str, on_done: Done = None) -> Task:
        feeds = self.feeds
        return self.ops.write(
            lambda: (new_name, feeds.rename_folder(name, new_name)), on_done=on_done
        )

    def add_rule(self, on_done: Done = None, on_error: Done = None, **kw: Any) -> Task:
        feeds = self.feeds
        return self.ops.write(lambda: feeds.add_rule(**kw), on_done=on_done, on_error=on_error)

    def remove_rule(self, rule_id: int, on_done: Done = None) -> Task:
        feeds = self.feeds
        return self.ops.write(lambda: (rule_id, feeds.remove_rule(rule_id)), on_done=on_done)

    def set_retention(self, days: int) -> Task:
        feeds = self.feeds
        return self.ops.write(lambda: (feeds.set_retention_days(days), Change()))

    # ---- long work -------------------------------------------------------------------

    def _long_write(
        self,
        fn: Callable[[TaskContext], tuple[Any, Change]],
        label: str,
        on_done: Done,
        on_error: Done,
        owner: QObject | None,
    ) -> Task:
        """A long writer job with progress and Cancel, announced like every other write."""
        return self.ops.write(
            fn, on_done=on_done, on_error=on_error, owner=owner, quick=False, label=label
        )

    def add_feed(
        self,
        url: str,
        *,
        folder: str | None,
        username: str | None = None,
        password: str | None = None,
        on_done: Done,
        on_error: Done,
        owner: QObject | None = None,
    ) -> Task:
        """Discover and subscribe (one fetch); the password goes to the keyring via the core."""
        feeds = self.feeds

        def fn(ctx: TaskContext) -> tuple[Any, Change]:
            sub = feeds.add(
                url, folder=folder or None, username=username or None,
                password=password or None, cancel=lambda: ctx.cancelled,
            )  # fmt: skip
            return sub, sub.change

        return self._long_write(fn, "Adding the feed", on_done, on_error, owner)

    def refresh(
        self,
        feed_ids: list[int] | None = None,
        *,
        due_only: bool = False,
        on_done: Done,
        on_error: Done = None,
        owner: QObject | None = None,
    ) -> Task:
        feeds = self.feeds

        def fn(ctx: TaskContext) -> tuple[Any, Change]:
            def progress(done: int, total: int, _result: object) -> None:
                ctx.progress(done, total, f"Refreshing feeds: {done} of {total}")

            report = feeds.refresh(
                feed_ids, due_only=due_only, progress=progress, cancel=lambda: ctx.cancelled
            )
            return report, report.change

        return self._long_write(fn, "Refreshing feeds", on_done, on_error, owner)

    def import_opml(self, path: Path, *, on_done: Done, on_error: Done = None) -> Task:
        feeds = self.feeds

        def fn(ctx: TaskContext) -> tuple[Any, Change]:
            if path.stat().st_size > MAX_OPML:
                raise BadInput(
                    f"{path.name} is larger than 10 MB; an OPML list of feeds is much smaller. "
                    "Check that you chose the file your old reader exported."
                )

            def progress(done: int, total: int) -> None:
                ctx.progress(done, total, f"Importing feeds: {done} of {total}")

            report = feeds.import_opml(
                path.read_bytes(), progress=progress, cancel=lambda: ctx.cancelled
            )
            return report, report.change

        return self._long_write(fn, "Importing feeds", on_done, on_error, None)

    def export_opml(self, path: Path, *, on_done: Done, on_error: Done = None) -> Task:
        """Reading the list and writing the file are file work: the pool."""
        feeds = self.feeds

        def fn() -> int:
            from pkm.core.settings import atomic_write_bytes

            atomic_write_bytes(path, feeds.export_opml(), shared=True)
            return len(feeds.list())

        return self.ops.background(fn, on_done=on_done, on_error=on_error)

    def fetch_image(
        self,
        url: str,
        max_width: int,
        *,
        on_done: Done,
        on_error: Done,
        owner: QObject,
        feed_url: str | None = None,
    ) -> Task:
        """One picture, bounded like a feed fetch (size, time, redirects), decoded off-thread.

        A picture's address is feed content: it may reach private addresses only when
        it is on the origin of its feed (`feed_url`, the address the user gave), and
        then on the same terms as the feed (see transport.Zone); from anywhere else,
        public addresses only.
        """

        def fn() -> tuple[str, QImage]:
            from pkm.core.feeds.fetch import Fetcher, Limits, origin

            same = (
                feed_url is not None and origin(url) is not None and origin(url) == origin(feed_url)
            )
            limits = Limits(connect_timeout=5, read_timeout=10, deadline=20, max_bytes=4 << 20)
            with Fetcher(limits, max_connections=1) as fetcher:
                body = fetcher.get(url, inward=None if same else False).body
            return url, decode_image(body, max_width)

        return self.ops.background(fn, on_done=on_done, on_error=on_error, owner=owner)
