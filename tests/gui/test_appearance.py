"""Settings › Appearance: follow the system, light or dark; applied at once and at start."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QPalette

from pkm.gui import appearance, theme
from pkm.gui.settings_dialog import GeneralPage


def _dark() -> bool:
    return theme.is_dark(QGuiApplication.palette())


def test_choose_dark_then_follow_the_system(open_window, tmp_path):
    home = tmp_path / "ws"
    o = open_window(home)
    try:
        page = GeneralPage(o.window.ctx)
        o.qtbot.addWidget(page)
        assert page.appearance.currentData() == "system"
        page.appearance.setCurrentIndex(page.appearance.findData("dark"))
        assert _dark()
        # Links beside the entry follow too (a tag link in the Tags list).
        o.qtbot.waitUntil(lambda: "#" in o.sense.context.tags.text())
        link = QGuiApplication.palette().color(QPalette.ColorRole.Link)
        assert link.lightness() > 128
        o.wait_idle()
        o.close()
        again = open_window(home)  # remembered
        assert _dark()
        page = GeneralPage(again.window.ctx)
        o.qtbot.addWidget(page)
        assert page.appearance.currentData() == "dark"
        page.appearance.setCurrentIndex(page.appearance.findData("system"))
        assert not _dark()  # offscreen, the system is light
    finally:
        appearance.apply("system")
