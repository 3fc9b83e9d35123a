"""Related notes beside the entry: follow the text as it is written; a click opens one."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pkm.core.workspace import Workspace
from tests.test_related import NOTES

LEFT = Qt.MouseButton.LeftButton


def test_related_follows_the_text_and_opens_on_click(open_window, tmp_path, clock):
    home = tmp_path / "ws"
    with Workspace(home, clock=clock) as ws:
        ids = [ws.journal.create(kind="note", title=t, body=b).id for t, b in NOTES]
    o = open_window(home)
    qtbot, panel = o.qtbot, o.sense.context
    qtbot.waitUntil(lambda: o.window.ops.index_status == "ready", timeout=20_000)
    o.window.open_entry.emit(ids[0])
    qtbot.waitUntil(lambda: o.editor.entry_id == ids[0])
    qtbot.waitUntil(lambda: panel.related_keys()[:1] == [f"entry:{ids[2]}"], timeout=10_000)
    assert "shares: " in panel.related.item(0).data(Qt.ItemDataRole.UserRole + 1)

    # What is typed (not even saved yet) changes what is related.
    o.editor.text.setFocus()
    o.editor.text.selectAll()
    qtbot.keyClicks(o.editor.text, "Pricing and churn: a simpler model.")
    qtbot.waitUntil(lambda: f"entry:{ids[3]}" in panel.related_keys(), timeout=10_000)

    item = panel.related.item(panel.related_keys().index(f"entry:{ids[3]}"))
    rect = panel.related.visualItemRect(item)
    qtbot.mouseClick(panel.related.viewport(), LEFT, pos=rect.center())
    qtbot.waitUntil(lambda: o.editor.entry_id == ids[3], timeout=10_000)
