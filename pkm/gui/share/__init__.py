"""Share: publishing targets, the publish log, and the Publish button in the editor.

``create_stage`` builds one :class:`ShareController` for the window (shared
by the stage, the Publish button and the Targets settings page), puts the
Publish button on the Sense editor's toolbar through the hook Sense offers
(``GuiContext.hooks.editor_toolbar``; a toolbar built before Share is also
given the button), the post's Responses in Sense's right column
(``hooks.context_panel``), opens the target dialog when the controller asks for it,
and adds the Targets page to Settings.
"""

from __future__ import annotations

from pkm.gui.stage import GuiContext, SettingsPage, Stage


def create_stage(ctx: GuiContext) -> Stage:
    from pkm.gui.share.controller import ShareController
    from pkm.gui.share.publish_button import install
    from pkm.gui.share.settings_page import TargetsPage
    from pkm.gui.share.stage import ShareStage
    from pkm.gui.share.target_dialog import TargetDialog

    share = ShareController(ctx, ctx.window)
    stage = ShareStage(ctx, share)
    from pkm.gui.share.post_window import open_post_window

    share.post_wanted.connect(lambda post, sources: open_post_window(share, post, sources))
    share.target_dialog_wanted.connect(
        lambda parent, existing: TargetDialog(share, parent, existing=existing).open()
    )

    def add_publish_button(editor) -> None:
        from pkm.gui.share.share_this import install as install_share_this

        stage.share_this = install_share_this(share, editor)
        stage.publish_button = install(share, editor)

    ctx.hooks.editor_toolbar.add(add_publish_button)

    def add_responses(context_panel) -> None:
        from pkm.gui.share.responses_panel import ResponsesPanel

        panel = ResponsesPanel(ctx)
        panel.open_url = lambda url: share.open_url(url)
        context_panel.add_section(panel)
        context_panel.context_shown.connect(panel.show_entry)
        panel.checked.connect(lambda _results: stage.watch.count())
        stage.sense_responses = panel

    ctx.hooks.context_panel.add(add_responses)
    ctx.settings_pages.append(SettingsPage("Targets", lambda c: TargetsPage(c, share)))
    return stage


__all__ = ["create_stage"]
