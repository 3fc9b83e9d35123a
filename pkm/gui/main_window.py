"""The main window: a sidebar with the three stages, the search box, the status area.

The window owns the threads (TaskManager) and the Operations for one
workspace; stages are added with :meth:`MainWindow.add_stage` and reached
with Ctrl+1/2/3. Search hits open through :meth:`open_hit`: entries go to
Sense (:attr:`open_entry`), feed items are announced with :attr:`open_item`
for the Seek stage to show.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QMetaMethod, QObject, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pkm.core.errors import DiskFull
from pkm.core.indexing import split_key
from pkm.core.workspace import Workspace
from pkm.gui import links, theme
from pkm.gui.operations import Operations
from pkm.gui.reminder import DailyReminder, ReminderBanner, reminder_page
from pkm.gui.search import SearchBox
from pkm.gui.settings_dialog import SettingsDialog, general_page
from pkm.gui.stage import GuiContext, Stage
from pkm.gui.status import StatusArea, describe_error
from pkm.gui.tasks import TaskManager
from pkm.gui.templates_page import templates_page
from pkm.gui.vault_page import vault_page
from pkm.gui.vault_sync import VaultSync
from pkm.gui.welcome import WelcomePanel, window_actions
from pkm.gui.widgets import Hint, confirm

log = logging.getLogger("pkm.gui")

LAYOUT_KEY = "window"

#: Shortcuts that must work even while typing in a text box that has its own
#: meaning for them (Ctrl+K deletes to the end of the line in Qt text boxes).
GLOBAL_KEYS = {
    QKeySequence("Ctrl+K"),
    QKeySequence("Ctrl+T"),
    QKeySequence("Ctrl+N"),
    QKeySequence("Ctrl+1"),
    QKeySequence("Ctrl+2"),
    QKeySequence("Ctrl+3"),
}

SIDEBAR_CSS = """
#sidebar { border-right: 1px solid palette(mid); }
#sidebar QToolButton { border: none; border-radius: 8px; padding: 8px 2px; margin: 2px 6px; }
#sidebar QToolButton:hover { background: palette(alternate-base); }
#sidebar QToolButton:checked { background: palette(base); font-weight: bold; }
#topbar { border-bottom: 1px solid palette(mid); }
#searchBox { padding: 5px 8px; border-radius: 8px; }
#searchPopup { background: palette(base); border: 1px solid palette(mid); border-radius: 8px; }
#promptCard { background: palette(base); border-radius: 8px; }
#entryTitle { background: transparent; }
#stageTitle { font-weight: bold; }
"""


class MainWindow(QMainWindow):
    open_entry = Signal(int)  # an entry to show in Sense
    open_item = Signal(int)  # a feed item to show in Seek (connected by the Seek stage)
    stage_changed = Signal(str)
    ready = Signal()  # first paint done and the first entry on screen

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws
        # "Stage — pkm": the window list says where you are. Ending in the app's display
        # name also stops Qt on X11 from appending " — pkm" a second time.
        self.setWindowTitle("Seek · Sense · Share — pkm")
        self.setMinimumSize(900, 560)
        self.tasks = TaskManager(self)
        self.status = StatusArea(self.tasks)
        self.ops = Operations(ws, self.tasks, self)
        self.ctx = GuiContext(
            ws, self.tasks, self.ops, self.status, self,
            [general_page(), reminder_page(), templates_page()],
        )  # fmt: skip
        self.vault_sync = VaultSync(self.ctx, self)  # the vault folder (gui/vault_sync.py)
        self.ctx.settings_pages.append(vault_page(self.vault_sync))
        self.reopen_requested = False  # Restore… closes the window to reopen it (gui/app.py)
        self.stages: dict[str, Stage] = {}
        self._painted = False
        self._content_ready = False
        self._ready_sent = False
        self._closed = False
        self.menus: Any = None
        #: How the desktop opens an address (tests replace it): True if something opened it.
        self.system_open: Callable[[QUrl], bool] = links.system_open
        #: How folders are opened (tests replace it): True if something opened it.
        self.open_folder: Callable[[QUrl], bool] = lambda url: self.system_open(url)
        self.could_not_open: links.CouldNotOpen | None = None  # the last such message
        #: How a folder is chosen (tests replace it): the path, or "" when cancelled.
        self.choose_folder: Callable[[str], str] = lambda caption: QFileDialog.getExistingDirectory(
            self, caption
        )
        self._build()
        QApplication.instance().installEventFilter(self)

    # ---- layout ------------------------------------------------------------------------

    def _build(self) -> None:
        central = QWidget()
        self.setCentralWidget(central)
        outer = QHBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        self.sidebar = QWidget(objectName="sidebar")
        self.sidebar.setFixedWidth(92)
        side = QVBoxLayout(self.sidebar)
        side.setContentsMargins(0, 10, 0, 10)
        side.setSpacing(2)
        self._stage_buttons = QButtonGroup(self)
        self._stage_buttons.setExclusive(True)
        self._side_layout = side
        side.addStretch(1)
        self.settings_button = self._side_button("Settings", "settings")
        self.settings_button.setCheckable(False)
        self.settings_button.setToolTip("Data folder, appearance, reading (Ctrl+,)")
        self.settings_button.clicked.connect(self.show_settings)
        side.addWidget(self.settings_button)
        outer.addWidget(self.sidebar)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.setSpacing(0)
        top = QWidget(objectName="topbar")
        tl = QHBoxLayout(top)
        tl.setContentsMargins(16, 8, 16, 8)
        self.stage_title = QLabel(objectName="stageTitle")
        f = self.stage_title.font()
        f.setPointSizeF(f.pointSizeF() * 1.2)
        self.stage_title.setFont(f)
        self.stage_subtitle = Hint()
        self.stage_subtitle.setWordWrap(False)
        heading = QHBoxLayout()
        heading.setSpacing(8)
        heading.addWidget(self.stage_title)
        heading.addWidget(self.stage_subtitle)
        left = QWidget()
        left.setLayout(heading)
        heading.setContentsMargins(0, 0, 0, 0)
        left.setFixedWidth(260)
        self.search = SearchBox(self.ops, popup_parent=central)
        self.search.setMaximumWidth(640)
        self.search.open_hit.connect(self.open_hit)
        tl.addWidget(left)
        tl.addStretch(1)
        tl.addWidget(self.search, 4)
        tl.addStretch(1)
        tl.addSpacing(260)
        rl.addWidget(top)
        # The reminder's banner (where no notification area exists) and the first-run
        # welcome sit above the stage: non-modal, the window stays usable beneath them.
        self.reminder_banner = ReminderBanner()
        rl.addWidget(self.reminder_banner)
        self.welcome = WelcomePanel(self.ctx, window_actions(self))
        rl.addWidget(self.welcome)
        self.stack = QStackedWidget()
        rl.addWidget(self.stack, 1)
        outer.addWidget(right, 1)
        self.statusBar().addWidget(self.status, 1)
        self.statusBar().setSizeGripEnabled(True)
        central.setStyleSheet(SIDEBAR_CSS)

    def _side_button(self, title: str, icon_name: str) -> QToolButton:
        b = QToolButton()
        b.setText(title)
        b.setIcon(theme.icon(icon_name, self.palette()))
        b.setProperty("icon_name", icon_name)
        b.setIconSize(QSize(30, 30))
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        b.setCheckable(True)
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return b

    def add_stage(self, stage: Stage) -> None:
        """Add a stage: a sidebar button (Ctrl+<its position>) and a page."""
        button = self._side_button(stage.title, stage.key)
        button.setToolTip(stage.tooltip)
        button.setObjectName(f"stage-{stage.key}")
        button.clicked.connect(lambda: self.show_stage(stage.key))
        self._side_layout.insertWidget(len(self.stages), button)
        self._stage_buttons.addButton(button)
        self.stages[stage.key] = stage
        self.stack.addWidget(stage)

    def stage_button(self, key: str) -> QToolButton:
        return self.sidebar.findChild(QToolButton, f"stage-{key}")

    def set_stage_badge(self, key: str, count: int, tip: str = "") -> None:
        """A count beside a stage's name in the sidebar ("Share 3"): something new is there."""
        stage, button = self.stages.get(key), self.stage_button(key)
        if stage is None or button is None:
            return
        button.setText(f"{stage.title} {count}" if count else stage.title)
        button.setToolTip(f"{stage.tooltip}\n{tip}" if count and tip else stage.tooltip)

    def show_stage(self, key: str) -> None:
        stage = self.stages.get(key)
        if stage is None:
            return
        current = self.current_stage()
        if current is stage:
            return
        if current is not None:
            current.flush()
        self.stack.setCurrentWidget(stage)
        self.stage_button(key).setChecked(True)
        self.stage_title.setText(stage.title)
        self.stage_subtitle.setText(stage.subtitle)
        self.setWindowTitle(f"{stage.title} — pkm")
        stage.activated()
        self.stage_changed.emit(key)

    def current_stage(self) -> Stage | None:
        w = self.stack.currentWidget()
        return w if isinstance(w, Stage) else None

    # ---- keys ---------------------------------------------------------------------------

    def build_menus(self) -> None:
        """The menu bar: every action, and the window-wide keys (pkm.gui.menus). Built once
        the stages are there, since their actions are in it."""
        from pkm.gui.menus import Menus

        self.menus = Menus(self)
        self.menus.build()
        self.menus.apply_zoom()

    def _sense(self, method: str) -> None:
        stage = self.stages.get("sense")
        if stage is not None:
            getattr(stage, method)()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Let the window's shortcuts win over text boxes' own meaning of those keys."""
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            combo = QKeySequence(event.keyCombination())
            if combo in GLOBAL_KEYS and isinstance(watched, QWidget) and watched.window() is self:
                return True  # not accepted: the shortcut fires instead of the widget's key
        return False

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def search_for(self, text: str) -> None:
        self.search.search_for(text)

    def open_hit(self, hit: object) -> None:
        prefix, num = split_key(hit.key)  # type: ignore[attr-defined]
        if prefix == "entry":
            self.open_entry.emit(num)
        elif prefix == "item":
            if self.isSignalConnected(QMetaMethod.fromSignal(self.open_item)):
                self.open_item.emit(num)
            else:
                self.status.show_message("Articles open in Seek, which arrives in the next update.")
        elif prefix == "response":  # a reply heard back: open the post it answers
            ws = self.ws
            self.ops.read(
                "open-response",
                lambda: ws.responses.get(num).entry_id,
                self.open_entry.emit,
                owner=self,
                on_error=self.status.show_exception,
            )

    def open_link(self, url: QUrl | str, what: str = "") -> bool:
        """Open an address with the desktop; if nothing can, say so and offer to copy it.

        ``what`` names it in the message ("LinkedIn's share page"). Returns whether it
        opened, so callers never claim it did."""
        q = links.as_url(url)
        if self.system_open(q):
            return True
        if self.could_not_open is not None:
            self.could_not_open.close()
        self.could_not_open = links.CouldNotOpen(self, q, what)
        self.could_not_open.destroyed.connect(lambda: setattr(self, "could_not_open", None))
        self.could_not_open.show()
        return False

    def _open_today_from_reminder(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        stage = self.stages.get("sense")
        if stage is not None:
            stage.editor.focus_when_shown()
            stage.open_today()

    def show_settings(self) -> None:
        dialog = SettingsDialog(self.ctx, self)
        dialog.finished.connect(self._settings_closed)
        dialog.open()

    def _settings_closed(self, _result: int) -> None:
        for stage in self.stages.values():
            stage.settings_closed()

    # ---- state ---------------------------------------------------------------------------

    def restore_layout(self) -> None:
        """Geometry, the last stage and each stage's own state (splitters, selection)."""
        state = self.ws.settings.get(LAYOUT_KEY) or {}
        geometry = state.get("geometry")
        if not (
            isinstance(geometry, str)
            and self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
        ):
            self.resize(1360, 860)
        for key, stage in self.stages.items():
            s = state.get("stages", {}).get(key)
            if isinstance(s, dict):
                try:
                    stage.restore_state(s)
                except Exception:  # a stale layout must never stop the app
                    log.exception("could not restore the layout of %s", key)
        last = state.get("stage")
        self.show_stage(
            last
            if last in self.stages
            else "sense"
            if "sense" in self.stages
            else next(iter(self.stages), "")
        )

    def layout_state(self) -> dict[str, Any]:
        current = self.current_stage()
        return {
            "geometry": bytes(self.saveGeometry().toBase64().data()).decode(),
            "stage": current.key if current else None,
            "stages": {key: stage.save_state() for key, stage in self.stages.items()},
        }

    def start(self) -> None:
        """After the window is shown: load the first entry, check the search index."""
        sense = self.stages.get("sense")
        if sense is not None and hasattr(sense, "first_entry_shown"):
            sense.first_entry_shown.connect(self._content_loaded)
            sense.start()
        else:
            self._content_loaded()
        self.ops.ensure_index()
        self.ops.start_watching()
        self.ops.backup_failed.connect(
            lambda why: self.status.show_error(f"Today's automatic backup could not be made: {why}")
        )
        self.ops.start_auto_backups()
        self.welcome.start()
        self.reminder = DailyReminder(
            self.ctx, self.reminder_banner, self._open_today_from_reminder
        )
        self.reminder.start()
        self.vault_sync.start()

    def _content_loaded(self) -> None:
        self._content_ready = True
        self._maybe_ready()

    def _maybe_ready(self) -> None:
        if self._painted and self._content_ready and not self._ready_sent:
            self._ready_sent = True
            self.ready.emit()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            QTimer.singleShot(0, self._maybe_ready)
        elif event.type() == QEvent.Type.ApplicationPaletteChange:
            # Light/dark switched: style sheets resolve palette() once, so apply them again.
            QTimer.singleShot(0, self._restyle)
        elif event.type() == QEvent.Type.PaletteChange:
            for b in self.sidebar.findChildren(QToolButton):
                b.setIcon(theme.icon(b.property("icon_name"), self.palette()))
        elif event.type() == QEvent.Type.WindowDeactivate:
            stage = self.current_stage()
            if stage is not None:
                stage.flush()
        return super().event(event)

    def _restyle(self) -> None:
        central = self.centralWidget()
        central.setStyleSheet("")
        central.setStyleSheet(SIDEBAR_CSS)
        for b in self.sidebar.findChildren(QToolButton):
            b.setIcon(theme.icon(b.property("icon_name"), QApplication.palette()))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save what was typed and the layout, finish the queued writes, stop the threads.

        If a save failed (a full disk), ask first: the window stays open unless the user
        chooses to discard.
        """
        if not self._closed:
            self._save_for_close()
            if not self._may_close_unsaved():
                event.ignore()
                return
            self._stop()
        event.accept()

    def close_without_asking(self) -> None:
        """The same steps when no question can be asked: the display is gone and the
        process ends now (pkm.gui.lifecycle). Text that could not be saved is logged."""
        if self._closed:
            return
        self._save_for_close()
        for stage in self.stages.values():
            if stage.unsaved() is not None:
                log.error(
                    "closing without a display; unsaved in %s: %s", stage.key, stage.unsaved()
                )
        self._stop()

    def _save_for_close(self) -> None:
        for stage in self.stages.values():
            try:
                stage.closing()
            except Exception:
                log.exception("error while closing the %s stage", stage.key)
        self.ops.set_setting(LAYOUT_KEY, self.layout_state())
        self.vault_sync.flush()  # what was saved just now reaches the vault file too
        self.tasks.cancel_long_jobs()
        self.tasks.wait_for_writer()  # the saves just queued have run (or failed)

    def _stop(self) -> None:
        self._closed = True
        self.vault_sync.stop()
        QApplication.instance().removeEventFilter(self)
        self.tasks.shutdown()

    def _may_close_unsaved(self) -> bool:
        """Never close over text that could not be saved without an explicit "discard"."""
        for stage in self.stages.values():
            error = stage.unsaved()
            if error is None:
                continue
            why = (
                "The disk is full, so your latest words are not saved yet."
                if isinstance(error, DiskFull)
                else f"Your latest words are not saved yet: {describe_error(error)}"
            )
            return confirm(
                self,
                "Your latest words are not saved",
                f"{why}\n\nIf you quit now, what you typed since the last save is lost. Keep "
                "pkm open and free some space: it saves them by itself.",
                "Quit and discard them",
                "Keep pkm open",
            )
        return True
