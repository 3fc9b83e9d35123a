"""Settings › General › Backups › Restore…: go back to a backup from the window.

It lists the automatic backups and those made with Back up now (newest first),
and any .zip the user picks. What happens is said before anything does: the
journal as it is now is first saved as a backup (so this, too, can be undone
with Restore…), then pkm closes, puts the chosen backup in place (what was there
is also moved to ``replaced-…/``, never deleted) and opens again on it
(pkm.core.scheduled_restore, gui/app.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pkm.gui.stage import GuiContext
from pkm.gui.widgets import Hint, heading

EXPLANATION = (
    "Choose the backup to go back to. First, pkm saves your journal as it is now as one "
    "more backup, so you can come back to today with Restore… too. Then pkm closes, puts "
    "the chosen backup in place and opens again on it. Nothing is deleted: what is there "
    "now is also kept in a folder named replaced-… inside your data folder. Passwords of "
    "publishing targets are never in backups; pkm asks for them again when needed."
)


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{max(1, round(n / 1000))} KB"


def backups(home: Path) -> list[tuple[str, Path]]:
    """(label, path), newest first: automatic ones and those made with Back up now."""
    from pkm.core import auto_backup
    from pkm.core.backup import BACKUPS

    found: list[tuple[float, str, Path]] = []
    for b in auto_backup.listing(home):
        when = dt.datetime.fromtimestamp(b.path.stat().st_mtime)
        found.append(
            (when.timestamp(), f"{when:%A %-d %B %Y, %H:%M} · automatic · {_size(b.size)}", b.path)
        )
    for p in (Path(home) / BACKUPS).glob("pkm-backup-*.zip"):
        st = p.stat()
        when = dt.datetime.fromtimestamp(st.st_mtime)
        kind = "before a restore" if p.stem.endswith("-before-restore") else "made by you"
        found.append(
            (when.timestamp(), f"{when:%A %-d %B %Y, %H:%M} · {kind} · {_size(st.st_size)}", p)
        )
    found.sort(key=lambda t: t[0], reverse=True)
    return [(label, path) for _, label, path in found]


class RestoreDialog(QDialog):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Restore a backup")
        self.resize(620, 420)
        #: How a backup file is picked (tests replace it): the path, or "" when cancelled.
        self.choose_file: Callable[[], str] = lambda: QFileDialog.getOpenFileName(
            self, "Choose a pkm backup", str(Path.home()), "pkm backups (*.zip)"
        )[0]
        lay = QVBoxLayout(self)
        lay.addWidget(heading("Restore a backup"))
        lay.addWidget(Hint(EXPLANATION))
        self.list = QListWidget()
        self.list.setObjectName("backupList")
        for label, path in backups(ctx.ws.home):
            self._add(label, path)
        lay.addWidget(self.list, 1)
        self.empty = Hint("No backups yet: pkm makes one a minute after it starts.")
        self.empty.setVisible(self.list.count() == 0)
        lay.addWidget(self.empty)
        row = QHBoxLayout()
        self.other = QPushButton("Choose another backup file…")
        self.other.clicked.connect(self.pick_file)
        row.addWidget(self.other)
        row.addStretch(1)
        lay.addLayout(row)
        self.buttons = QDialogButtonBox()
        self.restore_button = self.buttons.addButton(
            "Restore and reopen", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setObjectName("restoreNow")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.restore)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.list.currentItemChanged.connect(lambda *_: self._update())
        if self.list.count():
            self.list.setCurrentRow(0)
        self._update()

    def _add(self, label: str, path: Path) -> QListWidgetItem:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, str(path))
        item.setToolTip(str(path))
        self.list.addItem(item)
        return item

    def _update(self) -> None:
        self.restore_button.setEnabled(self.chosen() is not None)

    def chosen(self) -> Path | None:
        item = self.list.currentItem()
        return Path(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def pick_file(self) -> None:
        path = self.choose_file()
        if path:
            item = self._add(f"{Path(path).name} · chosen file", Path(path))
            self.list.setCurrentItem(item)
            self.empty.hide()

    def restore(self) -> None:
        """Back up now (on the pool), schedule the restore, close and reopen the window."""
        from pkm.core import scheduled_restore
        from pkm.core.backup import BACKUPS, backup, check_backup

        chosen = self.chosen()
        if chosen is None:
            return
        ws, status, window = self.ctx.ws, self.ctx.status, self.ctx.window
        self.restore_button.setEnabled(False)
        self.restore_button.setText("Saving today's journal first…")

        def prepare() -> Path:
            check_backup(chosen)  # a file that is no pkm backup stops here, before anything
            stamp = ws.clock().astimezone().strftime("%Y-%m-%d-%H%M%S")
            before = ws.home / BACKUPS / f"pkm-backup-{stamp}-before-restore.zip"
            made = backup(ws.home, ws.clock, before)
            scheduled_restore.schedule(ws.home, chosen)
            return made.path

        def done(_made: Path) -> None:
            self.accept()
            window.reopen_requested = True  # type: ignore[attr-defined]  # read by gui/app.py
            window.close()

        def failed(exc: BaseException) -> None:
            self.restore_button.setText("Restore and reopen")
            self._update()
            status.show_exception(exc)
            self.empty.setText(f"Not restored: {exc}")
            self.empty.show()

        self.ctx.ops.background(prepare, on_done=done, on_error=failed, owner=self)
