"""Share: publishing targets and the publish log.

TEMPORARY stand-in: the publishing core is being written; the next update
replaces this module's ``create_stage`` with the real stage (and adds the
Publish button to the Sense editor's toolbar and a Targets settings page).
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from pkm.gui.placeholder import placeholder_page
from pkm.gui.stage import GuiContext, Stage


class ShareStage(Stage):
    key = "share"
    title = "Share"
    subtitle = "Publish what you learned"
    tooltip = "Publish reflections to your blog or team network (Ctrl+3)"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(
            placeholder_page(
                "Share: coming in the next update",
                [
                    "Here you will publish a reflection to your blog or team network in one click,",
                    "and see where each one went in the publish log.",
                    "Today you can export an entry (Markdown, HTML, PDF) or copy it as rich text",
                    "from the editor's toolbar in Sense.",
                ],
            )
        )


def create_stage(ctx: GuiContext) -> Stage:
    return ShareStage(ctx)
