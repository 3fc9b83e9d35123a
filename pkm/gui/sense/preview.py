"""The live preview: the core's sanitized HTML in a QTextBrowser (no JavaScript).

Nothing is fetched: remote images and local files referenced by a note are
not loaded (loadResource returns nothing), so a preview can never call out
to the network or read files behind the user's back. The one exception is the
data folder's own media store (``media/<sha256>.<ext>``, pkm.core.media): an
image an entry holds (an imported photo) is shown, read once, scaled to at
most MAX_WIDTH and kept in a small cache, so retyping never reads it again.
Links are not followed here; the editor decides (entry, tag, or the system browser).
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from pkm.core.media import MAX_PREVIEW_BYTES, REF_RE, SHOWN_FORMATS
from pkm.gui import theme

MAX_WIDTH = 640  # a phone photo is 4000 px wide; the preview pane is a few hundred
CACHE = 32  # images kept decoded (a long day with many photos scrolls without rereading)


class Preview(QTextBrowser):
    link_clicked = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None, *, media_home: Path | None = None) -> None:
        super().__init__(parent)
        self._media_home = media_home
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.document().setDocumentMargin(14)
        self.anchorClicked.connect(self.link_clicked)
        self.setPlaceholderText("The preview of your text appears here.")
        self._html = ""
        self._apply_css()

    def _apply_css(self) -> None:
        self.document().setDefaultStyleSheet(theme.preview_css(self.palette()))

    def show_html(self, html: str) -> None:
        """Replace the content, keeping the reader's place."""
        self._html = html
        bar = self.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4 and bar.maximum() > 0
        frac = bar.value() / bar.maximum() if bar.maximum() else 0.0
        self.setHtml(html)
        bar.setValue(bar.maximum() if at_end else round(frac * bar.maximum()))

    def loadResource(self, kind: int, url: QUrl):  # type: ignore[override]
        if url.scheme() == "data":
            return super().loadResource(kind, url)
        if kind == QTextDocument.ResourceType.ImageResource and not url.scheme():
            return self._media_image(url.path())
        return None

    def _media_image(self, ref: str) -> QImage | None:
        """An image of the data folder's media store, or None for any other path."""
        m = REF_RE.match(ref)
        if self._media_home is None or m is None or m.group(2) not in SHOWN_FORMATS:
            return None
        if ref in self._images:
            self._images.move_to_end(ref)
            return self._images[ref]
        path = self._media_home / ref
        try:
            if path.stat().st_size > MAX_PREVIEW_BYTES:
                return None
        except OSError:
            return None
        image = QImage(str(path))
        if image.isNull():
            return None
        if image.width() > MAX_WIDTH:
            image = image.scaledToWidth(MAX_WIDTH, Qt.TransformationMode.SmoothTransformation)
        self._images[ref] = image
        while len(self._images) > CACHE:
            self._images.popitem(last=False)
        return image

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_css()
            if self._html:
                self.setHtml(self._html)
