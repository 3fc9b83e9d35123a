"""Light, dark, or the system's appearance (Settings › General › Appearance).

"Follow system" leaves the palette to Qt, which follows the desktop's scheme
(and switches with it). "Light" and "Dark" set one palette for the whole
application: Fusion's standard light one, or a dark one built here from a
few base colours, the way Qt's own examples make a dark Fusion palette. Every
widget of pkm takes its colours from the palette (pkm.gui.theme), and the
window restyles itself on ``ApplicationPaletteChange``, so a switch needs no
restart.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

KEY = "appearance"
CHOICES = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))

Role = QPalette.ColorRole
Group = QPalette.ColorGroup


def dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor(45, 45, 48), QColor(30, 30, 32), QColor(230, 230, 230)
    for role, color in (
        (Role.Window, window),
        (Role.WindowText, text),
        (Role.Base, base),
        (Role.AlternateBase, QColor(52, 52, 56)),
        (Role.ToolTipBase, QColor(60, 60, 64)),
        (Role.ToolTipText, text),
        (Role.PlaceholderText, QColor(140, 140, 145)),
        (Role.Text, text),
        (Role.Button, QColor(58, 58, 62)),
        (Role.ButtonText, text),
        (Role.BrightText, QColor(255, 90, 90)),
        (Role.Light, QColor(75, 75, 80)),
        (Role.Midlight, QColor(62, 62, 66)),
        (Role.Mid, QColor(70, 70, 74)),
        (Role.Dark, QColor(25, 25, 27)),
        (Role.Shadow, QColor(10, 10, 10)),
        (Role.Highlight, QColor(64, 128, 208)),
        (Role.HighlightedText, QColor(255, 255, 255)),
        (Role.Link, QColor(110, 170, 255)),
        (Role.LinkVisited, QColor(170, 140, 255)),
    ):
        p.setColor(role, color)
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        p.setColor(Group.Disabled, role, QColor(120, 120, 124))
    return p


def apply(choice: str, app: QApplication | None = None) -> None:
    """Set the application's palette for ``choice`` (an unknown value follows the system)."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    if app is None:
        return
    if choice == "dark":
        app.setPalette(dark_palette())
    elif choice == "light":
        app.setPalette(app.style().standardPalette())
    else:
        app.setPalette(QPalette())  # Qt's own: the platform's scheme
