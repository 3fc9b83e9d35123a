"""How a post will look where it goes: the HTML the post window's preview shows.

Drawn from what the adapter will send: a plain-text status as text (with its
attached photos below it, as Mastodon shows them), a channel message as its
card, a blog post as its page. Images are the media store's own files, which
the preview widget (sense's `Preview`) reads; each is given a size that fits
the pane, so a phone photo shows whole instead of one corner.
"""

from __future__ import annotations

import html

from pkm.core.publish.base import Adapter, Post, TargetConfig
from pkm.core.publish.limits import CARD_KINDS, Fit
from pkm.core.publish.post_media import with_sizes
from pkm.gui.share import card_look


def channel_html(target: TargetConfig, post: Post) -> str:
    """The channel message drawn from the payload the adapter will send."""
    from pkm.core.publish.base import PublishError
    from pkm.core.publish.registry import adapter_class

    adapter = adapter_class(target.kind)(target, None)
    try:
        payload = adapter.payload(post)  # type: ignore[attr-defined]
    except PublishError as exc:  # too long for one message: say so where the card would be
        return f"<p><b>{html.escape(str(exc))}</b></p>"
    if target.kind == "teams":
        return card_look.teams_html(payload)
    if target.kind == "slack":
        return card_look.slack_html(payload)
    # Mattermost shows Markdown, as pkm's own preview does
    return card_look.card(f"<h3>{html.escape(post.title)}</h3>{post.html}", bar="#1e325c")


def preview_html(adapter: Adapter | None, kind: str, post: Post, fit: Fit, room: int) -> str:
    """The preview of ``post`` (already shaped for the target) in a pane ``room`` px wide."""
    if fit.plain:
        shown = f"<div style='white-space:pre-wrap'>{html.escape(fit.text)}</div>"
        if adapter is not None and adapter.media_api() is not None:  # attached below the text
            shown += "".join(
                f'<p><img src="{i.ref}" alt="{html.escape(i.alt, quote=True)}"></p>'
                for i in post.images
            )
    elif kind in CARD_KINDS and adapter is not None:
        shown = channel_html(adapter.config, post)
    else:
        shown = f"<h2>{html.escape(post.title)}</h2>{post.html}"
    return with_sizes(shown, post.images, room, 2 * room)
