"""Settings › Feeds: your subscriptions, rules for new articles, and reading preferences.

Everything applies at once (no OK to remember), like the rest of Settings.
The page calls the same commands as the Seek stage (add, import, export,
rename, move, unsubscribe), so a feed added here behaves exactly like one
added from the toolbar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pkm.core.changes import Change
from pkm.core.feeds.model import Feed, Rule
from pkm.gui.seek.views import parse_stamp
from pkm.gui.settings_dialog import REMOTE_IMAGES
from pkm.gui.stage import GuiContext
from pkm.gui.status import describe_error
from pkm.gui.widgets import Hint, heading, plain_tip

if TYPE_CHECKING:
    from pkm.gui.seek.stage import SeekStage

FIELDS = [("Anywhere", "any"), ("Title", "title"), ("Text", "content"), ("Author", "author")]
ACTIONS = [("Mute (mark as read)", "read"), ("Star", "star"), ("Tag", "tag")]
COLUMNS = ["Feed", "Folder", "Address", "Last checked", "Problem"]


def when(stamp: str | None) -> str:
    t = parse_stamp(stamp)
    return f"{t.astimezone():%d %b %Y, %H:%M}" if t else "never"


class FeedsPage(QWidget):
    def __init__(self, ctx: GuiContext, stage: SeekStage) -> None:
        super().__init__()
        self.ctx = ctx
        self.stage = stage
        self.seek = stage.seek
        self.feeds: list[Feed] = []
        self.rule_list: list[Rule] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._feeds_tab(), "Feeds")
        self.tabs.addTab(self._rules_tab(), "Rules")
        self.tabs.addTab(self._reading_tab(), "Reading")
        lay.addWidget(self.tabs)
        ctx.ops.changed.connect(self._on_changed)
        self.reload()

    # ---- feeds ------------------------------------------------------------------------------

    def _feeds_tab(self) -> QWidget:
        tab = QWidget()
        lay = QVBoxLayout(tab)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(0, 170)
        self.table.setColumnWidth(1, 90)
        self.table.setColumnWidth(2, 170)
        self.table.setColumnWidth(3, 120)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        lay.addWidget(self.table, 1)

        row = QHBoxLayout()
        self.add_button = QPushButton("Add…")
        self.add_button.clicked.connect(lambda: self.stage.add_feed(parent=self))
        self.rename_button = QPushButton("Rename…")
        self.rename_button.clicked.connect(lambda: self._with_feed(self.stage.rename_feed))
        self.remove_button = QPushButton("Unsubscribe…")
        self.remove_button.clicked.connect(lambda: self._with_feed(self.stage.remove_feed))
        self.import_button = QPushButton("Import OPML…")
        self.import_button.clicked.connect(lambda: self.stage.import_opml(parent=self))
        self.export_button = QPushButton("Export OPML…")
        self.export_button.clicked.connect(lambda: self.stage.export_opml(parent=self))
        for b in (self.add_button, self.rename_button, self.remove_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.import_button)
        row.addWidget(self.export_button)
        lay.addLayout(row)

        move = QHBoxLayout()
        move.addWidget(QLabel("Folder of the selected feed:"))
        self.folder = QComboBox()
        self.folder.setEditable(True)
        self.folder.setMinimumWidth(180)
        self.folder.lineEdit().setPlaceholderText("No folder")
        self.move_button = QPushButton("Move")
        self.move_button.setToolTip("Put the feed in this folder (a new name creates the folder)")
        self.move_button.clicked.connect(self._move)
        move.addWidget(self.folder)
        move.addWidget(self.move_button)
        move.addStretch(1)
        lay.addLayout(move)
        self._selection_changed()
        return tab

    def selected_feed(self) -> Feed | None:
        rows = self.table.selectionModel().selectedRows()
        return self.feeds[rows[0].row()] if rows and rows[0].row() < len(self.feeds) else None

    def _with_feed(self, fn: Any) -> None:
        feed = self.selected_feed()
        if feed is not None:
            fn(feed.id, parent=self, title=feed.title)

    def _selection_changed(self) -> None:
        feed = self.selected_feed()
        for b in (self.rename_button, self.remove_button, self.move_button, self.folder):
            b.setEnabled(feed is not None)
        if feed is not None:
            self.folder.setCurrentText(feed.folder)

    def _move(self) -> None:
        feed = self.selected_feed()
        if feed is not None:
            self.stage.move_feed(feed.id, self.folder.currentText().strip() or None)

    def _show_feeds(self, feeds: list[Feed]) -> None:
        selected = self.selected_feed()
        self.feeds = feeds
        self.table.setRowCount(len(feeds))
        for n, f in enumerate(feeds):
            problem = f.last_error or ("Removed by its publisher" if f.status == "gone" else "")
            cells = [f.title, f.folder, f.url, when(f.last_fetch_at), problem]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(plain_tip(text))
                self.table.setItem(n, col, cell)
            if selected is not None and f.id == selected.id:
                self.table.selectRow(n)
        names = sorted({f.folder for f in feeds if f.folder}, key=str.casefold)
        current = self.folder.currentText()
        self.folder.clear()
        self.folder.addItems(["", *names])
        self.folder.setCurrentText(current)
        self._selection_changed()

    # ---- rules --------------------------------------------------------------------------------

    def _rules_tab(self) -> QWidget:
        tab = QWidget()
        lay = QVBoxLayout(tab)
        lay.addWidget(
            Hint(
                "Rules act on new articles as they arrive: mute what you never read, star or "
                "tag what matters. Upper and lower case do not matter."
            )
        )
        self.rules = QListWidget()
        lay.addWidget(self.rules, 1)
        self.remove_rule_button = QPushButton("Remove rule")
        self.remove_rule_button.clicked.connect(self._remove_rule)
        self.rules.currentRowChanged.connect(
            lambda row: self.remove_rule_button.setEnabled(row >= 0)
        )
        self.remove_rule_button.setEnabled(False)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.remove_rule_button)
        lay.addLayout(top)

        lay.addWidget(heading("New rule"))
        form = QFormLayout()
        self.rule_pattern = QLineEdit()
        self.rule_pattern.setPlaceholderText("a word or phrase, e.g. webinar")
        self.rule_regex = QCheckBox("Regular expression")
        where = QHBoxLayout()
        self.rule_field = QComboBox()
        for text, value in FIELDS:
            self.rule_field.addItem(text, value)
        where.addWidget(self.rule_field)
        where.addWidget(QLabel("contains"))
        where.addWidget(self.rule_pattern, 1)
        where.addWidget(self.rule_regex)
        form.addRow("When:", where)
        then = QHBoxLayout()
        self.rule_action = QComboBox()
        for text, value in ACTIONS:
            self.rule_action.addItem(text, value)
        self.rule_tag = QLineEdit()
        self.rule_tag.setPlaceholderText("tag name")
        self.rule_action.currentIndexChanged.connect(self._action_changed)
        then.addWidget(self.rule_action)
        then.addWidget(self.rule_tag, 1)
        form.addRow("Then:", then)
        lay.addLayout(form)
        self.rule_apply = QCheckBox("Also apply it to the articles already here")
        self.add_rule_button = QPushButton("Add rule")
        self.add_rule_button.clicked.connect(self._add_rule)
        self.rule_pattern.returnPressed.connect(self._add_rule)
        bottom = QHBoxLayout()
        bottom.addWidget(self.rule_apply)
        bottom.addStretch(1)
        bottom.addWidget(self.add_rule_button)
        lay.addLayout(bottom)
        self.rule_message = Hint()
        self.rule_message.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.rule_message)
        self._action_changed()
        return tab

    def _action_changed(self) -> None:
        self.rule_tag.setEnabled(self.rule_action.currentData() == "tag")

    def _show_rules(self, rules: list[Rule]) -> None:
        self.rule_list = rules
        self.rules.clear()
        for r in rules:
            self.rules.addItem(QListWidgetItem(r.describe()))
        self.remove_rule_button.setEnabled(False)

    def _add_rule(self) -> None:
        def done(_rule: Rule) -> None:
            self.rule_pattern.clear()
            self.rule_tag.clear()
            self.rule_message.setText("Rule added.")
            self.seek.rules(self._show_rules, owner=self)

        self.seek.add_rule(
            on_done=done,
            on_error=lambda exc: self.rule_message.setText("⚠ " + describe_error(exc)),
            pattern=self.rule_pattern.text(),
            is_regex=self.rule_regex.isChecked(),
            field=self.rule_field.currentData(),
            action=self.rule_action.currentData(),
            tag=self.rule_tag.text(),
            apply_existing=self.rule_apply.isChecked(),
        )

    def _remove_rule(self) -> None:
        row = self.rules.currentRow()
        if 0 <= row < len(self.rule_list):
            done = lambda _id: self.seek.rules(self._show_rules, owner=self)  # noqa: E731
            self.seek.remove_rule(self.rule_list[row].id, on_done=done)

    # ---- reading ------------------------------------------------------------------------------

    def _reading_tab(self) -> QWidget:
        tab = QWidget()
        lay = QVBoxLayout(tab)
        form = QFormLayout()
        self.retention = QSpinBox()
        self.retention.setRange(0, 3650)
        self.retention.setSuffix(" days")
        self.retention.setSpecialValueText("forever")
        self.retention.setValue(self.seek.feeds.retention_days())
        self.retention.valueChanged.connect(lambda days: self.seek.set_retention(days))
        form.addRow("Keep read articles for:", self.retention)
        self.refresh_every = QSpinBox()
        self.refresh_every.setRange(0, 24 * 60)
        self.refresh_every.setSuffix(" minutes")
        self.refresh_every.setSpecialValueText("only when I press Refresh")
        self.refresh_every.setValue(self.stage.refresh_minutes())
        self.refresh_every.valueChanged.connect(self.stage.set_refresh_minutes)
        form.addRow("Check for new articles every:", self.refresh_every)
        lay.addLayout(form)
        lay.addWidget(
            Hint(
                "Starred and clipped articles are kept forever. Each feed is checked at most as "
                "often as it asks; a feed in trouble is retried less often."
            )
        )
        self.remote_images = QCheckBox("Always load remote images")
        self.remote_images.setChecked(bool(self.ctx.ops.setting(REMOTE_IMAGES, False)))
        self.remote_images.toggled.connect(lambda on: self.ctx.ops.set_setting(REMOTE_IMAGES, on))
        lay.addWidget(self.remote_images)
        lay.addWidget(
            Hint(
                "Off is faster and more private: senders cannot tell when you read their "
                "articles. “Load pictures” in the reader shows one article's pictures."
            )
        )
        lay.addStretch(1)
        return tab

    # ---- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        self.seek.feed_list(self._show_feeds, owner=self)
        self.seek.rules(self._show_rules, owner=self)

    def _on_changed(self, change: Change, _origin: object) -> None:
        if change.feeds:
            self.seek.feed_list(self._show_feeds, owner=self)
