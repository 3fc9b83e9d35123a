"""The entry editor: title, Markdown styled as typed (markdown_edit.py), tags, autosave.

The side preview (the core's HTML) is optional: View › Show preview, off for a new
user (the text itself is styled), remembered as ``editor.preview``; someone who had
it on before the styled editor keeps it (stage.restore_state).

What is typed reaches SQLite (on the writer thread) at most IDLE_MS after
typing stops and at least every MAX_MS while it goes on (autosave.py), and
when the entry is closed (switching entries, closing the window), together
with a revision snapshot. Writes from elsewhere to the open entry (restore,
a clip) reload it; if the user typed meanwhile, their text wins and the other
version is kept as a revision, so nothing is lost either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import unquote

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pkm.core.changes import Change
from pkm.core.errors import DiskFull
from pkm.core.journal import Entry
from pkm.core.journal.entries import SaveResult
from pkm.core.journal.merge import merge_text
from pkm.gui.operations import EditSession
from pkm.gui.sense import text_size
from pkm.gui.sense.autosave import Autosaver
from pkm.gui.sense.editor_pictures import EditorPictures
from pkm.gui.sense.editor_toolbar import EditorToolbar
from pkm.gui.sense.markdown_edit import MarkdownEdit, reading_font_size
from pkm.gui.sense.preview import Preview
from pkm.gui.stage import GuiContext
from pkm.gui.widgets import KIND_LABELS, Hint

PREVIEW_DELAY_MS = 250
RETRY_MS = 5_000  # after a failed save (a full disk): try again by itself
PREVIEW_KEY = "editor.preview"  # the side preview shown (remembered; off for a new user)


class EditorPane(QWidget):
    entry_shown = Signal(object)  # Entry: the editor now shows it
    entry_closed = Signal()
    open_entry_requested = Signal(int)
    search_requested = Signal(str)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ops = ctx.ops
        self.entry: Entry | None = None
        self.session: EditSession | None = None  # the open entry's stored base (operations.py)
        self._wanted: int | None = None  # the id being loaded
        self._saved_title: str | None = ""  # None after a failed save: retry next time
        self._saved_body: str | None = ""
        self._edited = False  # since it was opened: take a snapshot on close
        self._force_revision = False
        self._loading = False
        self._focus_when_shown = True  # the first entry shown gets the keyboard
        self.autosaver = Autosaver(self)
        self.autosaver.save_now.connect(self.save)
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._render_preview)
        self._retry_timer = QTimer(self, singleShot=True, interval=RETRY_MS)
        self._retry_timer.timeout.connect(self.save)
        self.zoom_steps = 0
        self.text_factor = text_size.factor(self.ops.setting(text_size.KEY, text_size.DEFAULT))
        self._build()
        self._apply_font()
        self.ops.changed.connect(self._on_changed)
        self.ops.flush_requested.connect(self.flush)
        ctx.hooks.editor_toolbar.run(self)  # Share adds its Publish button

    # ---- layout -------------------------------------------------------------------

    def _build(self) -> None:
        self.pages = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)

        self.empty = QWidget()
        el = QVBoxLayout(self.empty)
        el.addStretch(1)
        self.empty_hint = Hint(
            "No entry is open.\nPress Ctrl+T for today's entry, or pick one from the list."
        )
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        el.addWidget(self.empty_hint)
        el.addStretch(2)
        self.pages.addWidget(self.empty)

        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(14, 10, 14, 6)
        lay.setSpacing(4)
        top = QHBoxLayout()
        self.title_edit = QLineEdit()
        self.title_edit.setFrame(False)
        self.title_edit.setObjectName("entryTitle")
        self.title_edit.setPlaceholderText("Title")
        f = QFont(self.title_edit.font())
        f.setPointSizeF(f.pointSizeF() * 1.5)
        f.setBold(True)
        self.title_edit.setFont(f)
        self.title_edit.textEdited.connect(self._touched)
        self.title_edit.returnPressed.connect(lambda: self.text.setFocus())
        self.save_state = Hint()
        top.addWidget(self.title_edit, 1)
        top.addWidget(self.save_state)
        lay.addLayout(top)
        self.meta = Hint()
        self.meta.setOpenExternalLinks(False)
        self.meta.linkActivated.connect(self._on_meta_link)
        lay.addWidget(self.meta)
        self.toolbar = EditorToolbar(self)
        lay.addWidget(self.toolbar)

        self.split = QSplitter()
        self.split.setChildrenCollapsible(False)
        self.text = MarkdownEdit(media_home=self.ctx.ws.home)
        self.text.setObjectName("entryText")
        self.text.set_operations(self.ops)
        self.text.textChanged.connect(self._touched)
        self.text.wants_titles.connect(self._complete_titles)
        self.text.link_activated.connect(self.follow_link)
        self.pictures = EditorPictures(self)
        self.text.pictures_offered.connect(self.pictures.keep)
        self.preview = Preview(media_home=self.ctx.ws.home)
        self.preview.link_clicked.connect(self.follow_link)
        self._preview_base = self.preview.font().pointSizeF()
        self.split.addWidget(self.text)
        self.split.addWidget(self.preview)
        self.split.setSizes([1, 1])
        shown = bool(self.ops.setting(PREVIEW_KEY, False))
        self.toolbar.preview_action.setChecked(shown)
        self.preview.setVisible(shown)
        lay.addWidget(self.split, 1)
        self.pages.addWidget(page)
        self.pages.setCurrentWidget(self.empty)

    # ---- opening and closing ------------------------------------------------------

    @property
    def entry_id(self) -> int | None:
        return self.entry.id if self.entry else None

    def open_entry(
        self, entry_id: int, on_error: Callable[[BaseException], None] | None = None
    ) -> None:
        if self.entry is not None and self.entry.id == entry_id and self._wanted is None:
            self.entry_shown.emit(self.entry)
            return
        self.close_entry()
        self._wanted = entry_id
        self.ops.load_entry(
            entry_id, self._loaded, on_error=on_error or self.ctx.status.show_exception, owner=self
        )

    def focus_when_shown(self) -> None:
        """Put the keyboard in the text once the entry being opened is on screen."""
        self._focus_when_shown = True
        if self.entry is not None and self._wanted is None and self.isVisible():
            self.text.setFocus()

    def open_today(self) -> None:
        self.close_entry()
        self._focus_when_shown = True
        self._wanted = -1
        self.ops.open_today(self._loaded, owner=self)

    def _loaded(self, entry: Entry) -> None:
        if self._wanted not in (entry.id, -1):
            return  # the user asked for another entry meanwhile
        self._wanted = None
        self.show_entry(entry)

    def show_entry(self, entry: Entry, *, keep_cursor: bool = False) -> None:
        pos = self.text.textCursor().position() if keep_cursor else 0
        self._loading = True
        try:
            self.entry = entry
            self.session = EditSession(entry)
            self._retry_timer.stop()
            self.title_edit.setText(entry.title)
            self.text.setPlainText(entry.body)
            cursor = self.text.textCursor()
            cursor.setPosition(min(pos, len(entry.body)) if keep_cursor else len(entry.body))
            self.text.setTextCursor(cursor)
        finally:
            self._loading = False
        self._saved_title, self._saved_body = entry.title, entry.body
        self.autosaver.reset()
        self._show_meta(entry)
        self._set_save_state("")
        self.pages.setCurrentIndex(1)
        if self._focus_when_shown and self.isVisible():
            self._focus_when_shown = False
            self.text.setFocus()
        self._render_preview()
        self.entry_shown.emit(entry)

    def close_entry(self) -> None:
        """Save what was typed and keep a revision of it: the editor moves on."""
        if self.entry is None:
            return
        self.flush()
        if self._edited:
            self.ops.snapshot(self.entry.id)
        self._edited = False
        self.text.completer.popup().hide()

    def clear(self, hint: str | None = None) -> None:
        self.entry = None
        self.session = None
        self._wanted = None
        self.autosaver.reset()
        if hint:
            self.empty_hint.setText(hint)
        self.pages.setCurrentWidget(self.empty)
        self.entry_closed.emit()

    # ---- saving -------------------------------------------------------------------

    def _touched(self) -> None:
        if self._loading or self.entry is None:
            return
        self._edited = True
        self.autosaver.touched()
        self._set_save_state("Edited")
        self._preview_timer.start()

    def flush(self) -> None:
        self.autosaver.flush()

    @property
    def unsaved_error(self) -> BaseException | None:
        """Why the last save of the open entry failed (None once one succeeded).

        Read after the writer has run the queued saves (MainWindow.closeEvent)."""
        return self.session.failed if self.session is not None else None

    def save(self) -> None:
        """Queue a save of what is on screen (skipped if nothing changed)."""
        if self.entry is None or self.session is None:
            return
        title, body = self.title_edit.text().strip(), self.text.toPlainText()
        if title == self._saved_title and body == self._saved_body and not self._force_revision:
            self._set_save_state("Saved")
            return
        session = self.session
        self._saved_title, self._saved_body = title, body
        force, self._force_revision = self._force_revision, False
        self._set_save_state("Saving…")
        self._retry_timer.stop()

        def saved(result: SaveResult) -> None:
            if self.session is not session:
                return
            self.entry = result.entry
            self._show_meta(result.entry)
            if result.merged:
                self._take_merged(sent=body, stored=result.entry.body)
            if result.conflict:
                self.ctx.status.show_message(
                    "This entry was also changed elsewhere, at the same place. Your version "
                    "is kept; the other one is in History."
                )
            if not self.autosaver.dirty:
                self._set_save_state("Saved")

        def failed(exc: BaseException) -> None:
            if self.session is session:
                self._saved_body = None  # whatever is on screen is saved by the retry
                self._retry_timer.start()
                if isinstance(exc, DiskFull):
                    self._set_save_state("⚠ Not saved: disk full")
                    self.ctx.status.show_error(
                        "The disk is full: your latest words are not saved yet. They stay "
                        "here; free some space and pkm saves them by itself."
                    )
                    return
                self._set_save_state("Not saved")
            self.ctx.status.show_exception(exc)

        self.ops.save_edit(
            session,
            title=title if title != self.entry.title else None,
            body=body,
            force_revision=force,
            origin=self,
            on_done=saved,
            on_error=failed,
        )

    def _take_merged(self, *, sent: str, stored: str) -> None:
        """Another process added to the entry while we typed: show both changes.

        ``stored`` is ``sent`` merged with theirs; what was typed since ``sent`` is
        merged in again here, so no keystroke is lost and the cursor stays put.
        """
        on_screen = self.text.toPlainText()
        new = merge_text(sent, on_screen, stored)
        if new is None:  # typed over the very lines that came in: keep the typing
            self._force_revision = True
            return
        cursor = self.text.textCursor()
        pos = cursor.position()
        shift = len(new) - len(on_screen) if new[:pos] != on_screen[:pos] else 0
        self._loading = True
        try:
            edit = self.text.textCursor()
            edit.beginEditBlock()
            edit.select(edit.SelectionType.Document)
            edit.insertText(new)
            edit.endEditBlock()
            cursor = self.text.textCursor()
            cursor.setPosition(max(0, min(pos + shift, len(new))))
            self.text.setTextCursor(cursor)
        finally:
            self._loading = False
        self._saved_body = stored
        if new != stored:
            self.autosaver.touched()
        self._render_preview()

    def _set_save_state(self, text: str) -> None:
        self.save_state.setText(text)

    def _on_changed(self, change: Change, origin: object) -> None:
        if self.entry is None or origin is self:
            return  # our own save: its result came back with the stored entry
        entry_id = self.entry.id
        if entry_id in change.removed_entries:
            if origin is None and self._has_unsaved_text():
                self._keep_as_new_note()
                return
            self.clear("This entry is in the trash.\nUse Undo below, or press Ctrl+T for today's.")
        elif entry_id in change.entries:
            self.ops.load_entry(entry_id, self._refreshed, owner=self)

    def _has_unsaved_text(self) -> bool:
        return self.session is not None and (
            self.autosaver.dirty or self.text.toPlainText() != self.session.base.body
        )

    def _keep_as_new_note(self) -> None:
        """Another program trashed the entry while words typed here were not yet saved.

        Their delete stands, and the words are not lost either: they become a new
        note on the same day, which the editor opens (no save can reach a trashed entry).
        """
        assert self.entry is not None
        old_title, day = self.entry.title, dt.date.fromisoformat(self.entry.day)
        title = self.title_edit.text().strip() or old_title
        body = self.text.toPlainText()
        self.autosaver.reset()
        self._retry_timer.stop()
        self.clear("This entry was moved to the trash elsewhere.")

        def kept(entry: Entry) -> None:
            self.open_entry_requested.emit(entry.id)
            self.ctx.status.show_message(
                f"“{old_title}” was moved to the trash by another program while you were "
                "writing. Your text is kept in a new note."
            )

        self.ops.create_note(
            day, title=f"{title} (kept)"[:200], body=body, on_done=kept, owner=self
        )

    def _refreshed(self, entry: Entry) -> None:
        """Another writer (a restore, a clip, the CLI in another process) changed the entry."""
        if self.entry is None or self.session is None or entry.id != self.entry.id:
            return
        if entry.version == self.session.base.version:
            return  # nothing new: what we show is what is stored
        on_screen = self.text.toPlainText()
        if entry.body == on_screen and entry.title == self.title_edit.text().strip():
            self.entry = self.session.base = entry
            self._saved_title, self._saved_body = entry.title, entry.body
            self._show_meta(entry)
        elif self.autosaver.dirty or on_screen != self.session.base.body:
            # Typed meanwhile: the save merges both versions (compare-and-set on the
            # version the text is based on), then shows the merged text.
            self.save()
        else:
            self.show_entry(entry, keep_cursor=True)

    # ---- preview, links, tags ---------------------------------------------------------

    def _render_preview(self) -> None:
        if self.entry is not None and self.toolbar.preview_action.isChecked():
            self.ops.render(self.text.toPlainText(), self.preview.show_html, owner=self)

    def set_zoom(self, steps: int) -> None:
        """The writing's size: 10 % a step (View › Zoom) on top of the text size setting."""
        self.zoom_steps = steps
        self._apply_font()

    def set_text_size(self, choice: str) -> None:
        """Settings › General › Text size (text_size.SIZES); the zoom stays on top of it."""
        self.text_factor = text_size.factor(choice)
        self._apply_font()

    def _apply_font(self) -> None:
        zoom = 1 + 0.1 * self.zoom_steps
        f = self.text.font()
        f.setPointSizeF(reading_font_size(self.text_factor) * zoom)
        self.text.setFont(f)
        p = self.preview.font()
        p.setPointSizeF(self._preview_base * zoom * self.text_factor / text_size.FACTORS["medium"])
        self.preview.setFont(p)
        self._render_preview()

    def set_preview_visible(self, visible: bool) -> None:
        """View › Show preview (and the toolbar's Preview): remembered for the next start."""
        self.preview.setVisible(visible)
        if bool(self.ops.setting(PREVIEW_KEY, False)) != visible:
            self.ops.set_setting(PREVIEW_KEY, visible)
        if visible:
            self._render_preview()

    def _complete_titles(self, prefix: str) -> None:
        self.ops.titles(prefix, lambda titles: self.text.show_titles(prefix, titles), owner=self)

    def follow_link(self, url: QUrl) -> None:
        """Wiki links open (or create) the entry, tags search, web links go to the browser."""
        raw = bytes(url.toEncoded().data()).decode("ascii", "replace")
        if raw.startswith("pkm://entry/"):
            self.open_title(unquote(raw[len("pkm://entry/") :]))
        elif raw.startswith("pkm://tag/"):
            self.search_requested.emit("tag:" + unquote(raw[len("pkm://tag/") :]))
        elif url.scheme() in ("http", "https", "mailto"):
            self.ctx.window.open_link(url)  # says so, with Copy link, if nothing can open it

    def open_title(self, title: str) -> None:
        def resolved(entry: Entry | None) -> None:
            if entry is not None:
                self.open_entry_requested.emit(entry.id)
                return
            self.flush()
            self.ops.create_note(
                title=title,
                on_done=lambda e: self.open_entry_requested.emit(e.id),
                owner=self,
            )
            self.ctx.status.show_message(f"Created a note called “{title}”.")

        self.flush()
        self.ops.resolve_title(title, resolved, owner=self)

    def _show_meta(self, entry: Entry) -> None:
        day = dt.date.fromisoformat(entry.day)
        parts = [KIND_LABELS.get(entry.kind, entry.kind), f"{day:%A} {day.day} {day:%B %Y}"]
        tags = " ".join(f"<a href='tag:{t}'>#{t}</a>" for t in entry.tags)
        text = " · ".join(parts) + (" · " + tags if tags else " · add #tags in the text")
        self.meta.setText(text)

    def _on_meta_link(self, link: str) -> None:
        if link.startswith("tag:"):
            self.search_requested.emit(link)
