"""What a click on Publish does, from the menu to the link in the status area.

One object per window, shared by the Publish button, the Share stage and
the Targets settings page, so they agree on what is running and refresh
together. The steps of a publish:

1. the editor saves (``after_saves``), so what is sent is what is on screen;
2. the first time an entry goes to a target (or while it is only a draft
   there) a preview shows what will be sent, with Publish/Cancel;
3. the core publishes on a pool thread, its progress in the status area;
4. the status area says where it went, with an Open button for the link,
   or says in plain words what went wrong, with the one button that helps
   (Post again, Publish anew) when there is one.

Idempotency is the core's: a second publish of the same entry updates the
post. While one publish of an entry to a target runs, another is refused.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from pkm.core.publish.base import (
    CannotEdit,
    PublishResult,
    RemoteGone,
    TargetConfig,
    UncertainOutcome,
)
from pkm.core.publish.log import Publication
from pkm.core.secrets import SecretsLocked, SecretsUnavailable
from pkm.gui import clipboard
from pkm.gui.share import hooks
from pkm.gui.share.kinds import info
from pkm.gui.share.ops import Preview, ShareOps
from pkm.gui.share.words import plain_error, when
from pkm.gui.stage import GuiContext

DRAFTS_KEY = "share.drafts"  # {target name: True} to publish there as a draft by default
POST_TARGET_KEY = "share.post_target"  # the target the post window previewed last


def ask_whole_entry(
    parent: QWidget, question: str, then: Callable[[str | None], None]
) -> QMessageBox:
    """Ask, window-modal and without a nested event loop; ``then`` gets 'part' (share a
    part instead), 'whole' (publish it all) or None (cancel).

    The safe choice is the default: Enter shares a part, never the whole day.
    """
    box = QMessageBox(
        QMessageBox.Icon.Question, "Publish the whole entry?", question, parent=parent
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextFormat(Qt.TextFormat.PlainText)
    part = box.addButton("Share a part…", QMessageBox.ButtonRole.AcceptRole)
    part.setObjectName("sharePart")
    whole = box.addButton("Publish the whole entry", QMessageBox.ButtonRole.DestructiveRole)
    whole.setObjectName("publishWhole")
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(part)

    def done(_result: int) -> None:
        clicked = box.clickedButton()
        then("part" if clicked is part else "whole" if clicked is whole else None)

    box.finished.connect(done)
    box.open()
    return box


def first_sentence(text: str) -> str:
    head, sep, _rest = text.partition(". ")
    return head + "." if sep else text


def text_to_html(text: str) -> str:
    """LinkedIn's formatted text as HTML paragraphs, for the text/html clipboard format."""
    paras = [p for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paras)


