"""The live preview: the core's sanitized HTML in a QTextBrowser (no JavaScript).

Nothing is fetched: remote images and local files referenced by a note are
not loaded (loadResource returns nothing), so a preview can never call out
to the network or read files behind the user's back. Links are not followed
here; the editor decides (entry, tag, or the system browser).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QWidget

from pkm.gui import theme


class Preview(QTextBrowser):
    link_clicked = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        return None

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_css()
            if self._html:
                self.setHtml(self._html)
