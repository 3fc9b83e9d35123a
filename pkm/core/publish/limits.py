"""How long a post may be where it goes, and what it will look like there, before it is sent.

The post window shows this as the user types ("312 characters left on
Mastodon"), so the numbers come from the same functions the adapters use to
build what they send (render.counted_length and fit, the Mastodon server's
own limit remembered in the target's cache, LinkedIn's 3,000).

Viva Engage documents no length limit for a post, so none is invented here:
its preview shows the length only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pkm.core.publish.base import Post
from pkm.core.publish.render import MASTODON_URL_LENGTH, counted_length, fit, hashtags

MASTODON_DEFAULT = 500  # what a stock Mastodon server allows, until pkm has asked the server
LINKEDIN_LIMIT = 3000  # a LinkedIn post, in characters
PLAIN_KINDS = ("mastodon", "viva-engage", "linkedin")  # they show text only
CARD_KINDS = ("slack", "teams", "mattermost")  # a message card in a channel


@dataclass(frozen=True)
class Fit:
    """What a target will show, and how it stands against the target's limit."""

    plain: bool  # only text goes out (no formatting)
    text: str  # for plain targets: the text exactly as it will be sent
    length: int  # counted the target's way (a Mastodon link is 23 characters)
    limit: int | None  # None: the target documents none
    cut: bool  # too long: the opening goes out, with a link to the blog post
    too_long: bool  # too long, and no blog post to link to: it cannot go as it is

    @property
    def left(self) -> int | None:
        return None if self.limit is None else self.limit - self.length

    def counter(self, where: str) -> str:
        """ "312 characters left on Mastodon", "40 characters too many for LinkedIn"."""
        if self.limit is None:
            return f"{self.length:,} characters"
        left = self.limit - self.length
        if left >= 0:
            return f"{left:,} characters left on {where}"
        return f"{-left:,} characters too many for {where} ({self.limit:,} at most)"


def _plain_fit(text: str, tail: str, limit: int | None, link: str, per_url: int) -> Fit:
    length = counted_length(text + tail, per_url)
    if limit is None or length <= limit:
        return Fit(True, text + tail, length, limit, False, False)
    if not link:
        return Fit(True, text + tail, length, limit, False, True)
    room = limit - counted_length(tail, per_url)
    cut = fit(text, room, link, per_url) + tail
    return Fit(True, cut, length, limit, True, False)


def fit_for(kind: str, post: Post, cache: Mapping[str, Any] | None = None) -> Fit:
    """How `post` goes out on a target of this kind ('linkedin' for a LinkedIn post)."""
    cache = cache or {}
    if kind == "mastodon":
        limit = int(cache.get("max_characters", MASTODON_DEFAULT))
        per_url = int(cache.get("characters_reserved_per_url", MASTODON_URL_LENGTH))
        tags = hashtags(post, post.plain)
        head = f"{post.title}\n\n{post.plain}".strip()
        return _plain_fit(head, f"\n\n{tags}" if tags else "", limit, post.link, per_url)
    if kind == "linkedin":
        tags = hashtags(post, post.plain)
        head = f"{post.title}\n\n{post.plain}".strip()
        per_url = len(post.link) or MASTODON_URL_LENGTH
        tail = f"\n\n{tags}" if tags else ""
        return _plain_fit(head, tail, LINKEDIN_LIMIT, post.link, per_url)
    if kind == "viva-engage":
        text = f"{post.title}\n\n{post.plain}".strip()
        return Fit(True, text, len(text), None, False, False)
    return Fit(False, "", len(post.plain), None, False, False)
