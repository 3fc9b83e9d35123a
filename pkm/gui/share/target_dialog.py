"""Add or edit a publishing target: choose the kind, fill in its boxes, test, save.

Saving hands everything to the core (``ws.publishing.add_target``), which
checks it and puts the secret in the system keyring. When this computer has
no keyring, the dialog says so and offers the one alternative that keeps
the secret safe: a file encrypted with a passphrase the user chooses. Never
clear text.

"Test connection" saves first (the core tests saved targets, with the
secret from the keyring), then tests off the GUI thread. If a target was
created only by a test and the dialog is cancelled, it is removed again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pkm.core.publish.base import TargetConfig
from pkm.core.secrets import SecretsLocked, SecretsUnavailable
from pkm.gui.share.controller import ShareController
from pkm.gui.share.kinds import KINDS, info, shown_name
from pkm.gui.share.look import LINE_ROLE, KindDelegate, badge_icon, tone_color
from pkm.gui.share.ops import SecretsState
from pkm.gui.share.target_form import TargetForm
from pkm.gui.share.words import plain_error
from pkm.gui.widgets import Hint, heading

KIND_ROLE = Qt.ItemDataRole.UserRole


class TargetDialog(QDialog):
    def __init__(
        self,
        share: ShareController,
        parent: QWidget | None = None,
        *,
        existing: TargetConfig | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("targetDialog")
        self.share = share
        self.existing = existing
        self.names: set[str] = set()  # existing targets' names, lower case (add: no overwrite)
        self._created_by_test: str | None = None
        self._busy = False
        self._secrets: SecretsState | None = None
        self._testing: str | None = None
        self._retry = None  # what to do after the encrypted file is chosen
        self.setWindowTitle(f"Edit {existing.name}" if existing else "Add a target")
        self.resize(620, 640 if existing is None else 420)
        lay = QVBoxLayout(self)

        self.kinds = QListWidget(objectName="targetKinds")
        self.kinds.setItemDelegate(KindDelegate(self.kinds))
        self.kinds.setUniformItemSizes(True)
        self.kinds.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for k in KINDS:
            item = QListWidgetItem(badge_icon(k.kind, self.palette(), 26), k.label)
            item.setData(KIND_ROLE, k.kind)
            item.setData(LINE_ROLE, k.line)
            item.setToolTip(k.line)
            self.kinds.addItem(item)
        self.kinds.currentItemChanged.connect(self._kind_chosen)
        if existing is None:
            lay.addWidget(heading("Where should your reflections go?"))
            lay.addWidget(self.kinds, 1)
        else:
            self.kinds.hide()
            k = info(existing.kind)
            lay.addWidget(heading(f"{existing.name} · {k.label}"))
            lay.addWidget(Hint(k.line))

        self.form = TargetForm(lambda *a: share.choose_folder(*a))
        lay.addWidget(self.form)
        self.result = QLabel(objectName="targetResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.result)
        self.use_file_button = QPushButton("Keep secrets in an encrypted file…")
        self.use_file_button.setObjectName("useSecretsFile")
        self.use_file_button.clicked.connect(self._choose_file)
        self.use_file_button.hide()
        lay.addWidget(self.use_file_button, 0, Qt.AlignmentFlag.AlignLeft)

        row = QHBoxLayout()
        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName("testConnection")
        self.test_button.setToolTip("Save, then check the address and sign-in without publishing")
        row.addWidget(self.test_button)
        row.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveTarget")
        self.save_button.setDefault(True)
        self.test_button.clicked.connect(self.test)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        row.addWidget(self.buttons)
        lay.addLayout(row)
        share.tested.connect(self._tested)

        if existing is None:
            self.kinds.setCurrentRow(0)
        else:
            self.form.show_kind(info(existing.kind), existing)
            self.form.draft_default.setChecked(share.draft_default(existing.name))
        share.ops.targets(self._names, owner=self, key="dialog")
        share.ops.secrets_state(self._secrets_known, owner=self)

    # ---- what is shown ------------------------------------------------------------

    def _kind_chosen(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        self.form.show_kind(info(item.data(KIND_ROLE)))
        self._say("")
        self._show_secrets_hint()

    def select_kind(self, kind: str) -> None:
        for i in range(self.kinds.count()):
            if self.kinds.item(i).data(KIND_ROLE) == kind:
                self.kinds.setCurrentRow(i)
                self.kinds.scrollToItem(self.kinds.item(i))

    def _names(self, targets: list[TargetConfig]) -> None:
        self.names = {t.name.lower() for t in targets}

    def _secrets_known(self, state: SecretsState) -> None:
        self._secrets = state
        self._show_secrets_hint()

    def _show_secrets_hint(self) -> None:
        s = self._secrets
        if s is None:
            return
        if s.available:
            text = f"Kept in {s.where}, never in pkm's files."
        else:
            text = (
                "No system keyring was found on this computer: when you save, pkm offers to keep "
                "secrets in a file encrypted with a passphrase. Never in clear text."
            )
        self.form.secret_hint.setText(text)

    def _say(self, text: str, tone: str = "") -> None:
        pal = self.result.palette()
        pal.setColor(QPalette.ColorRole.WindowText, tone_color(tone, self.palette()))
        self.result.setPalette(pal)
        self.result.setText(text)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        for b in (self.save_button, self.test_button):
            b.setEnabled(not busy)
        if text:
            self._say(text)

    # ---- saving ------------------------------------------------------------------------

    def save(self, then=None) -> None:
        """Hand the boxes to the core; ``then(name)`` after a successful save (Test)."""
        if self._busy:
            return
        kw, missing = self.form.values()
        if missing:
            self._say(missing, "error")
            return
        name = kw["name"]
        is_new = self.existing is None and self._created_by_test is None
        if is_new and name.lower() in self.names:
            self._say(
                f"You already have a target called {name}. Choose another name, or close this "
                "and edit that one.",
                "error",
            )
            return
        draft_default = self.form.draft_default.isChecked() and self.form.kind.drafts
        self._set_busy(True, "Saving…")

        def saved(target: TargetConfig) -> None:
            self._set_busy(False)
            self.form.secret.clear()  # in the keyring now; not kept in the window
            self.form.secret.setPlaceholderText("stored safely; leave empty to keep it")
            self.share.set_draft_default(target.name, draft_default)
            if then is not None:
                if is_new:
                    self._created_by_test = target.name
                    self.form.name.setReadOnly(True)  # the test saved it under this name
                    self.kinds.setEnabled(False)
                self.form.existing = target
                then(target.name)
                return
            self._created_by_test = None
            self.share.status.show_message(f"Saved the target {shown_name(target)}.")
            self.accept()

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            if isinstance(exc, SecretsLocked):
                self._say("")
                self.share.unlock(lambda: self.save(then))
            elif isinstance(exc, SecretsUnavailable):
                self._say(
                    "This computer has no system keyring, so pkm cannot store the secret safely. "
                    "Install one (GNOME Keyring, KWallet…), or keep secrets in a file encrypted "
                    "with a passphrase you choose.",
                    "error",
                )
                self.use_file_button.show()
                self._retry = then
            else:
                self._say(plain_error(exc, target=name), "error")

        self.share.ops.save_target(**kw, on_done=saved, on_error=failed, owner=self)

    def _choose_file(self) -> None:
        from pkm.gui.share.passphrase_dialog import PassphraseDialog

        dialog = PassphraseDialog(self, confirm=True)
        self.share.passphrase_dialog = dialog

        def chosen(passphrase: str) -> None:
            self._set_busy(True, "Creating the encrypted file…")

            def done(_r: object) -> None:
                self._set_busy(False)
                self.use_file_button.hide()
                self._secrets = SecretsState("file", True, "an encrypted file in the data folder")
                self._show_secrets_hint()
                self.save(self._retry)

            def failed(exc: BaseException) -> None:
                self._set_busy(False)
                self._say(plain_error(exc), "error")

            self.share.ops.use_secrets_file(passphrase, on_done=done, on_error=failed, owner=self)

        dialog.chosen.connect(chosen)
        dialog.open()

    # ---- testing ------------------------------------------------------------------------

    def test(self) -> None:
        def saved(name: str) -> None:
            self._testing = name
            self._set_busy(True, f"Testing the connection to {name}…")
            self.share.test(name)

        self.save(then=saved)

    def _tested(self, name: str, ok: bool, text: str) -> None:
        if name != self._testing:
            return
        self._testing = None
        self._set_busy(False)
        self._say(("✓ " if ok else "⚠ ") + text, "ok" if ok else "error")

    def reject(self) -> None:
        """Cancel: a target that only existed for a test goes away again."""
        if self._created_by_test:
            self.share.ops.remove_target(self._created_by_test)
            self._created_by_test = None
        super().reject()
