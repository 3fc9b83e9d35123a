"""LinkedIn: no open API lets a person's own app post for them, so pkm does not pretend.

Instead it offers what works: the reflection as formatted plain text (the
GUI copies it to the clipboard) and LinkedIn's share page to paste it into.
When the reflection is already on a blog, the share page is the one for
that link, and the text is cut to fit with the link at its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from pkm.core.publish.base import Post
from pkm.core.publish.render import fit, hashtags

MAX_CHARS = 3000  # a LinkedIn post holds 3,000 characters
COMPOSE_URL = "https://www.linkedin.com/feed/?shareActive=true"
SHARE_LINK_URL = "https://www.linkedin.com/sharing/share-offsite/?url="
MAX_URL_TEXT = 1500  # longer prefilled text makes URLs some browsers refuse; paste instead


@dataclass(frozen=True)
class LinkedInShare:
    text: str
    url: str

    def as_dict(self) -> dict[str, str]:
        return {"text": self.text, "share_url": self.url}


def formatted_text(post: Post) -> str:
    """Plain text that reads well on LinkedIn: a title line, bullets as •, hashtags at the end."""
    body = post.plain  # lists already read as •, ☐/☑ and 1.
    tags = hashtags(post, body)
    text = f"{post.title}\n\n{body}".strip()
    room = MAX_CHARS - (len(tags) + 2 if tags else 0)
    text = fit(text, room, post.link, url_length=len(post.link) or 23)
    return text + (f"\n\n{tags}" if tags else "")


def share(post: Post) -> LinkedInShare:
    text = formatted_text(post)
    if post.link:
        return LinkedInShare(text, SHARE_LINK_URL + quote(post.link, safe=""))
    if len(text) <= MAX_URL_TEXT:
        return LinkedInShare(text, f"{COMPOSE_URL}&text={quote(text, safe='')}")
    return LinkedInShare(text, COMPOSE_URL)
