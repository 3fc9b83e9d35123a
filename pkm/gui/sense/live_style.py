"""Markdown styled as it is typed: character formats over the stored text.

A QSyntaxHighlighter on the editor's document. Qt calls it for the lines an
edit touched (and the lines after, while a code fence opens or closes), never
the whole document per keystroke. It only sets *formats*: the text, the undo
history, autosave and revisions see exactly the Markdown that was typed.

What a format cannot do is drawn by live_paint.py (chips, quote bars, task
boxes, bullets, images); the marks those replace are made transparent here.
A folded range (a link's URL, a wiki link's brackets) is collapsed: each
character gets a 1-point transparent font and a negative letter spacing of
its own advance, so it takes no room at all, until the cursor enters that
link (``active``), when it comes back as faint text to edit.

Colours come from the editor's palette, so dark mode is readable; formats
are rebuilt (and the document restyled once) when the palette or the font
changes (zoom, text size), which is rare, never per key.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QPalette,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
)
from PySide6.QtWidgets import QPlainTextEdit

from pkm.gui import theme
from pkm.gui.sense.md_spans import LineStyle, parse_line

HEADING_SCALE = {"h1": 1.55, "h2": 1.3, "h3": 1.15, "h4": 1.05, "h5": 1.0, "h6": 1.0}
QUOTE_INDENT = 0.6  # each quote mark (">", " ") widened by this many spaces: room for the bar
TRANSPARENT = QColor(0, 0, 0, 0)
#: Line spacing: spaces of ordinary text are set this much larger (their extra width taken
#: back by a negative letter spacing), so a line is this much taller than its font's own,
#: the one way to space lines in QPlainTextEdit without changing block formats (undo steps).
LINE_SPACING = 1.3

#: The height a line that is only an image should have, or None (not known/not shown).
ImageHeight = Callable[[str], int | None]


def line_style(block: QTextBlock) -> LineStyle:
    """The parsed look of a block (cached by text and fence state in md_spans)."""
    prev = block.previous()
    return parse_line(block.text(), prev.isValid() and prev.userState() == 1)


class LiveStyler(QSyntaxHighlighter):
    def __init__(self, edit: QPlainTextEdit, image_height: ImageHeight | None = None) -> None:
        super().__init__(edit.document())
        self.edit = edit
        self.image_height: ImageHeight = image_height or (lambda ref: None)
        self.active_block = QTextBlock()  # the block whose reveal range holds the cursor
        self.active_group = -1
        self._formats: dict[tuple, QTextCharFormat] = {}
        self._kinds: dict[str, QTextCharFormat] = {}
        self._bases: dict[str, QTextCharFormat] = {}
        self.build_formats()
        edit.cursorPositionChanged.connect(self.follow_cursor)

    # ---- formats --------------------------------------------------------------------

    def build_formats(self) -> None:
        """The formats of each look, from the palette and font now in use."""
        pal = self.edit.palette()
        font = self.edit.font()
        size = font.pointSizeF()
        text = pal.color(QPalette.ColorRole.Text)
        faint = theme.mix(text, pal.color(QPalette.ColorRole.Base), 0.55)
        subtle = theme.mix(text, pal.color(QPalette.ColorRole.Base), 0.3)
        link = pal.color(QPalette.ColorRole.Link)
        if theme.is_dark(pal) and link.lightness() < 140:
            link = link.lighter(160)  # Qt's default link blue is unreadable on dark grey
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
        code_bg = theme.mix(pal.color(QPalette.ColorRole.Base), text, 0.08)
        space = QFontMetricsF(font).horizontalAdvance(" ")

        def fmt(**kw: object) -> QTextCharFormat:
            f = QTextCharFormat()
            for name, value in kw.items():
                getattr(f, "set" + name[0].upper() + name[1:])(value)
            return f

        bases = {"": QTextCharFormat()}
        for h, scale in HEADING_SCALE.items():
            bases[h] = fmt(fontPointSize=size * scale, fontWeight=QFont.Weight.Bold)
        bases["quote"] = fmt(foreground=subtle, fontItalic=True)
        bases["fence"] = fmt(fontFamilies=[mono], background=code_bg)
        bases["fence-mark"] = fmt(fontFamilies=[mono], foreground=faint)
        bases["rule"] = QTextCharFormat()
        bases["image"] = QTextCharFormat()
        quote_mark = fmt(foreground=TRANSPARENT)
        quote_mark.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
        quote_mark.setFontLetterSpacing(space * QUOTE_INDENT)
        chip_text = theme.mix(text, pal.color(QPalette.ColorRole.Highlight), 0.35)
        kinds = {
            "mark": fmt(foreground=faint),
            "hide": fmt(foreground=TRANSPARENT),
            "quote-mark": quote_mark,
            "bullet": fmt(foreground=TRANSPARENT),
            "checkbox": fmt(foreground=TRANSPARENT),
            "done": fmt(foreground=faint, fontStrikeOut=True),
            "number": fmt(foreground=subtle),
            "code": fmt(fontFamilies=[mono], background=code_bg),
            "link": fmt(foreground=link, fontUnderline=True),
            "url": fmt(foreground=link),
            "tag": fmt(foreground=chip_text),
            "wiki": fmt(foreground=chip_text),
            "bold": fmt(fontWeight=QFont.Weight.Bold),
            "italic": fmt(fontItalic=True),
            "strike": fmt(fontStrikeOut=True),
        }
        gap = fmt(fontPointSize=size * LINE_SPACING)
        wide = QFont(font)
        wide.setPointSizeF(size * LINE_SPACING)
        gap.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
        gap.setFontLetterSpacing(space - QFontMetricsF(wide).horizontalAdvance(" "))
        kinds["gap"] = gap
        self._bases, self._kinds, self._formats = bases, kinds, {}
        self._fold_font = QFont(font)
        self._fold_font.setPointSizeF(1.0)

    def refresh(self) -> None:
        """Palette or font changed: new formats, the document restyled once."""
        self.build_formats()
        self._quietly(self.rehighlight)

    def _format(self, base: str, kinds: tuple[str, ...]) -> QTextCharFormat:
        key = (base, kinds)
        f = self._formats.get(key)
        if f is None:
            f = QTextCharFormat(self._bases.get(base, self._bases[""]))
            for kind in kinds:
                extra = self._kinds.get(kind)
                if extra is not None:
                    f.merge(extra)
            self._formats[key] = f
        return f

    def _fold(self, ch: str) -> QTextCharFormat:
        key = ("fold", ch)
        f = self._formats.get(key)
        if f is None:
            f = QTextCharFormat()
            f.setFontPointSize(1.0)
            f.setForeground(TRANSPARENT)
            f.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
            f.setFontLetterSpacing(-QFontMetricsF(self._fold_font).horizontalAdvance(ch))
            self._formats[key] = f
        return f

    def _anchor(self, height: int) -> QTextCharFormat:
        """The one character that makes an image's line as tall as the image."""
        key = ("anchor", height)
        f = self._formats.get(key)
        if f is None:
            probe = QFont(self.edit.font())
            probe.setPointSizeF(100.0)
            per_point = QFontMetricsF(probe).height() / 100.0
            probe.setPointSizeF(max(1.0, height / per_point))
            f = QTextCharFormat()
            f.setFontPointSize(probe.pointSizeF())
            f.setForeground(TRANSPARENT)
            f.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
            f.setFontLetterSpacing(-QFontMetricsF(probe).horizontalAdvance("!"))
            self._formats[key] = f
        return f

    # ---- styling a line -------------------------------------------------------------

    def highlightBlock(self, text: str) -> None:
        prev = self.previousBlockState()
        style = parse_line(text, prev == 1)
        self.setCurrentBlockState(1 if style.in_fence else 0)
        n = len(text)
        if not n:
            return
        block = self.currentBlock()
        active = self.active_group if block == self.active_block else -1
        layers: list[tuple[str, ...]] = [()] * n
        anchor: tuple[int, str] | None = None
        for span in style.spans:
            kind = span.kind
            if kind == "fold":
                kind = "mark" if span.group == active else "fold"
            elif kind == "image-anchor":
                anchor = (span.start, span.data)
                continue
            for i in range(span.start, min(span.end, n)):
                layers[i] = (*layers[i], kind)
        base = style.base
        if base in ("", "quote"):  # headings are spaced by their size, code stays compact
            start = text.find(" ")
            while start >= 0:
                if not layers[start]:
                    layers[start] = ("gap",)
                start = text.find(" ", start + 1)
        if anchor is not None:
            height = self.image_height(anchor[1])
            if height is None:  # a missing or unreadable image: show its Markdown, faintly
                self.setFormat(0, n, self._format(base, ("mark",)))
                return
            self.setFormat(anchor[0], 1, self._anchor(height))
        start = 0
        while start < n:
            kinds = layers[start]
            if "fold" in kinds:
                self.setFormat(start, 1, self._fold(text[start]))
                start += 1
                continue
            end = start + 1
            while end < n and layers[end] == kinds:
                end += 1
            if (kinds or base) and (anchor is None or start != anchor[0]):
                self.setFormat(start, end - start, self._format(base, kinds))
            start = end

    # ---- the cursor reveals what is folded ------------------------------------------

    def follow_cursor(self) -> None:
        """Unfold the link the cursor is in; fold the one it left (two lines restyled)."""
        cursor = self.edit.textCursor()
        block = cursor.block()
        group = line_style(block).reveal_at(cursor.positionInBlock())
        if group < 0:
            block = QTextBlock()
        if block == self.active_block and group == self.active_group:
            return
        old = self.active_block
        self.active_block, self.active_group = block, group
        if old.isValid():
            self._quietly(lambda: self.rehighlightBlock(old))
        if block.isValid() and block != old:
            self._quietly(lambda: self.rehighlightBlock(block))

    def restyle(self, block: QTextBlock) -> None:
        """Style one block again (its picture's size changed), without an edit signal."""
        self._quietly(lambda: self.rehighlightBlock(block))

    def _quietly(self, fn: Callable[[], None]) -> None:
        """Restyling is not an edit: the editor must not see textChanged (autosave)."""
        blocked = self.edit.blockSignals(True)
        try:
            fn()
        finally:
            self.edit.blockSignals(blocked)
