"""Pictures in the text: shown inline, and kept when pasted or dropped.

Showing: a line that is only ``![name](media/<sha256>.<ext>)`` is drawn as
the picture, scaled to the text column (live_style makes the line that
tall, live_paint draws it). Its size comes from the file's header (a few
bytes, on the GUI thread); the picture itself is decoded and scaled on the
pool, then kept in a small cache, so scrolling and typing never decode again.
Only the data folder's own media store is read (media.REF_RE), never a path
or an address the text names.

Keeping: a paste (image data, or image files copied in a file manager) or a
drop hands its sources to :meth:`Pictures.keep`; the bytes are read, checked
and stored (pkm.core.pictures) on the writer, and the Markdown is inserted
where the cursor was. One source that is not a picture is named in the
status bar; the others are still kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QTextCursor

from pkm.core.changes import Change
from pkm.core.errors import BadInput
from pkm.core.media import MAX_PREVIEW_BYTES, REF_RE, SHOWN_FORMATS, MediaStore, markdown_for
from pkm.core.pictures import keep_picture, read_picture

if TYPE_CHECKING:
    from pkm.gui.operations import Operations

MAX_HEIGHT = 440  # a portrait photo never fills more than about a screen's half
CACHE = 48


@dataclass(frozen=True)
class Source:
    """One picture offered to the editor: a file, or image data from the clipboard."""

    name: str
    path: Path | None = None
    image: QImage | None = None

    def read(self) -> bytes:
        """The bytes to keep (on the writer: a file read, or a PNG encoding)."""
        if self.path is not None:
            return read_picture(self.path)
        assert self.image is not None
        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        self.image.save(buf, "PNG")
        buf.close()
        return bytes(data.data())


def sources_in(mime: QMimeData) -> list[Source]:
    """What of a paste or drop is a picture to keep; [] when it is text to insert.

    Local files come first (a file copied in a file manager also carries its path as
    text); then text (a copy from a word processor also carries a picture of it);
    image data only when nothing else is there (a screenshot)."""
    if mime.hasUrls():
        urls = mime.urls()
        if urls and all(u.isLocalFile() for u in urls):
            return [Source(Path(u.toLocalFile()).name, path=Path(u.toLocalFile())) for u in urls]
    if mime.hasText() and mime.text().strip():
        return []
    if mime.hasImage():
        image = QImage(mime.imageData())
        if not image.isNull():
            return [Source("pasted picture", image=image)]
    return []


class InlineImages(QObject):
    """Sizes and decoded pictures of the media store, for the editor to draw."""

    loaded = Signal(str)  # a picture is decoded: repaint

    def __init__(self, home: Path, ops: Operations | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.home = home
        self.ops = ops
        self.max_width = 640
        self._natural: dict[str, QSize | None] = {}
        self._images: OrderedDict[tuple[str, int], QImage] = OrderedDict()
        self._loading: set[tuple[str, int]] = set()

    def _path(self, ref: str) -> Path | None:
        m = REF_RE.match(ref)
        if m is None or m.group(2) not in SHOWN_FORMATS:
            return None
        return self.home / ref

    def size_of(self, ref: str) -> QSize | None:
        """The size the picture is drawn at, or None (missing, not ours, too big)."""
        if ref not in self._natural:
            path = self._path(ref)
            natural = None
            try:
                if path is not None and path.stat().st_size <= MAX_PREVIEW_BYTES:
                    size = QImageReader(str(path)).size()  # the header only
                    natural = size if size.isValid() and not size.isEmpty() else None
            except OSError:
                natural = None
            self._natural[ref] = natural
        natural = self._natural[ref]
        if natural is None:
            return None
        return natural.scaled(
            QSize(min(self.max_width, natural.width()), min(MAX_HEIGHT, natural.height())),
            Qt.AspectRatioMode.KeepAspectRatio,
        )

    def height_of(self, ref: str) -> int | None:
        size = self.size_of(ref)
        return size.height() if size is not None else None

    def image(self, ref: str) -> QImage | None:
        """The decoded picture at its drawn size, or None while it loads (then ``loaded``)."""
        size = self.size_of(ref)
        if size is None:
            return None
        key = (ref, size.width())
        if key in self._images:
            self._images.move_to_end(key)
            return self._images[key]
        if key not in self._loading and self.ops is not None:
            self._loading.add(key)
            path = self.home / ref

            def decode() -> QImage:
                reader = QImageReader(str(path))
                reader.setScaledSize(size)  # JPEG decodes straight at the smaller size
                return reader.read()

            self.ops.background(
                decode,
                on_done=lambda img, key=key: self._decoded(key, img),
                on_error=lambda _exc, key=key: self._loading.discard(key),
                owner=self,
            )
        return None

    def _decoded(self, key: tuple[str, int], image: QImage) -> None:
        self._loading.discard(key)
        if image.isNull():
            self._natural[key[0]] = None
            return
        self._images[key] = image
        while len(self._images) > CACHE:
            self._images.popitem(last=False)
        self.loaded.emit(key[0])

    def forget(self, ref: str) -> None:
        """A picture just stored: read its header again (it was missing a moment ago)."""
        self._natural.pop(ref, None)


def keep(
    ops: Operations,
    home: Path,
    sources: list[Source],
    cursor: QTextCursor,
    on_message: Callable[[str], None],
    before_insert: Callable[[list[str]], None] | None = None,
    still_open: Callable[[], bool] = lambda: True,
) -> None:
    """Store the pictures on the writer; insert their Markdown at ``cursor`` (own lines)."""
    media = MediaStore(home)

    def fn() -> tuple[list[tuple[str, str]], Change]:
        out: list[tuple[str, str]] = []  # (markdown, "") or ("", why not)
        for source in sources:
            try:
                stored = keep_picture(media, source.read(), source.name)
            except BadInput as exc:
                out.append(("", str(exc)))
                continue
            label = Path(source.name).stem if source.path is not None else source.name
            out.append((markdown_for(stored, label), stored.ref))
        return out, Change()

    def done(results: list[tuple[str, str]]) -> None:
        lines = [md for md, _ in results if md]
        errors = [why for md, why in results if not md]
        if lines and not still_open():  # another entry was opened meanwhile: not into that
            on_message(
                "The picture is kept in your data folder, but the entry it was pasted into "
                "was closed before it was stored: paste it again there."
            )
            return
        if lines and not cursor.isNull():
            text = "\n".join(lines)
            if before_insert is not None:
                before_insert([ref for md, ref in results if md])
            # A line of its own, and the cursor on the line after: the picture shows at once.
            before = "\n" if cursor.positionInBlock() > 0 else ""
            cursor.beginEditBlock()
            cursor.insertText(before + text + "\n")
            cursor.endEditBlock()
        if errors:
            on_message(errors[0] if len(errors) == 1 else " ".join(errors))

    def failed(exc: BaseException) -> None:
        on_message(str(exc))

    ops.write(fn, on_done=done, on_error=failed)
