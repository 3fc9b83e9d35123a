"""Which module implements which kind of target, and small records the facade returns.

Adapters are imported on first use, so opening a workspace (or listing
targets) does not load XML-RPC, SMTP and the rest.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from pkm.core.errors import BadInput, PkmError
from pkm.core.publish.base import Adapter, PublishResult, TargetConfig

_MODULES = {
    "folder": ("folder", "FolderAdapter"),
    "email": ("email", "EmailAdapter"),
    "wordpress": ("wordpress", "WordPressAdapter"),
    "metaweblog": ("metaweblog", "MetaWeblogAdapter"),
    "micropub": ("micropub", "MicropubAdapter"),
    "mastodon": ("mastodon", "MastodonAdapter"),
    "teams": ("teams", "TeamsAdapter"),
    "slack": ("slack", "SlackAdapter"),
    "mattermost": ("mattermost", "MattermostAdapter"),
    "viva-engage": ("viva_engage", "VivaEngageAdapter"),
    "matrix": ("matrix", "MatrixAdapter"),
    "ghost": ("ghost", "GhostAdapter"),
}
BLOG_KINDS = ("wordpress", "metaweblog", "micropub", "ghost")  # where a reflection lives in full


def adapter_class(kind: str) -> type[Adapter]:
    if kind not in _MODULES:
        raise BadInput(f"'{kind}' is not a kind of target. Use one of: {', '.join(_MODULES)}.")
    module, name = _MODULES[kind]
    return getattr(importlib.import_module(f"pkm.core.publish.{module}"), name)


def secret_name(target: str) -> str:
    return f"target:{target.lower()}"


@dataclass(frozen=True)
class TargetInfo:
    config: TargetConfig
    has_secret: bool | None  # None: unknown (the secrets file is locked)
    secret_label: str
    can_edit: bool
    responses_note: str = ""  # why responses cannot be read from it ("" when they can)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.config.as_dict(),
            "has_secret": self.has_secret,
            "secret": self.secret_label,
            "can_edit": self.can_edit,
            "responses": self.responses_note or "read",
        }


@dataclass(frozen=True)
class Outcome:
    """One target's result in a multi-target publish: a result or the error, never both."""

    target: str
    result: PublishResult | None = None
    error: PkmError | None = None

    def as_dict(self) -> dict[str, Any]:
        if self.result is not None:
            return self.result.as_dict()
        return {"target": self.target, "error": str(self.error), "type": type(self.error).__name__}


def scrub(exc: BaseException, secrets: list[str], target: str = "") -> None:
    """Remove every form of a secret from an exception's message, in place.

    Also names the target in the advice adapters give ("pkm targets add NAME …").
    """
    if not exc.args or not isinstance(exc.args[0], str):
        return
    text = exc.args[0]
    if target:
        text = text.replace("pkm targets add NAME ", f"pkm targets add {target} ")
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    exc.args = (text, *exc.args[1:])
