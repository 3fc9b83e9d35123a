"""Seek: feeds and folders with unread counts, the article list and a safe reader.

``create_stage`` builds the stage, routes search results that are feed items
(``window.open_item``) to it, and adds the Feeds page to Settings.
"""

from __future__ import annotations

from pkm.gui.seek.stage import SeekStage
from pkm.gui.stage import GuiContext, SettingsPage, Stage


def create_stage(ctx: GuiContext) -> Stage:
    from pkm.gui.seek.settings_page import FeedsPage

    stage = SeekStage(ctx)
    ctx.window.open_item.connect(stage.open_item)
    ctx.settings_pages.append(SettingsPage("Feeds", lambda c: FeedsPage(c, stage)))
    return stage


__all__ = ["SeekStage", "create_stage"]
