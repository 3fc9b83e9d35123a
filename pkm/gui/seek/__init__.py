"""Seek: feeds and folders, the item list and the reader.

TEMPORARY stand-in: the feeds core is being written; the next update
replaces this module's ``create_stage`` with the real stage. It should
connect ``ctx.window.open_item`` (search results that are feed items) and
add its Settings page with ``ctx.settings_pages.append(SettingsPage(...))``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from pkm.gui.placeholder import placeholder_page
from pkm.gui.stage import GuiContext, Stage


class SeekStage(Stage):
    key = "seek"
    title = "Seek"
    subtitle = "Read what your trusted sources publish"
    tooltip = "Read your trusted sources: feeds, folders and articles (Ctrl+1)"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(
            placeholder_page(
                "Seek: coming in the next update",
                [
                    "Here you will follow trusted sources: feeds and folders with unread counts,",
                    "a list of articles and a calm reader, with keys to star, clip and move on.",
                    "Today you can write in Sense (Ctrl+2) and search everything with Ctrl+K.",
                ],
            )
        )


def create_stage(ctx: GuiContext) -> Stage:
    return SeekStage(ctx)
