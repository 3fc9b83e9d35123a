"""The editor's pictures: Entry › Add picture…, and what a paste or drop offers.

Split from editor.py, which it serves: it asks for files (or takes the sources a
paste or drop found, markdown_edit.py), has them stored on the writer
(inline_images.keep) and says in the status bar what happened. A picture stored
after its entry was closed is not put into the next one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFileDialog

from pkm.gui.sense import inline_images


class EditorPictures:
    def __init__(self, editor: Any) -> None:
        self.editor = editor
        #: How picture files are chosen (tests replace it): their paths, [] when cancelled.
        self.choose: Callable[[], list[str]] = self._choose

    def add(self) -> None:
        """Entry › Add picture…: for whoever does not know a picture can be pasted or dropped."""
        ed = self.editor
        if ed.entry is None:
            return
        paths = self.choose()
        if paths:
            sources = [inline_images.Source(Path(p).name, path=Path(p)) for p in paths]
            self.keep(sources, QTextCursor(ed.text.textCursor()))

    def _choose(self) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(
            self.editor, "Add a picture", "", "Pictures (*.png *.jpg *.jpeg *.gif *.webp)"
        )
        return paths

    def keep(self, sources: list, cursor: QTextCursor) -> None:
        """Pasted, dropped or chosen pictures: stored on the writer, their Markdown at ``cursor``."""
        ed = self.editor
        if ed.entry is None:
            return
        ed.ctx.status.show_message("Adding the picture…")
        entry_id, session = ed.entry.id, ed.session
        inline_images.keep(
            ed.ops,
            ed.ctx.ws.home,
            sources,
            cursor,
            on_message=ed.ctx.status.show_error,
            before_insert=self._stored,
            still_open=lambda: ed.entry_id == entry_id and ed.session is session,
        )

    def _stored(self, refs: list[str]) -> None:
        for ref in refs:
            self.editor.text.images.forget(ref)
        self.editor.ctx.status.show_message(
            "Picture added. It is kept in your data folder and goes with the entry's exports."
            if len(refs) == 1
            else f"{len(refs)} pictures added."
        )
