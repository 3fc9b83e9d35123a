"""Settings › Templates: the daily entry's template and the prompts it draws from.

Both are kept by the core (``Journal.set_template`` / ``set_prompts``, in the data
folder's database, so a backup carries them); each has Save and "Reset to pkm's own".
A change applies from the next new daily entry: entries already written keep their text.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pkm.core.changes import Change
from pkm.core.journal import prompts as builtin
from pkm.gui.stage import GuiContext, SettingsPage
from pkm.gui.status import describe_error
from pkm.gui.widgets import Hint, heading

PLACEHOLDERS = (
    "{prompt} is the day's prompt, {title} the day's name (“Monday 23 November 2026”), "
    "{date} 2026-11-23, {weekday} Monday. New daily entries start from this text."
)


class TemplatesPage(QWidget):
    def __init__(self, ctx: GuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 8, 16, 8)

        lay.addWidget(heading("Daily entry template"))
        self.template = QPlainTextEdit()
        self.template.setObjectName("dailyTemplate")
        self.template.setMaximumHeight(110)
        lay.addWidget(self.template)
        lay.addWidget(Hint(PLACEHOLDERS))
        self.save_template = QPushButton("Save template")
        self.save_template.setObjectName("saveTemplate")
        self.reset_template = QPushButton("Reset to pkm's own")
        self.reset_template.setObjectName("resetTemplate")
        lay.addLayout(_row(self.save_template, self.reset_template))

        lay.addWidget(heading("Prompts"))
        self.prompts = QPlainTextEdit()
        self.prompts.setObjectName("prompts")
        lay.addWidget(self.prompts, 1)
        lay.addWidget(Hint("One question per line; each day takes the next one in turn."))
        self.save_prompts = QPushButton("Save prompts")
        self.save_prompts.setObjectName("savePrompts")
        self.reset_prompts = QPushButton("Reset to pkm's own")
        self.reset_prompts.setObjectName("resetPrompts")
        lay.addLayout(_row(self.save_prompts, self.reset_prompts))
        self.message = QLabel("")
        self.message.setObjectName("templatesMessage")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)

        self.save_template.clicked.connect(self._save_template)
        self.reset_template.clicked.connect(self._reset_template)
        self.save_prompts.clicked.connect(self._save_prompts)
        self.reset_prompts.clicked.connect(self._reset_prompts)
        j = ctx.ws.journal
        ctx.ops.read(
            "templates", lambda: (j.template("daily"), j.prompts()), self._loaded, owner=self
        )

    def _loaded(self, value: tuple[str, tuple[str, ...]]) -> None:
        template, prompts = value
        self.template.setPlainText(template)
        self.prompts.setPlainText("\n".join(prompts))

    def _run(self, fn, done_text: str, then=None) -> None:
        def done(_value: object) -> None:
            self.message.setText(done_text)
            if then is not None:
                then()

        self.ctx.ops.write(
            lambda: (fn(), Change()),
            on_done=done,
            on_error=lambda exc: self.message.setText(describe_error(exc)),
            owner=self,
        )

    def _save_template(self) -> None:
        j, body = self.ctx.ws.journal, self.template.toPlainText()
        self._run(lambda: j.set_template("daily", body), "Saved: new daily entries use it.")

    def _reset_template(self) -> None:
        j = self.ctx.ws.journal
        self.template.setPlainText(builtin.DEFAULT_DAILY_TEMPLATE)
        self._run(lambda: j.reset_template("daily"), "Back to pkm's own template.")

    def _save_prompts(self) -> None:
        j, lines = self.ctx.ws.journal, self.prompts.toPlainText().splitlines()
        self._run(lambda: j.set_prompts(lines), "Saved: the next days take their prompt from it.")

    def _reset_prompts(self) -> None:
        j = self.ctx.ws.journal
        self.prompts.setPlainText("\n".join(builtin.DEFAULT_PROMPTS))
        self._run(j.reset_prompts, "Back to pkm's own prompts.")


def _row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for b in buttons:
        row.addWidget(b)
    row.addStretch(1)
    return row


def templates_page() -> SettingsPage:
    return SettingsPage("Templates", TemplatesPage)
