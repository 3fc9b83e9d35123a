"""Text from feeds, servers and files is shown as written, never guessed to be markup."""

from PySide6.QtCore import Qt


def test_status_messages_and_their_tooltips_are_plain_text(main_window):
    status = main_window.window.status
    status.show_error("Feed \"<img src='file:///etc/x.png'><h1>Big</h1>\" could not be read.")
    assert status.message.textFormat() == Qt.TextFormat.PlainText
    assert "<h1>Big</h1>" in status.message.text()
    assert "&lt;h1&gt;" in status.message.toolTip()
