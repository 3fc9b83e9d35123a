"""Asking for the passphrase of the encrypted secrets file (twice when choosing one).

Used when the machine has no system keyring: pkm never stores a secret in
clear text, so the user either installs a keyring or opts in, here, to a
file in the data folder encrypted with a passphrase they choose. The
passphrase itself is never stored; pkm asks again after a restart.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pkm.core.secrets import MIN_PASSPHRASE
from pkm.gui.widgets import Hint

CHOOSE_TEXT = (
    "This computer has no system keyring (such as GNOME Keyring, KWallet, the macOS "
    "Keychain or the Windows Credential Manager), so pkm cannot store the target's secret "
    "there. pkm never stores secrets in clear text.\n\n"
    "You can keep secrets in a file in your data folder, encrypted with a passphrase of your "
    "choice. pkm asks for it once each time it starts and needs a secret. If you forget it, "
    "you only need to enter the targets' secrets again."
)
UNLOCK_TEXT = (
    "Your targets' secrets are kept in an encrypted file in the data folder. Type its "
    "passphrase to open it (pkm keeps it only until you quit)."
)


class PassphraseDialog(QDialog):
    """``confirm=True``: choose a passphrase (typed twice); else: unlock with it."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None, *, confirm: bool, error: str = "") -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.confirm = confirm
        self.setWindowTitle(
            "Keep secrets in an encrypted file" if confirm else "Open the secrets file"
        )
        lay = QVBoxLayout(self)
        text = QLabel(CHOOSE_TEXT if confirm else UNLOCK_TEXT)
        text.setWordWrap(True)
        text.setMinimumWidth(440)
        lay.addWidget(text)
        form = QFormLayout()
        self.first = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.first.setObjectName("passphrase")
        form.addRow("Passphrase", self.first)
        self.second = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.second.setObjectName("passphraseAgain")
        if confirm:
            form.addRow("Type it again", self.second)
            self.first.setPlaceholderText(f"at least {MIN_PASSPHRASE} characters")
        lay.addLayout(form)
        self.error = Hint(error)
        self.error.setObjectName("passphraseError")
        lay.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton(
            "Use an encrypted file" if confirm else "Open",
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.first.setFocus()

    def _accept(self) -> None:
        value = self.first.text()
        if self.confirm and len(value) < MIN_PASSPHRASE:
            self.error.setText(f"Choose a passphrase of at least {MIN_PASSPHRASE} characters.")
            return
        if self.confirm and value != self.second.text():
            self.error.setText("The two passphrases differ. Type the same one twice.")
            self.second.clear()
            self.second.setFocus()
            return
        if not value:
            self.error.setText("Type the passphrase, or Cancel.")
            return
        self.accept()
        self.chosen.emit(value)
