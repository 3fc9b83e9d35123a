"""Settings › Templates: the daily template and the prompts, saved through the core."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from pkm.core.journal import prompts as builtin
from pkm.gui.settings_dialog import SettingsDialog

LEFT = Qt.MouseButton.LeftButton
CLOSE = QDialogButtonBox.StandardButton.Close


def _page(o):
    o.window.show_settings()
    dialog = o.window.findChild(SettingsDialog)
    dialog.show_page("Templates")
    page = dialog.stack.currentWidget()
    o.qtbot.waitUntil(lambda: page.prompts.toPlainText() != "")
    return dialog, page


def _type(o, box, text: str) -> None:
    """Type ``text`` as keys, Return for each new line (keyClicks takes no "\\n")."""
    box.setFocus()
    box.selectAll()
    for i, line in enumerate(text.split("\n")):
        if i:
            o.qtbot.keyClick(box, Qt.Key.Key_Return)
        if line:
            o.qtbot.keyClicks(box, line)


def test_edit_prompts_and_template_then_reset(main_window):
    o = main_window
    dialog, page = _page(o)
    assert page.prompts.toPlainText().splitlines() == list(builtin.DEFAULT_PROMPTS)
    _type(o, page.prompts, "What did a customer teach you today?")
    o.qtbot.keyClick(page.prompts, Qt.Key.Key_Return)
    o.qtbot.keyClicks(page.prompts, "What will you stop doing?")
    o.qtbot.mouseClick(page.save_prompts, LEFT)
    o.qtbot.waitUntil(lambda: "Saved" in page.message.text())
    assert o.ws.journal.prompts() == (
        "What did a customer teach you today?",
        "What will you stop doing?",
    )
    _type(o, page.template, "## {prompt}\n\nThree things:\n")
    o.qtbot.mouseClick(page.save_template, LEFT)
    o.qtbot.waitUntil(lambda: "new daily entries use it" in page.message.text())
    assert o.ws.journal.template("daily") == "## {prompt}\n\nThree things:\n"
    # Nothing is not a list of prompts: said in words, nothing changed.
    _type(o, page.prompts, "   ")
    o.qtbot.mouseClick(page.save_prompts, LEFT)
    o.qtbot.waitUntil(lambda: "at least one prompt" in page.message.text())
    assert len(o.ws.journal.prompts()) == 2
    o.qtbot.mouseClick(page.reset_prompts, LEFT)
    o.qtbot.mouseClick(page.reset_template, LEFT)
    o.qtbot.waitUntil(lambda: "pkm's own template" in page.message.text())
    o.wait_idle()
    assert o.ws.journal.prompts() == builtin.DEFAULT_PROMPTS
    assert o.ws.journal.template("daily") == builtin.DEFAULT_DAILY_TEMPLATE
    dialog.close()


def test_todays_prompt_card_follows_new_prompts(main_window):
    o = main_window
    dialog, page = _page(o)
    _type(o, page.prompts, "Which meeting mattered most today?")
    o.qtbot.mouseClick(page.save_prompts, LEFT)
    o.qtbot.waitUntil(lambda: "Saved" in page.message.text())
    o.qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(CLOSE), LEFT)
    o.qtbot.waitUntil(
        lambda: o.sense.day_panel.prompt.text() == "Which meeting mattered most today?"
    )
