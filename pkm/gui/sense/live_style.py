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

import itertools
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
TOUCHED_MAX = 60  # more blocks restyled at once than this: the whole view is repainted

#: The height a line that is only an image should have, or None (not known/not shown).
ImageHeight = Callable[[str], int | None]


def fence_open_before(block: QTextBlock) -> bool:
    """Whether a code fence is open above this block (bit 0 of the previous block's state)."""
    prev = block.previous()
    state = prev.userState() if prev.isValid() else -1
    return state >= 0 and bool(state & 1)


def line_style(block: QTextBlock) -> LineStyle:
    """The parsed look of a block (cached by text and fence state in md_spans)."""
    return parse_line(block.text(), fence_open_before(block))


def pack_state(fence: bool, generation: int, height: int) -> int:
    """A block's state: bit 0 the fence, bits 1-8 the layout generation, then its height.

    The height a block had when it was last drawn is kept with it, so after a keystroke
    the editor can tell, without laying the line out twice, whether the lines below
    moved (MarkdownEdit._layout_update). The generation changes whenever every line may
    change height (a resize, a font or palette change): older heights are then unknown."""
    return int(fence) | (generation & 0xFF) << 1 | max(0, height) << 9


def known_height(state: int, generation: int) -> int:
    """The height stored in a block's state, or -1 if it is unknown or stale."""
    if state < 0 or (state >> 1) & 0xFF != generation & 0xFF:
        return -1
    return state >> 9


class LiveStyler(QSyntaxHighlighter):
    def __init__(self, edit: QPlainTextEdit, image_height: ImageHeight | None = None) -> None:
        super().__init__(edit.document())
        self.edit = edit
        self.image_height: ImageHeight = image_height or (lambda ref: None)
        self.active_block = QTextBlock()  # the block whose reveal range holds the cursor
        self.active_groups: tuple[int, ...] = ()
        self._formats: dict[tuple, QTextCharFormat] = {}
        self._touched: list[tuple[QTextBlock, int]] = []  # see MarkdownEdit._layout_update
        self.generation = 0  # see pack_state
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
        self.generation += 1
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

    def take_touched(self) -> list[tuple[QTextBlock, int]] | None:
        """The blocks restyled since the last call, with their heights before (None: many)."""
        touched, self._touched = self._touched, []
        return None if len(touched) > TOUCHED_MAX else touched

    def highlightBlock(self, text: str) -> None:
        block = self.currentBlock()
        old = self.currentBlockState()
        if len(self._touched) <= TOUCHED_MAX:
            self._touched.append((block, known_height(old, self.generation)))
        prev = self.previousBlockState()
        style = parse_line(text, prev >= 0 and bool(prev & 1))
        # Only the fence bit may change here, so a new height alone never restyles the next line.
        self.setCurrentBlockState((old & ~1 if old >= 0 else 0) | int(style.in_fence))
        n = len(text)
        if not n:
            return
        active = self.active_groups if block == self.active_block else ()
        base = style.base
        set_format = self.setFormat
        resolved: list[tuple[int, int, str]] = []
        cuts = {0, n}
        anchor = -1
        for span in style.spans:
            kind = span.kind
            if kind == "fold":
                kind = "mark" if span.group in active else "fold"
            elif kind == "image-anchor":
                height = self.image_height(span.data)
                if height is None:  # a missing or unreadable image: its Markdown, faintly
                    set_format(0, n, self._format(base, ("mark",)))
                    return
                set_format(span.start, 1, self._anchor(height))
                anchor = span.start
                continue
            resolved.append((span.start, min(span.end, n), kind))
            cuts.add(span.start)
            cuts.add(min(span.end, n))
        spaced = base in ("", "quote")  # headings are spaced by their size, code stays compact
        gap = self._format(base, ("gap",))
        plain = self._format(base, ()) if base else None
        points = sorted(cuts)
        for a, b in itertools.pairwise(points):
            if a == anchor:
                a += 1
                if a >= b:
                    continue
            kinds = tuple(k for s, e, k in resolved if s <= a and b <= e)
            if "fold" in kinds:
                for i in range(a, b):
                    set_format(i, 1, self._fold(text[i]))
            elif kinds:
                set_format(a, b - a, self._format(base, kinds))
            else:
                if plain is not None:
                    set_format(a, b - a, plain)
                if spaced:
                    i = text.find(" ", a, b)
                    while i >= 0:
                        set_format(i, 1, gap)
                        i = text.find(" ", i + 1, b)

    # ---- the cursor reveals what is folded ------------------------------------------

    def follow_cursor(self) -> None:
        """Unfold the link the cursor is in; fold the one it left (two lines restyled)."""
        cursor = self.edit.textCursor()
        block = cursor.block()
        groups = line_style(block).reveal_at(cursor.positionInBlock())
        if not groups:
            block = QTextBlock()
        if block == self.active_block and groups == self.active_groups:
            return
        old = self.active_block
        self.active_block, self.active_groups = block, groups
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
