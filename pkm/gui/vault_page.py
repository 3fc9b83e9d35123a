"""Settings › Vault: the folder a sync engine shares, how it stands, Sync now.

Says in plain words what the vault is for (the same journal on every device,
through Syncthing, Dropbox, iCloud Drive, Nextcloud or git), which folder it is,
when it last synced, how many files it holds, and every conflict and problem of
the last sync. The sync itself is the window's VaultSync (gui/vault_sync.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pkm.gui.stage import GuiContext, SettingsPage
from pkm.gui.vault_sync import VaultSync
from pkm.gui.widgets import Hint, heading

INTRO = (
    "Keep your journal on every device: choose a folder that Syncthing, Dropbox, iCloud "
    "Drive, Nextcloud or git already keeps in step. pkm writes each entry there as a "
    "Markdown file and reads back what changes there, from pkm on another device or from "
    "any editor such as Obsidian. When an entry changed on two devices at once, both "
    "versions are kept and the entry says so."
)


class VaultPage(QWidget):
    def __init__(self, ctx: GuiContext, sync: VaultSync) -> None:
        super().__init__()
        self.ctx, self.sync = ctx, sync
        self.refusal = ""  # why the folder last chosen was refused, until another is chosen
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 8, 16, 8)
        lay.addWidget(heading("Vault folder"))
        lay.addWidget(Hint(INTRO))
        row = QHBoxLayout()
        self.folder = QLabel("")
        self.folder.setObjectName("vaultFolder")
        self.folder.setWordWrap(True)
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.folder, 1)
        self.choose = QPushButton("Choose folder…")
        self.choose.setObjectName("vaultChoose")
        self.choose.clicked.connect(self.choose_folder)
        self.open = QPushButton("Open folder")
        self.open.clicked.connect(self.open_folder)
        self.stop = QPushButton("Stop syncing")
        self.stop.setObjectName("vaultStop")
        self.stop.clicked.connect(sync.unset)
        for b in (self.choose, self.open, self.stop):
            row.addWidget(b)
        lay.addLayout(row)

        lay.addWidget(heading("Status"))
        row = QHBoxLayout()
        self.state = QLabel("")
        self.state.setObjectName("vaultState")
        self.state.setWordWrap(True)
        row.addWidget(self.state, 1)
        self.sync_now = QPushButton("Sync now")
        self.sync_now.setObjectName("vaultSyncNow")
        self.sync_now.clicked.connect(self._sync_now)
        row.addWidget(self.sync_now, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(row)
        self.notes = QLabel("")
        self.notes.setObjectName("vaultNotes")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.notes)
        lay.addWidget(
            Hint(
                "pkm syncs by itself: a moment after you stop typing, when files change in "
                "the folder, and every minute. A file deleted there moves its entry to the "
                "trash; a file renamed there stays the same entry."
            )
        )
        lay.addStretch(1)
        sync.synced.connect(lambda _r: self.refresh())
        sync.failed.connect(lambda _e: self.refresh())
        sync.folder_changed.connect(lambda _f: self.refresh())
        self.refresh()

    def choose_folder(self) -> None:
        path = self.ctx.window.choose_folder("Choose the vault folder")  # type: ignore[attr-defined]
        if path:
            self.refusal = ""
            self.sync.set_folder(path, on_error=self._refused)

    def _refused(self, exc: BaseException) -> None:
        from pkm.gui.status import describe_error

        self.refusal = describe_error(exc)
        self.notes.setText(self.refusal)

    def _sync_now(self) -> None:
        self.sync_now.setEnabled(False)
        self.state.setText("Syncing…")
        self.sync.sync_now()

    def open_folder(self) -> None:
        if self.sync.folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.sync.folder)))

    def refresh(self) -> None:
        """Read the status on the reader thread (a few queries) and show it."""
        self.ctx.ops.read("vault-status", self.ctx.ws.vault.status, self._show, owner=self)

    def _show(self, status) -> None:
        has = status.folder is not None
        none = "No vault folder: this journal lives on this computer only."
        self.folder.setText(_shown(status.folder) if status.folder else none)
        self.folder.setToolTip(status.folder or "")
        self.choose.setText("Choose another folder…" if has else "Choose folder…")
        for b in (self.open, self.stop, self.sync_now):
            b.setEnabled(has)
        if not has:
            self.state.setText("Not syncing.")
            self.notes.setText(self.refusal)
            return
        files = "1 file" if status.files == 1 else f"{status.files:,} files"
        waiting = f"; {status.pending} waiting to be written" if status.pending else ""
        when = f"Last sync: {status.last_sync}" if status.last_sync else "Not synced yet"
        missing = "" if status.exists else " The folder is missing: is its drive connected?"
        self.state.setText(f"{when}. {files} in the folder{waiting}.{missing}")
        lines = [f"Conflict, both kept: {c}" for c in status.last_conflicts]
        lines += [f"Left as it is: {p}" for p in status.last_problems]
        if self.sync.last_error:
            lines.insert(0, f"The last sync did not run: {self.sync.last_error}")
        self.notes.setText("\n".join(lines))


def _shown(folder: str) -> str:
    """~/Dropbox/Journal rather than /Users/anna/Dropbox/Journal: what people recognise."""
    home = str(Path.home())
    return "~" + folder[len(home) :] if folder.startswith(home + os.sep) else folder


def vault_page(sync: VaultSync) -> SettingsPage:
    return SettingsPage("Vault", lambda ctx: VaultPage(ctx, sync))
