"""The Publish button on the Sense editor's toolbar: every target, one click each.

The menu lists the configured targets with, for the open entry, where it
already went ("Published · 2 days ago", "· edited since" when the entry has
changed after that) or "Not yet", then "Share on
LinkedIn…" and a way to add or manage targets. What the menu shows is
loaded off the GUI thread whenever the entry, the targets or the log
change, so opening it is instant and never touches the database.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from pkm.core.journal import Entry
from pkm.core.publish.base import TargetConfig
from pkm.core.publish.log import Publication
from pkm.gui.share.controller import ShareController
from pkm.gui.share.kinds import info, shown_name
from pkm.gui.share.look import badge_icon
from pkm.gui.share.words import when


class PublishButton(QToolButton):
    """Needs the editor for the open entry (``entry``, ``entry_shown``, ``entry_closed``)."""

    def __init__(self, share: ShareController, editor: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.share = share
        self.editor = editor
        self.setObjectName("publishButton")
        self.setText("Publish")
        self.setToolTip("Publish this entry to your blog, a team channel, email or a folder")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_ = QMenu(self)
        self.menu_.setObjectName("publishMenu")
        self.menu_.setToolTipsVisible(True)
        self.setMenu(self.menu_)
        self.entry_id: int | None = None
        self.targets: list[TargetConfig] = []
        self.pubs: dict[str, Publication] = {}  # target name (lower case) -> publication
        self.loaded = False  # targets and publications of entry_id have arrived
        editor.entry_shown.connect(self._entry_shown)
        editor.entry_closed.connect(self._entry_closed)
        share.ops.targets_changed.connect(self.reload)
        share.ops.publications_changed.connect(self._publications_changed)
        share.ops.running_changed.connect(self.rebuild)
        self.menu_.aboutToShow.connect(self.rebuild)  # "edited since" is as of now
        self.setEnabled(False)
        self.rebuild()

    # ---- data -------------------------------------------------------------------

    def _entry_shown(self, entry: Entry) -> None:
        if entry.id != self.entry_id:
            self.entry_id = entry.id
            self.loaded = False
            self.pubs = {}
        self.setEnabled(True)
        self.reload()

    def _entry_closed(self) -> None:
        self.entry_id = None
        self.setEnabled(False)
        self.rebuild()

    def _publications_changed(self, entry_id: int | None) -> None:
        if entry_id is None or entry_id == self.entry_id:
            self.reload()

    def reload(self) -> None:
        if self.entry_id is not None:
            self.share.ops.entry_publications(self.entry_id, self._loaded, owner=self)

    def _loaded(self, data: tuple[int, list[TargetConfig], list[Publication]]) -> None:
        entry_id, targets, pubs = data
        if entry_id != self.entry_id:
            return
        self.targets = targets
        self.pubs = {p.target.lower(): p for p in pubs}
        self.loaded = True
        self.rebuild()

    # ---- the menu ------------------------------------------------------------------

    def state_text(self, target: TargetConfig) -> str:
        """ "Published · 2 days ago", "Draft · yesterday", "Not yet", "Publishing…"."""
        if self.share.ops.is_running(self.entry_id, target.name):
            return "Publishing…"
        pub = self.pubs.get(target.name.lower())
        if pub is None:
            return "Not yet"
        now = self.share.now()
        if pub.state == "published":
            word = "Draft" if pub.status == "draft" else "Published"
            text = f"{word} · {when(pub.published_at, now)}"
            return f"{text} · edited since" if self.edited_since(pub) else text
        if pub.state == "pending":
            return "Not confirmed"
        return "Failed · try again"

    def edited_since(self, pub: Publication) -> bool:
        """The open entry changed after this post was sent (saved, or typed and not yet
        saved): what MarsEdit shows as a post with local changes."""
        entry = getattr(self.editor, "entry", None)
        if entry is None or entry.id != self.entry_id:
            return False
        autosaver = getattr(self.editor, "autosaver", None)
        return bool(autosaver is not None and autosaver.dirty) or (
            entry.updated > (pub.published_at or "")
        )

    def rebuild(self) -> None:
        m = self.menu_
        m.clear()
        if self.entry_id is None:
            return
        if not self.loaded:
            m.addAction("Loading your targets…").setEnabled(False)
            return
        if self.targets:
            m.addAction("Publish this entry to:").setEnabled(False)
            for t in self.targets:
                self._target_action(t)
        else:
            empty = m.addAction("No targets yet: add your blog, a team channel or email")
            empty.setEnabled(False)
        m.addSeparator()
        linkedin = m.addAction("Share on LinkedIn…")
        linkedin.setObjectName("share-linkedin")
        linkedin.setToolTip(
            "Copy the entry formatted for LinkedIn and open LinkedIn's share page to paste it"
        )
        linkedin.triggered.connect(self._linkedin)
        m.addSeparator()
        if self.targets:
            manage = m.addAction("Manage targets…")
            manage.setObjectName("manage-targets")
        else:
            manage = m.addAction("Add a target…")
            manage.setObjectName("add-target")
        manage.triggered.connect(self.share.open_targets_settings)

    def _target_action(self, t: TargetConfig) -> QAction:
        k = info(t.kind)
        act = self.menu_.addAction(badge_icon(t.kind, self.palette()), "")
        act.setText(f"{shown_name(t)}  ({k.label})\t{self.state_text(t)}")
        act.setObjectName(f"publish-to-{t.name}")
        act.setData(t.name)
        running = self.share.ops.is_running(self.entry_id, t.name)
        act.setEnabled(not running)
        pub = self.pubs.get(t.name.lower())
        if pub is not None and pub.state == "published" and k.can_edit:
            act.setToolTip(f"Update the post on {t.name} with the text as it is now")
        elif pub is not None and pub.state == "published":
            act.setToolTip(f"{k.label} cannot edit a message: you can post the new text again")
        else:
            act.setToolTip(f"Preview, then publish to {t.name}. {k.line}")
        act.triggered.connect(lambda _=False, target=t: self.publish_to(target))
        return act

    # ---- clicks ----------------------------------------------------------------------

    def publish_to(self, target: TargetConfig) -> None:
        entry = self.editor.entry
        if entry is None or entry.id != self.entry_id:
            return
        title = self.editor.title_edit.text().strip() or entry.title or "Untitled"
        pub = self.pubs.get(target.name.lower())
        self.share.publish(entry.id, title, target, pub, parent=self.window())

    def _linkedin(self) -> None:
        if self.entry_id is not None:
            self.share.share_on_linkedin(self.entry_id)

    def action_for(self, name: str) -> QAction | None:
        """The menu item of a target (tests and keyboard users reach it by name)."""
        for act in self.menu_.actions():
            if act.data() == name:
                return act
        return None


def install(share: ShareController, editor: QWidget) -> PublishButton:
    """Put the Publish button on the editor's toolbar (before Move to trash)."""
    button = PublishButton(share, editor)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    f = button.font()
    f.setBold(True)  # the stage's one main action, easy to find on the toolbar
    button.setFont(f)
    editor.toolbar.add_share_widget(button)  # type: ignore[attr-defined]
    return button
