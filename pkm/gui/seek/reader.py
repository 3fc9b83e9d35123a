"""The right pane of Seek: one article, calm and safe.

The article's HTML was sanitized by the core before it was stored; here it
is shown in a QTextBrowser, which has no JavaScript engine. The browser
never fetches anything itself: :meth:`ArticleView.loadResource` answers
remote pictures with a small placeholder, unless the user allowed pictures
(for this article with "Load pictures", or always in Settings). Allowed
pictures are fetched on the pool by the core's bounded fetcher, then added
to the document. Links never navigate here: they are handed to the stage,
which opens http(s) and mailto addresses in the system browser.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFont, QImage, QPainter, QPalette, QPen, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pkm.core.feeds.model import Item
from pkm.gui import theme
from pkm.gui.seek.views import long_date
from pkm.gui.widgets import Hint, plain_tip

IMAGE = QTextDocument.ResourceType.ImageResource.value
MARGIN = 18
COLUMN = 760  # px of text at most: about 90 characters a line
MAX_PICTURES = 40  # per article: more is a gallery, not an article
CACHE_SIZE = 80

_IMG = re.compile(r"<img\b[^>]*>", re.I)
_SIZE = re.compile(r'\s(?:width|height)="[^"]*"', re.I)
_SRC = re.compile(r'\ssrc="([^"]*)"', re.I)

KEYS_HINT = (
    "Choose an article to read it.\n\n"
    "j / k  next and previous  ·  s  star  ·  m  mark unread\n"
    "c  clip to today's entry  ·  o  open in the browser  ·  space  scroll"
)


def prepare(article_html: str) -> tuple[str, list[str]]:
    """The HTML to show and its remote pictures' addresses.

    Width and height attributes go: Qt would stretch the placeholder to the
    picture's size, and loaded pictures are scaled to fit the pane instead.
    """
    urls: list[str] = []

    def fix(match: re.Match[str]) -> str:
        tag = _SIZE.sub("", match.group(0))
        src = _SRC.search(tag)
        if src is not None:
            url = html.unescape(src.group(1))
            if url.lower().startswith(("http://", "https://")) and url not in urls:
                urls.append(url)
        return tag

    return _IMG.sub(fix, article_html or ""), urls[:MAX_PICTURES]


def placeholder(palette: QPalette) -> QImage:
    """A small framed picture sign where a remote picture was not loaded."""
    img = QImage(56, 40, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    line = theme.subtle(palette)
    p.setPen(QPen(line, 1.5))
    p.setBrush(theme.mix(palette.color(QPalette.ColorRole.Base), line, 0.12))
    p.drawRoundedRect(QRectF(1, 1, 54, 38), 5, 5)
    p.drawPolyline([QPointF(12, 30), QPointF(24, 16), QPointF(33, 26), QPointF(38, 20),
                    QPointF(46, 30)])  # fmt: skip
    p.drawEllipse(QRectF(36, 8, 6, 6))
    p.end()
    return img


class ArticleView(QTextBrowser):
    """A QTextBrowser that loads nothing on its own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.document().setDocumentMargin(MARGIN)
        self.images: dict[str, QImage] = {}  # loaded pictures, most recent last
        self.requested: list[str] = []  # remote addresses the document asked for
        self._placeholder = placeholder(self.palette())
        self._apply_css()

    def _apply_css(self) -> None:
        self.document().setDefaultStyleSheet(
            theme.preview_css(self.palette())
            + "p{margin-top:0px;margin-bottom:12px;} li{margin-bottom:4px;}"
            + f"figcaption{{color:{theme.css_color(theme.subtle(self.palette()))};}}"
        )
        f = QFont(self.font())
        f.setPointSizeF(f.pointSizeF() * 1.12)
        self.document().setDefaultFont(f)

    def loadResource(self, kind: int, url: QUrl):  # type: ignore[override]
        if int(getattr(kind, "value", kind)) != IMAGE:
            return None  # no style sheets, no files: only what the article carries
        if url.scheme() in ("http", "https"):
            address = url.toString()
            self.requested.append(address)
            return self.images.get(address, self._placeholder)
        return None

    def add_image(self, url: str, image: QImage) -> None:
        self.images.pop(url, None)
        self.images[url] = image
        while len(self.images) > CACHE_SIZE:
            self.images.pop(next(iter(self.images)))
        self.document().addResource(IMAGE, QUrl(url), image)

    def resizeEvent(self, event: QEvent) -> None:  # type: ignore[override]
        super().resizeEvent(event)
        self.fit_column()

    def fit_column(self) -> None:
        """Lines of a comfortable length: on a wide pane the text is a centred column."""
        side = max(MARGIN, (self.viewport().width() - COLUMN) // 2)
        frame = self.document().rootFrame()
        fmt = frame.frameFormat()
        if fmt.leftMargin() != side:
            fmt.setLeftMargin(side)
            fmt.setRightMargin(side)
            frame.setFrameFormat(fmt)

    def relayout(self) -> None:
        doc = self.document()
        doc.markContentsDirty(0, doc.characterCount())
        self.viewport().update()

    def selected_text(self) -> str:
        text = self.textCursor().selectedText()
        return text.replace("\u2029", "\n").replace("\u2028", "\n").strip()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._placeholder = placeholder(self.palette())
            self._apply_css()


class ReaderPane(QWidget):
    """Title (a link), feed · author · date, the article's buttons, then the article."""

    link_clicked = Signal(QUrl)
    open_clicked = Signal()
    star_clicked = Signal()
    clip_clicked = Signal()
    load_images_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item: Item | None = None
        self.picture_urls: list[str] = []
        self.pictures_allowed = False
        self.pages = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)

        self.empty = QWidget()
        el = QVBoxLayout(self.empty)
        el.addStretch(1)
        self.empty_hint = Hint(KEYS_HINT)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        el.addWidget(self.empty_hint)
        el.addStretch(2)
        self.pages.addWidget(self.empty)

        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(18, 12, 12, 0)
        lay.setSpacing(6)
        self.title = QLabel()
        self.title.setObjectName("seekTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)  # a link; the title is escaped
        self.title.setOpenExternalLinks(False)
        self.title.linkActivated.connect(lambda url: self.link_clicked.emit(QUrl(url)))
        f = QFont(self.title.font())
        f.setPointSizeF(f.pointSizeF() * 1.45)
        f.setBold(True)
        self.title.setFont(f)
        self.meta = Hint()
        self.meta.setTextFormat(Qt.TextFormat.PlainText)  # feed title, author: plain text
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.title)
        lay.addWidget(self.meta)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        self.open_button = self._button("Open in browser", "Open the article on its website (o)")
        self.star_button = self._button("☆ Star", "Keep this article in Starred, forever (s)")
        self.clip_button = self._button(
            "Clip to journal",
            "Quote the selected passage (or the opening) in today's entry, with its source (c)",
        )
        self.images_button = self._button(
            "Load pictures", "Show this article's pictures (fetched from its website)"
        )
        self.open_button.clicked.connect(self.open_clicked)
        self.star_button.clicked.connect(self.star_clicked)
        self.clip_button.clicked.connect(self.clip_clicked)
        self.images_button.clicked.connect(self.load_images_clicked)
        for b in (self.open_button, self.star_button, self.clip_button, self.images_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.article = ArticleView()
        self.article.anchorClicked.connect(self.link_clicked)
        lay.addWidget(self.article, 1)
        self.pages.addWidget(page)
        self._relayout = QTimer(self, singleShot=True, interval=150)
        self._relayout.timeout.connect(self.article.relayout)

    @staticmethod
    def _button(text: str, tip: str) -> QPushButton:
        b = QPushButton(text)
        b.setToolTip(tip)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the list: j, k, s...
        return b

    # ---- showing ------------------------------------------------------------------------

    def show_item(self, item: Item, *, pictures: bool) -> None:
        same = self.item is not None and self.item.id == item.id
        self.item = item
        link = theme.css_color(self.palette().color(QPalette.ColorRole.Text))
        title = html.escape(item.title or "(untitled)")
        if item.url:
            self.title.setText(
                f'<a href="{html.escape(item.url)}" style="color:{link};text-decoration:none">'
                f"{title}</a>"
            )
            self.title.setToolTip(plain_tip(f"Open in the browser: {item.url}"))
        else:
            self.title.setText(title)
            self.title.setToolTip("")
        meta = [item.feed_title, item.author, long_date(item.published or item.sort_at)]
        self.meta.setText(" · ".join(m for m in meta if m))
        self.open_button.setEnabled(bool(item.url))
        self.set_starred(item.starred)
        body, self.picture_urls = prepare(item.html or "")
        if not same:
            self.pictures_allowed = pictures
        self.images_button.setVisible(bool(self.picture_urls) and not self.pictures_allowed)
        self.images_button.setText(
            "Load pictures" if len(self.picture_urls) != 1 else "Load the picture"
        )
        self.article.requested.clear()
        if not body.strip():
            body = "<p><i>This article has no text in the feed. Press o to open it.</i></p>"
        bar = self.article.verticalScrollBar()
        keep = bar.value() if same else 0
        self.article.setHtml(body)
        self.article.fit_column()
        bar.setValue(keep)
        self.pages.setCurrentIndex(1)

    def set_starred(self, starred: bool) -> None:
        self.star_button.setText("★ Starred" if starred else "☆ Star")
        if self.item is not None and self.item.starred != starred:
            from dataclasses import replace

            self.item = replace(self.item, starred=starred)

    def clear(self) -> None:
        self.item = None
        self.picture_urls = []
        self.article.clear()
        self.pages.setCurrentIndex(0)

    def missing_pictures(self) -> list[str]:
        return [u for u in self.picture_urls if u not in self.article.images]

    def picture_arrived(self, url: str, image: QImage) -> None:
        self.article.add_image(url, image)
        if url in self.picture_urls:
            self._relayout.start()

    def scroll_page(self) -> bool:
        """Space: one screen further; False when already at the end."""
        bar = self.article.verticalScrollBar()
        if self.pages.currentIndex() != 1 or bar.value() >= bar.maximum():
            return False
        bar.setValue(bar.value() + max(40, bar.pageStep() - 40))
        return True
