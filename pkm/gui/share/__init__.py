"""Share: publishing targets, the publish log, and the Publish button in the editor.

``create_stage`` builds one :class:`ShareController` for the window (shared
by the stage, the Publish button and the Targets settings page), puts the
Publish button on the Sense editor's toolbar when Sense is there (it is
created before Share, see ``app.build_window``), and adds the Targets page
to Settings.
"""

from __future__ import annotations

from pkm.gui.stage import GuiContext, SettingsPage, Stage


def create_stage(ctx: GuiContext) -> Stage:
    from pkm.gui.share.controller import ShareController
    from pkm.gui.share.publish_button import install
    from pkm.gui.share.settings_page import TargetsPage
    from pkm.gui.share.stage import ShareStage

    share = ShareController(ctx, ctx.window)
    stage = ShareStage(ctx, share)
    sense = ctx.window.stages.get("sense")
    editor = getattr(sense, "editor", None)
    if editor is not None and hasattr(editor, "toolbar"):
        stage.publish_button = install(share, editor)
    ctx.settings_pages.append(SettingsPage("Targets", lambda c: TargetsPage(c, share)))
    return stage


__all__ = ["create_stage"]
