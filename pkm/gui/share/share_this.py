""" "Share this…" in the Sense editor: the step between a private entry and a post.

On the editor's toolbar, in the text's context menu and on Ctrl+Shift+P. With
a passage selected, the post starts as exactly that passage; with nothing
selected, as the entry's own writing without its prompt and clipped quotes
(pkm.core.journal.posts). On a post, the same action opens its post window.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolButton, QWidget

from pkm.core.journal import Entry
from pkm.gui.share.controller import ShareController

SHORTCUT = "Ctrl+Shift+P"
TIP = "Make a post from the selected passage, or from the entry's own writing ({key})"


def selected_text(editor: QWidget) -> str:
    """The selection as typed: Qt marks line breaks in a selection with U+2029."""
    return editor.text.textCursor().selectedText().replace("\u2029", "\n")  # type: ignore[attr-defined]


class ShareThis:
    def __init__(self, share: ShareController, editor: QWidget) -> None:
        self.share = share
        self.editor = editor
        self.action = QAction(editor)
        self.action.setObjectName("shareThis")
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.action.setToolTip(TIP.format(key=SHORTCUT))
        self._label("Share this…")
        self.action.triggered.connect(self.trigger)
        self.action.setEnabled(False)
        editor.addAction(self.action)
        self.button = QToolButton(editor)
        self.button.setObjectName("shareThisButton")
        self.button.setDefaultAction(self.action)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        editor.toolbar.add_share_widget(self.button)  # type: ignore[attr-defined]
        text = editor.text  # type: ignore[attr-defined]
        text.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        text.customContextMenuRequested.connect(self._context_menu)
        editor.entry_shown.connect(self._entry_shown)  # type: ignore[attr-defined]
        editor.entry_closed.connect(lambda: self.action.setEnabled(False))  # type: ignore[attr-defined]

    def _entry_shown(self, entry: Entry) -> None:
        self.action.setEnabled(True)
        if entry.kind == "post":
            self._label("Open post window…")
            self.action.setToolTip(f"Preview this post per target and publish it ({SHORTCUT})")
        else:
            self._label("Share this…")
            self.action.setToolTip(TIP.format(key=SHORTCUT))

    def _label(self, text: str) -> None:
        """Menus and the toolbar both show the "…" (a tool button drops it from a plain
        action text, and the "…" says a window opens first, nothing is sent yet)."""
        self.action.setText(text)
        self.action.setIconText(text)

    def trigger(self) -> None:
        entry: Entry | None = getattr(self.editor, "entry", None)
        if entry is None:
            return
        self.editor.flush()  # type: ignore[attr-defined]
        if entry.kind == "post":
            self.share.open_post(entry)
            return
        self.share.share_part(entry.id, selected_text(self.editor) or None)

    def _context_menu(self, pos: QPoint) -> None:
        text = self.editor.text  # type: ignore[attr-defined]
        menu = text.createStandardContextMenu(pos)
        first = menu.actions()[0] if menu.actions() else None
        menu.insertAction(first, self.action)
        menu.insertSeparator(first)
        self.menu = menu  # tests reach the open menu here
        menu.exec(text.mapToGlobal(pos))
        self.menu = None


def install(share: ShareController, editor: QWidget) -> ShareThis:
    return ShareThis(share, editor)
