"""The post window: what will be shared, beside how each target will show it.

Like MarsEdit's post window next to the blog: the title, the text drawn from
the journal (editable, saved as you type like any entry), its tags, and on
the right a preview for the chosen target with that target's limit counted
as you type. "Publish to …" goes through the same steps as the editor's
Publish menu (a preview the first time, then the link in the status area).

The post is an entry of kind 'post' kept from the moment the window opens,
so closing the window or pkm never loses it; "Discard post" moves it to the
trash (undoable like any entry).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from pkm.core import syntax
from pkm.core.journal import ClipSource, Entry
from pkm.core.journal.posts import from_my_reading
from pkm.core.publish.base import TargetConfig
from pkm.core.publish.limits import fit_for
from pkm.core.publish.log import Publication
from pkm.core.publish.media_upload import as_previewed
from pkm.core.publish.registry import BLOG_KINDS, adapter_class
from pkm.core.publish.render import build_post
from pkm.gui.operations import EditSession, SaveResult
from pkm.gui.sense.autosave import Autosaver
from pkm.gui.sense.markdown_edit import MarkdownEdit
from pkm.gui.sense.preview import Preview
from pkm.gui.share.controller import ShareController
from pkm.gui.share.kinds import info
from pkm.gui.share.ops import PostContext
from pkm.gui.share.post_preview import preview_html
from pkm.gui.share.words import plain_error, when
from pkm.gui.widgets import Hint

LINKEDIN = "linkedin"  # the preview choice for a LinkedIn post (copy and paste, no target)
PREVIEW_DELAY_MS = 150


def parse_tags(text: str) -> list[str]:
    """'strategy, #trust  board' -> ['strategy', 'trust', 'board']."""
    out: list[str] = []
    for part in text.replace(",", " ").split():
        tag = syntax.normalize_tag(part.lstrip("#"))
        if tag and tag not in out:
            out.append(tag)
    return out


class PostWindow(QWidget):
    """One post. Needs the share controller; the post must already be stored."""

    #: The user asked to see the entry the post came from.
    open_entry = Signal(int)

    def __init__(
        self,
        share: ShareController,
        post: Entry,
        sources: tuple[ClipSource, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("postWindow")
        self.share = share
        self.ops = share.ctx.ops
        self.post = post
        self.session = EditSession(post)
        self.sources = sources
        self.context: PostContext | None = None
        self.targets: list[TargetConfig] = []
        self.pubs: dict[str, Publication] = {}
        self._loading = False
        self.autosaver = Autosaver(self)
        self.autosaver.save_now.connect(self.save)
        self._saved = (post.title, post.body)
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.update_preview)
        self.setWindowTitle(f"Post: {post.title}")
        self.resize(1180, 760)
        self._build()
        self._show_text(post)
        self.ops.flush_requested.connect(self.flush)
        self.ops.changed.connect(self._on_changed)
        share.ops.targets_changed.connect(self.reload)
        share.ops.publications_changed.connect(self._publications_changed)
        share.ops.running_changed.connect(self._update_buttons)
        self.reload()

    # ---- building ----------------------------------------------------------------

    def _build(self) -> None:
        split = QSplitter(self)
        split.setChildrenCollapsible(False)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(16, 12, 8, 12)
        ll.setSpacing(6)
        self.source_label = Hint("")
        self.source_label.setObjectName("postSource")
        self.source_label.setOpenExternalLinks(False)
        self.source_label.linkActivated.connect(self._source_clicked)
        ll.addWidget(self.source_label)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("postTitle")
        self.title_edit.setPlaceholderText("Title readers will see")
        f = QFont(self.title_edit.font())
        f.setPointSizeF(f.pointSizeF() * 1.4)
        f.setBold(True)
        self.title_edit.setFont(f)
        self.title_edit.textEdited.connect(self._touched)
        ll.addWidget(self.title_edit)
        self.text = MarkdownEdit()
        self.text.setObjectName("postText")
        self.text.textChanged.connect(self._touched)
        ll.addWidget(self.text, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Tags:"))
        self.tags_edit = QLineEdit()
        self.tags_edit.setObjectName("postTags")
        self.tags_edit.setPlaceholderText("No tags: add some, e.g. strategy, leadership")
        self.tags_edit.setToolTip("Tags go with the post where the target has tags (blogs)")
        self.tags_edit.editingFinished.connect(self._tags_edited)
        row.addWidget(self.tags_edit, 1)
        ll.addLayout(row)
        self.attribution = QCheckBox()
        self.attribution.setObjectName("postAttribution")
        self.attribution.toggled.connect(self._attribution_toggled)
        ll.addWidget(self.attribution)
        self.save_state = Hint("")
        ll.addWidget(self.save_state)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(8, 12, 16, 12)
        rl.setSpacing(6)
        top = QHBoxLayout()
        top.addWidget(QLabel("Preview for:"))
        self.target_box = QComboBox()
        self.target_box.setObjectName("postPreviewTarget")
        self.target_box.currentIndexChanged.connect(self._target_chosen)
        top.addWidget(self.target_box, 1)
        rl.addLayout(top)
        self.counter = QLabel("")
        self.counter.setObjectName("postCounter")
        rl.addWidget(self.counter)
        # The editor's preview: it draws the post's images from the data folder's media
        # store (and nothing else from disk or the network), as the target will show them.
        self.preview = Preview(media_home=self.share.ctx.ws.home)
        self.preview.setObjectName("postPreview")
        self.preview.setPlaceholderText("")
        rl.addWidget(self.preview, 1)
        self.warning = Hint("")
        self.warning.setObjectName("postWarning")
        self.warning.setVisible(False)
        rl.addWidget(self.warning)
        self.state = Hint("")
        self.state.setObjectName("postState")
        self.state.setOpenExternalLinks(False)
        self.state.linkActivated.connect(self.share.open_url)
        rl.addWidget(self.state)
        buttons = QHBoxLayout()
        self.discard_button = QPushButton("Discard post")
        self.discard_button.setObjectName("postDiscard")
        self.discard_button.setToolTip("Move this post to the trash (you can undo)")
        self.discard_button.clicked.connect(self.discard)
        buttons.addWidget(self.discard_button)
        buttons.addStretch(1)
        self.first_button = QPushButton("")
        self.first_button.setObjectName("postPublishBlogFirst")
        self.first_button.setVisible(False)
        self.first_button.clicked.connect(self._publish_blog_first)
        buttons.addWidget(self.first_button)
        self.publish_button = QPushButton("Publish")
        self.publish_button.setObjectName("postPublish")
        self.publish_button.setDefault(True)
        self.publish_button.clicked.connect(self.publish)
        buttons.addWidget(self.publish_button)
        rl.addLayout(buttons)

        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.publish)
        QShortcut(QKeySequence.StandardKey.Close, self, activated=self.close)

    def _show_text(self, post: Entry) -> None:
        self.session.base = post
        self._loading = True
        try:
            self.title_edit.setText(post.title)
            self.text.setPlainText(post.body)
            self.tags_edit.setText(", ".join(post.explicit_tags or post.tags))
        finally:
            self._loading = False
        self._update_attribution()
        self._preview_timer.start()

    # ---- data ----------------------------------------------------------------------

    def reload(self) -> None:
        self.share.ops.post_context(self.post.id, self._context_loaded, owner=self)

    def _publications_changed(self, entry_id: object) -> None:
        if entry_id is None or entry_id == self.post.id:
            self.reload()

    def _context_loaded(self, ctx: PostContext) -> None:
        self.context = ctx
        self.sources = ctx.sources or self.sources
        self._update_attribution()
        self.targets = ctx.targets
        self.pubs = {p.target.lower(): p for p in ctx.publications}
        if ctx.source is not None:
            self.source_label.setText(
                f"Drawn from <a href='entry:{ctx.source.id}'>{html.escape(ctx.source.title)}</a>"
                " in your journal. Only what is here is shared."
            )
        elif self.post.source_id is not None:
            self.source_label.setText("Drawn from an entry that is no longer in your journal.")
        else:
            self.source_label.setText("A post written from scratch.")
        self._fill_targets()
        self.update_preview()

    def _fill_targets(self) -> None:
        current = self.target_box.currentData()
        self.target_box.blockSignals(True)
        self.target_box.clear()
        for t in self.targets:
            self.target_box.addItem(f"{t.name}  ({info(t.kind).label})", t.name)
        self.target_box.addItem("A LinkedIn post (copy and paste)", LINKEDIN)
        wanted = current
        if wanted is None:
            wanted = self.share.last_post_target()
        index = self.target_box.findData(wanted) if wanted is not None else -1
        if index < 0:
            blogs = [i for i, t in enumerate(self.targets) if t.kind in BLOG_KINDS]
            index = blogs[0] if blogs else 0
        self.target_box.setCurrentIndex(index)
        self.target_box.blockSignals(False)

    def target(self) -> TargetConfig | None:
        name = self.target_box.currentData()
        return next((t for t in self.targets if t.name == name), None)

    def _target_chosen(self, _index: int) -> None:
        name = self.target_box.currentData()
        if name is not None:
            self.share.set_last_post_target(name)
        self.update_preview()

    # ---- typing and saving ---------------------------------------------------------------

    def _touched(self) -> None:
        if self._loading:
            return
        self.autosaver.touched()
        self.save_state.setText("Editing…")
        self._preview_timer.start()
        self._update_attribution()

    def current_entry(self) -> Entry:
        """The post as it is on screen (saved or not): what the preview shows."""
        from dataclasses import replace

        return replace(
            self.post,
            title=self.title_edit.text().strip() or self.post.title,
            body=self.text.toPlainText(),
            tags=tuple(parse_tags(self.tags_edit.text())) or self.post.tags,
        )

    def flush(self) -> None:
        self.autosaver.flush()

    def save(self) -> None:
        title, body = self.title_edit.text().strip(), self.text.toPlainText()
        if (title or self.post.title, body) == self._saved:
            self.save_state.setText("Saved")
            return
        self._saved = (title or self.post.title, body)

        def saved(result: SaveResult) -> None:
            self.post = result.entry
            self.setWindowTitle(f"Post: {self.post.title}")
            self.save_state.setText("Saved")
            if result.merged:
                self._show_text(result.entry)

        def failed(exc: BaseException) -> None:
            self._saved = ("", "")
            self.save_state.setText(plain_error(exc))
            QTimer.singleShot(5000, self.autosaver.touched)

        self.ops.save_edit(
            self.session,
            title=title or None,
            body=body,
            origin=self,
            on_done=saved,
            on_error=failed,
            owner=self,
        )

    def unsaved_error(self) -> BaseException | None:
        return self.session.failed

    def _tags_edited(self) -> None:
        tags = parse_tags(self.tags_edit.text())
        if tuple(tags) != tuple(self.post.explicit_tags):
            self.flush()
            self.share.ops.set_tags(self.post.id, tags)
            self.post = self.current_entry()
            self._preview_timer.start()

    def _on_changed(self, change: object, origin: object) -> None:
        if origin is self:
            return
        entries = getattr(change, "entries", set())
        if self.post.id in entries:
            self.reload()

    # ---- "From my reading" ---------------------------------------------------------------

    def _update_attribution(self) -> None:
        n = len(self.sources)
        self.attribution.setVisible(n > 0)
        if not n:
            return
        body = self.text.toPlainText()
        has = "*From my reading:*" in body
        self.attribution.blockSignals(True)
        self.attribution.setChecked(has)
        self.attribution.blockSignals(False)
        names = ", ".join(f"“{s.title or s.url}”" for s in self.sources[:2])
        more = f" and {n - 2} more" if n > 2 else ""
        self.attribution.setText(f"End with “From my reading”: {names}{more}")

    def _attribution_toggled(self, on: bool) -> None:
        body = self.text.toPlainText()
        if on:
            new = from_my_reading(body, self.sources)
        else:
            head, sep, _tail = body.rpartition("\n\n*From my reading:*")
            new = (head.rstrip() + "\n") if sep else body
        if new != body:
            self.text.setPlainText(new)  # undoable with Ctrl+Z, like any edit

    # ---- the preview ---------------------------------------------------------------------

    def blog_link(self) -> str:
        for p in self.pubs.values():
            if p.kind in BLOG_KINDS and p.state == "published" and p.url:
                return p.url
        return ""

    def update_preview(self) -> None:
        entry = self.current_entry()
        name = self.target_box.currentData()
        target = self.target()
        kind = target.kind if target is not None else (LINKEDIN if name == LINKEDIN else "")
        link = self.blog_link() if kind not in BLOG_KINDS else ""
        post = build_post(entry, link=link, media_home=self.share.ctx.ws.home)
        where = info(kind).label if target is not None else "LinkedIn"
        adapter = adapter_class(kind)(target, None) if target is not None else None
        post, images_note = as_previewed(adapter, post, where)
        fit = fit_for(kind, post, target.cache if target is not None else {})
        room = max(120, self.preview.viewport().width() - 48)
        self.preview.show_html(preview_html(adapter, kind, post, fit, room))
        self.counter.setText(fit.counter(where) if fit.plain else "")
        self.counter.setVisible(fit.plain)
        warning = ""
        blog = self._blog_target()
        self.first_button.setVisible(False)
        if fit.too_long:
            warning = (
                f"This post is longer than {where} allows. Publish it to your blog first: "
                f"{where} then gets the opening with a link to it. Or shorten it here."
            )
            if blog is not None:
                self.first_button.setText(f"Publish to {blog.name} first")
                self.first_button.setVisible(True)
        elif fit.cut:
            warning = (
                f"Too long for {where} in full: it gets the opening, with a link to your blog "
                "post for the rest (as shown)."
            )
        warning = " ".join(w for w in (warning, images_note) if w)
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        self._fit_warning()
        self._show_state(target, name)
        self._update_buttons()

    def _blog_target(self) -> TargetConfig | None:
        return next((t for t in self.targets if t.kind in BLOG_KINDS), None)

    def _show_state(self, target: TargetConfig | None, name: object) -> None:
        if target is None:
            self.state.setText(
                "LinkedIn offers no way to post for you: pkm copies the text and opens "
                "LinkedIn's share page to paste it."
                if name == LINKEDIN
                else "Add a target in Settings → Targets to publish this post."
            )
            return
        pub = self.pubs.get(target.name.lower())
        if pub is None:
            self.state.setText(f"Not yet on {target.name}.")
            return
        now = self.share.now()
        if pub.state == "published":
            word = "Saved as a draft on" if pub.status == "draft" else "Published to"
            text = f"{word} {html.escape(target.name)} {when(pub.published_at, now)}"
            if self.post.updated > (pub.published_at or "") or self.autosaver.dirty:
                text += " · edited since: publish again to update it"
            if pub.url:
                text += f" · <a href='{html.escape(pub.url, quote=True)}'>Open</a>"
            self.state.setText(text)
        elif pub.state == "pending":
            self.state.setText(f"Not confirmed by {html.escape(target.name)}: try again.")
        else:
            self.state.setText(f"Failed on {html.escape(target.name)}: {html.escape(pub.error)}")

    def _update_buttons(self) -> None:
        target = self.target()
        name = self.target_box.currentData()
        if target is None:
            self.publish_button.setText("Share on LinkedIn…" if name == LINKEDIN else "Publish")
            self.publish_button.setEnabled(name == LINKEDIN)
            return
        running = self.share.ops.is_running(self.post.id, target.name)
        pub = self.pubs.get(target.name.lower())
        live = pub is not None and pub.state == "published" and pub.status != "draft"
        verb = "Update on" if live and info(target.kind).can_edit else "Publish to"
        self.publish_button.setText("Publishing…" if running else f"{verb} {target.name}")
        self.publish_button.setEnabled(not running)

    # ---- actions -------------------------------------------------------------------------

    def publish(self) -> None:
        target = self.target()
        if target is None:
            if self.target_box.currentData() == LINKEDIN:
                self.flush()
                self.share.share_on_linkedin(self.post.id)
            return
        self.flush()
        title = self.title_edit.text().strip() or self.post.title
        self.share.publish(
            self.post.id, title, target, self.pubs.get(target.name.lower()), parent=self
        )

    def _publish_blog_first(self) -> None:
        blog = self._blog_target()
        if blog is not None:
            index = self.target_box.findData(blog.name)
            self.target_box.setCurrentIndex(index)
            self.publish()

    def discard(self) -> None:
        self.flush()
        post_id, title, ops = self.post.id, self.post.title, self.ops
        self.autosaver.reset()
        # Deleted after the queued save of the last words (the writer runs them in order),
        # so "Undo" brings back the post as it was on screen.
        ops.delete_entry(post_id)
        self.share.status.show_undo(
            f"Moved the post “{title}” to the trash.", lambda: ops.restore_entry(post_id)
        )
        self.close()

    def _source_clicked(self, link: str) -> None:
        if link.startswith("entry:"):
            self.flush()
            self.open_entry.emit(int(link.split(":", 1)[1]))

    def _fit_warning(self) -> None:
        """A wrapped label in a splitter's pane is not given its height for its width by
        the layout (QSplitter ignores height-for-width): two lines were drawn in the
        room of one. Ask for that height explicitly whenever the text or width changes."""
        wanted = self.warning.heightForWidth(self.warning.width()) if self.warning.text() else 0
        self.warning.setMinimumHeight(max(0, wanted))

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_warning)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        super().closeEvent(event)


def open_post_window(share: ShareController, post: Entry, sources: tuple = ()) -> PostWindow:
    """One window per post: raise it if open, else make it (it is then in
    ``share.post_windows`` until closed, so closing pkm flushes it)."""
    for w in share.post_windows:
        if w.post.id == post.id:
            w.raise_()
            w.activateWindow()
            return w
    window = PostWindow(share, post, sources, parent=share.ctx.window)  # type: ignore[arg-type]
    window.open_entry.connect(share.ctx.window.open_entry.emit)
    share.post_windows.append(window)
    window.destroyed.connect(lambda _o=None: _gone(share, window))
    window.show()
    window.text.setFocus()
    return window


def _gone(share: ShareController, window: PostWindow) -> None:
    if window in share.post_windows:
        share.post_windows.remove(window)
