"""Settings → Targets: the same target cards as the Share stage, and where secrets live."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from pkm.gui.share.controller import ShareController
from pkm.gui.share.ops import SecretsState
from pkm.gui.share.targets_panel import TargetsPanel
from pkm.gui.stage import GuiContext
from pkm.gui.widgets import Hint


class TargetsPage(QWidget):
    def __init__(self, ctx: GuiContext, share: ShareController) -> None:
        super().__init__()
        self.share = share
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 8, 16, 8)
        self.panel = TargetsPanel(share, "Publishing targets")
        lay.addWidget(self.panel, 1)
        lay.addWidget(
            Hint(
                "Your blog, a team channel, email or a folder. Publish to one with the Publish "
                "button above any entry in Sense."
            )
        )
        self.secrets = Hint()
        self.secrets.setObjectName("secretsWhere")
        lay.addWidget(self.secrets)
        share.ops.secrets_state(self._secrets_known, owner=self)

    def _secrets_known(self, state: SecretsState) -> None:
        if state.backend == "file":
            text = (
                "Passwords and tokens are kept in a file in the data folder, encrypted with your "
                "passphrase."
            )
        elif state.available:
            text = f"Passwords and tokens are kept in {state.where}, never in pkm's files."
        else:
            text = (
                "No system keyring was found on this computer. When you add a target that needs "
                "a password, pkm offers a file encrypted with a passphrase; never clear text."
            )
        self.secrets.setText(text)