class ShareController(QObject):
    #: A target's connection test ended: (name, ok, message in plain words).
    tested = Signal(str, bool, str)
    #: Open the target dialog: (parent widget, the TargetConfig to edit or None to add).
    #: A signal, so the dialog (which uses this controller) is not imported here;
    #: create_stage connects it.
    target_dialog_wanted = Signal(object, object)
    #: Open (or raise) the post window: (the post Entry, the ClipSources it quotes).
    post_wanted = Signal(object, object)

    def __init__(self, ctx: GuiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ops = ShareOps(ctx.ops, self)
        self.status = ctx.status
        # Hooks (tests replace them): where links and questions go.
        self.open_url: Callable[..., bool | None] = self.open_link
        self.confirm: Callable[[QWidget, str, str, str], bool] = hooks.confirm
        self.choose_folder: Callable[..., str | None] = hooks.choose_folder
        self.ask_whole_entry: Callable[..., Any] = ask_whole_entry
        self.question_box: QMessageBox | None = None  # the open whole-entry question (tests)
        self.post_windows: list[Any] = []  # open PostWindows (closing the window flushes them)
        self.test_results: dict[str, tuple[bool, str, dt.datetime]] = {}
        self.preview_dialog: Any = None  # the open preview, if any (tests reach it here)
        self.passphrase_dialog: Any = None
        self.ops.publish_cancelled.connect(self._cancelled)

    def _cancelled(self, target: str) -> None:
        self.status.show_message(
            f"Stopped waiting for {target}. If it had already been sent, the publish log in "
            "Share shows it, and publishing again never posts it twice without asking."
        )

    def now(self) -> dt.datetime:
        return self.ctx.ws.clock()

    # ---- defaults -------------------------------------------------------------------

    def draft_default(self, target: str) -> bool:
        return bool((self.ctx.ops.setting(DRAFTS_KEY) or {}).get(target.lower(), False))

    def set_draft_default(self, target: str, on: bool) -> None:
        drafts = dict(self.ctx.ops.setting(DRAFTS_KEY) or {})
        if on:
            drafts[target.lower()] = True
        else:
            drafts.pop(target.lower(), None)
        self.ctx.ops.set_setting(DRAFTS_KEY, drafts)

    # ---- publishing ---------------------------------------------------------------------

    def publish(
        self,
        entry_id: int,
        title: str,
        target: TargetConfig,
        pub: Publication | None,
        parent: QWidget | None = None,
    ) -> None:
        """The menu item's click: preview first time (or while a draft), else send."""
        if self.ops.is_running(entry_id, target.name):
            return
        live = pub is not None and pub.state == "published" and pub.status != "draft"
        draft = self.draft_default(target.name) and info(target.kind).drafts

        def go() -> None:
            if live:
                self.send(entry_id, title, target, updating=True)
            else:
                self.show_preview(entry_id, title, target, draft=draft, parent=parent)

        def answered(choice: str | None) -> None:
            self.question_box = None
            if choice == "whole":
                go()
            elif choice == "part":
                self.share_part(entry_id, None)

        def asked(question: str | None) -> None:
            if question is None:
                go()
                return
            self.question_box = self.ask_whole_entry(parent or self.ctx.window, question, answered)

        if pub is not None:
            self.ops.after_saves(go)  # it went there before: the question was asked then
        else:
            self.ops.after_saves(lambda: self.ops.whole_entry_question(entry_id, asked))

    def show_preview(
        self,
        entry_id: int,
        title: str,
        target: TargetConfig,
        *,
        draft: bool,
        parent: QWidget | None,
    ) -> None:
        from pkm.gui.share.preview_dialog import PreviewDialog

        def ready(preview: Preview) -> None:
            dialog = PreviewDialog(preview, draft=draft, parent=parent or self.ctx.window)
            self.preview_dialog = dialog
            dialog.confirmed.connect(
                lambda keep_draft: self.send(entry_id, title, target, draft=keep_draft)
            )
            dialog.finished.connect(lambda _r: setattr(self, "preview_dialog", None))
            dialog.open()

        self.ops.preview(
            entry_id,
            target.name,
            on_done=ready,
            on_error=lambda exc: self.failed(exc, entry_id, title, target),
        )

    def send(
        self,
        entry_id: int,
        title: str,
        target: TargetConfig,
        *,
        draft: bool = False,
        as_new: bool = False,
        updating: bool = False,
    ) -> None:
        short = title if len(title) <= 40 else title[:39] + "…"
        name = target.name
        self.ops.publish(
            entry_id,
            name,
            draft=draft,
            as_new=as_new,
            label=f"Updating “{short}” on {name}"
            if updating
            else f"Publishing “{short}” to {name}",
            on_done=lambda r: self.published(r, title),
            on_error=lambda exc: self.failed(exc, entry_id, title, target),
        )

    def published(self, result: PublishResult, title: str) -> None:
        where = result.target
        if result.status == "draft":
            text = f"Saved “{title}” as a draft on {where}."
        elif result.action == "updated":
            text = f"Updated “{title}” on {where}."
        else:
            text = f"Published “{title}” to {where}."
        if result.url:
            url = result.url
            self.status.show_undo(text, lambda: self.open_url(url), label="Open")
        else:
            self.status.show_message(text)

    def failed(self, exc: BaseException, entry_id: int, title: str, config: TargetConfig) -> None:
        """Plain words, and the one button that helps when there is one."""
        target, kind = config.name, info(config.kind)
        if isinstance(exc, SecretsLocked):
            self.unlock(lambda: self.send(entry_id, title, config))
            return
        if isinstance(exc, SecretsUnavailable):
            self.status.show_error(
                "pkm cannot read the target's secret: this computer has no system keyring. "
                "Open Settings → Targets and edit the target to keep secrets in an encrypted file."
            )
            return

        def again() -> None:
            self.send(entry_id, title, config, as_new=True)

        if isinstance(exc, CannotEdit):
            self.status.show_undo(
                f"“{title}” is already on {target}, and {kind.label} cannot change a message once it "
                "is sent. Post again to send the new text as a new message.",
                again,
                label="Post again",
            )
        elif isinstance(exc, RemoteGone):
            self.status.show_undo(plain_error(exc, target=target), again, label="Publish anew")
        elif isinstance(exc, UncertainOutcome):
            from pkm.core.publish.registry import adapter_class

            cls = adapter_class(config.kind)
            said = first_sentence(str(exc))
            if cls.can_find or cls.idempotent_create:
                self.status.show_undo(
                    f"{said} Try again: pkm checks {target} first, so it is never posted twice.",
                    lambda: self.send(entry_id, title, config),
                    label="Try again",
                )
            else:
                self.status.show_undo(
                    f"{said} Check {target} first; if it is not there, post it again.",
                    again,
                    label="Post again",
                )
        else:
            secret = kind.secret_label.lower()
            self.status.show_error(plain_error(exc, target=target, secret_label=secret))

    # ---- posts ----------------------------------------------------------------------------

    def last_post_target(self) -> str | None:
        return self.ctx.ops.setting(POST_TARGET_KEY)

    def set_last_post_target(self, name: str) -> None:
        if name != self.last_post_target():
            self.ctx.ops.set_setting(POST_TARGET_KEY, name)

    def share_part(self, entry_id: int, selection: str | None) -> None:
        """Share this…: keep a post drawn from the entry (or its selection) and open it."""

        def drafted(draft: Any) -> None:
            if not draft.body.strip():
                self.status.show_message(
                    "There is nothing of your own in this entry to share yet: write your "
                    "reflection, or select the passage to share, then choose Share this… again."
                )
                return
            self.ops.new_post(
                entry_id,
                draft.title,
                draft.body,
                draft.tags,
                on_done=lambda post: self.open_post(post, draft.sources),
                on_error=self.status.show_exception,
            )

        self.ops.after_saves(lambda: self.ops.draft_post(entry_id, selection, drafted))

    def open_post(self, post: Any, sources: tuple = ()) -> None:
        """Show the post window of a stored post (a signal: the window module uses this
        controller, so create_stage connects the two; see post_window.open_post_window)."""
        self.post_wanted.emit(post, sources)

    def flush_posts(self) -> None:
        for w in list(self.post_windows):
            w.flush()

    def unsaved_post(self) -> BaseException | None:
        for w in self.post_windows:
            if w.unsaved_error() is not None:
                return w.unsaved_error()
        return None

    def open_link(self, url: str, what: str = "") -> bool:
        """Open a post's address through the window, which says so if nothing can."""
        return hooks.open_url(url, lambda q: self.ctx.window.open_link(q, what))

    # ---- LinkedIn ----------------------------------------------------------------------

    def share_on_linkedin(self, entry_id: int) -> None:
        """Copy the formatted text (rich and plain) and open LinkedIn's share page."""

        def ready(share: Any) -> None:
            clipboard.copy_rich_text(text_to_html(share.text), share.text)
            if self.open_url(share.url, "LinkedIn's share page") is False:
                # The window already says so and offers to copy the link; never claim it opened.
                self.status.show_message(
                    "pkm could not open LinkedIn's share page. The text is on the clipboard: "
                    "copy the link from the message, open it in your browser, and paste."
                )
                return
            self.status.show_message(
                "LinkedIn's share page is opening. The text is on the clipboard: paste it "
                "(Ctrl+V) if the post is empty."
            )

        self.ops.after_saves(
            lambda: self.ops.linkedin(entry_id, ready, on_error=self.status.show_exception)
        )

    # ---- targets ------------------------------------------------------------------------

    def test(self, name: str) -> None:
        """Test a target's connection; the result is kept for the lists and announced."""

        def ok(message: str) -> None:
            from pkm.gui.share.words import without_commands

            text, _ = without_commands(message)
            self.test_results[name.lower()] = (True, text, self.now())
            self.tested.emit(name, True, text)

        def bad(exc: BaseException) -> None:
            if isinstance(exc, SecretsLocked):
                self.unlock(lambda: self.test(name))
                return
            text = plain_error(exc, target=name)
            self.test_results[name.lower()] = (False, text, self.now())
            self.tested.emit(name, False, text)

        self.ops.test_target(name, on_done=ok, on_error=bad)

    def unlock(self, then: Callable[[], None], error: str = "") -> None:
        """Ask for the secrets file's passphrase, open the file, then go on."""
        from pkm.gui.share.passphrase_dialog import PassphraseDialog

        dialog = PassphraseDialog(self.ctx.window, confirm=False, error=error)
        self.passphrase_dialog = dialog

        def chosen(passphrase: str) -> None:
            self.ops.unlock_secrets(
                passphrase,
                on_done=lambda _r: then(),
                on_error=lambda exc: self.unlock(then, plain_error(exc)),
            )

        dialog.chosen.connect(chosen)
        dialog.open()

    def open_targets_settings(self) -> None:
        from pkm.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self.ctx.window)
        dialog.show_page("Targets")
        dialog.open()

    def add_target(self, parent: QWidget | None = None) -> None:
        self.target_dialog_wanted.emit(parent or self.ctx.window, None)

    def edit_target(self, target: TargetConfig, parent: QWidget | None = None) -> None:
        self.target_dialog_wanted.emit(parent or self.ctx.window, target)

    def remove_target(self, target: TargetConfig, parent: QWidget | None = None) -> None:
        if not self.confirm(
            parent or self.ctx.window,
            "Remove target",
            f"Remove the target “{target.name}”? Posts already published stay where they are; "
            "pkm forgets them, its secret and its lines in the publish log.",
            "Remove",
        ):
            return
        self.ops.remove_target(
            target.name,
            on_done=lambda _n: self.status.show_message(f"Removed the target {target.name}."),
            on_error=self.status.show_exception,
        )

    def last_result(self, name: str) -> tuple[bool, str, dt.datetime] | None:
        return self.test_results.get(name.lower())

    def describe_test(self, name: str) -> str:
        found = self.last_result(name)
        if found is None:
            return ""
        ok, text, at = found
        return ("✓ " if ok else "⚠ ") + text + f" ({when(at.isoformat(), self.now())})"
