"""What Teams, Slack and Mattermost incoming webhooks have in common.

The webhook URL is the credential (whoever knows it can post), so it is the
target's secret: the database keeps only the server part, previews show
the path as ***. Incoming webhooks answer with "ok" (or 202 Accepted) and no
message id, so a posted message cannot be edited or looked up: publishing
again needs `--as-new`, and an unanswered attempt is reported, not retried.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pkm.core.errors import BadInput
from pkm.core.publish.base import (
    REDACTED,
    Adapter,
    Post,
    Remote,
    Request,
    TooLarge,
    is_local_host,
    json_body,
)
from pkm.core.publish.http import raise_for_status


def display_url(url: str) -> str:
    """The part of a webhook URL that is safe to show: scheme, host and the first path step."""
    parts = urlsplit(url)
    first = parts.path.strip("/").split("/")[0] if parts.path.strip("/") else ""
    return f"{parts.scheme}://{parts.netloc}/" + (f"{first}/{REDACTED}" if first else REDACTED)


class WebhookAdapter(Adapter):
    needs_url = False
    url_is_secret = True
    secret_label = "incoming webhook URL"
    can_edit = False
    max_bytes: ClassVar[int] = 0  # refuse locally before the server does (0: no known limit)
    hints: ClassVar[dict[int, str]] = {}

    @property
    def where(self) -> str:
        return f"{self.label} (target '{self.config.name}')"

    @classmethod
    def check_webhook(cls, url: str) -> str:
        url = (url or "").strip()
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname or not parts.path.strip("/"):
            raise BadInput(
                f"'{display_url(url) if parts.hostname else 'that'}' is not a {cls.label} incoming "
                f"webhook URL. {cls.url_hint()}"
            )
        if parts.scheme == "http" and not is_local_host(parts.hostname):
            raise BadInput(
                f"A {cls.label} webhook URL must start with https:// (http is allowed only to "
                "this computer)."
            )
        return url

    @classmethod
    def normalize_url(cls, url: str) -> str:
        return url  # the service stores the secret URL in the keyring and keeps display_url here

    def payload(self, post: Post) -> dict[str, Any]:
        raise NotImplementedError

    def _request(self, post: Post) -> Request:
        body = json_body(self.payload(post))
        return Request(
            "POST",
            self.config.url or display_url(self.secret or ""),
            {"Content-Type": "application/json; charset=utf-8"},
            body,
        )

    def plan(self, post: Post, *, remote: Remote | None, draft: bool, key: str) -> list[Request]:
        return [self._request(post)]

    def create(self, post: Post, *, draft: bool, key: str) -> Remote:
        req = self._request(post)
        size = len(req.body.encode("utf-8"))
        if self.max_bytes and size > self.max_bytes:
            raise TooLarge(
                f"The entry is too long for {self.label} ({size:,} bytes; it accepts about "
                f"{self.max_bytes:,}). Shorten it, or publish it to a blog and post a link."
            )
        self.say(f"Posting to {self.label}…")
        reply = self.http.request(
            "POST", self.secret, where=self.where, headers=dict(req.headers), content=req.body
        )
        raise_for_status(reply, self.where, what="the message", hints=self.hints, creating=True)
        return self.remote_from(reply.text)

    def remote_from(self, text: str) -> Remote:
        return Remote("", "", "sent")

    def again(self, post: Post, remote: Remote, *, key: str) -> Remote:
        return self.create(post, draft=False, key=key)

    def test(self) -> str:
        # Posting is the only thing a webhook does; testing must not post. Check the form only.
        self.check_webhook(self.secret or "")
        return (
            f"The {self.label} webhook URL is stored and well formed. Incoming webhooks cannot "
            "be checked without posting; use 'pkm publish ID --to NAME --dry-run' to preview."
        )

    @staticmethod
    def error_code(text: str) -> str:
        try:
            data = json.loads(text)
        except ValueError:
            return text.strip()[:80]
        return str(data.get("id") or data.get("error") or "") if isinstance(data, dict) else ""
