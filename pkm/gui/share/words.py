"""Plain words for the Share stage: "2 days ago", and errors without command lines.

The core's messages are written for people, but some end with advice for
the command line ("run 'pkm publish 3 --to blog --as-new'"). In the window
that advice is replaced by where to click, so a busy reader is never sent
to a terminal. Nothing here decides anything: it only rewords.
"""

from __future__ import annotations

import datetime as dt
import re

from pkm.core.errors import PkmError
from pkm.core.publish.base import (
    CannotEdit,
    RemoteGone,
    SecretMissing,
    TargetAuthError,
    UncertainOutcome,
)
from pkm.gui.status import describe_error

_SENTENCE = re.compile(r"(?<=[.!?)])\s+(?=[A-Z'“(])")
_ADVICE = re.compile(r"[:;,] (?:run|give it|add it|use) ", re.I)
_CLI = re.compile(r"'pkm |--[a-z]|\bpkm (targets|publish|secrets)\b")
EDIT_TARGET = "Open Settings → Targets, choose the target and Edit it."


def when(iso_time: str | None, now: dt.datetime) -> str:
    """How long ago, the way a person says it: "just now", "5 minutes ago", "2 days ago"."""
    if not iso_time:
        return ""
    try:
        t = dt.datetime.fromisoformat(iso_time)
    except ValueError:
        return ""
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    s = (now - t).total_seconds()
    if s < 60:
        return "just now"
    if s < 3600:
        n = int(s // 60)
        return f"{n} minute{'s' * (n != 1)} ago"
    if s < 86400:
        n = int(s // 3600)
        return f"{n} hour{'s' * (n != 1)} ago"
    days = (now.astimezone().date() - t.astimezone().date()).days
    if days <= 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    local = t.astimezone()
    year = f" {local.year}" if local.year != now.astimezone().year else ""
    return f"{local.day} {local:%b}{year}"


def without_commands(text: str) -> tuple[str, bool]:
    """The message without its command-line advice; True if some was dropped.

    A sentence that is only advice goes; one that says what is wrong and then
    how to fix it in a terminal ("… needs its password: run … --secret-stdin")
    keeps what is wrong.
    """
    sentences = _SENTENCE.split(text.strip())
    kept = []
    for s in sentences:
        if not _CLI.search(s):
            kept.append(s)
            continue
        head = _ADVICE.split(s, maxsplit=1)[0].strip()
        if head != s.strip() and not _CLI.search(head) and len(head) > 12:
            kept.append(head.rstrip(".,;:") + ".")
    if not kept:
        return text, False
    return " ".join(kept), kept != sentences


def plain_error(exc: BaseException, *, target: str = "", secret_label: str = "") -> str:
    """One or two sentences for the status area, with advice that fits the window."""
    if not isinstance(exc, PkmError):
        return describe_error(exc)
    text, dropped = without_commands(str(exc))
    secret = secret_label or "password"
    if isinstance(exc, TargetAuthError):
        return f"{text} Check the user name and {secret}: {EDIT_TARGET}"
    if isinstance(exc, SecretMissing):
        return f"No {secret} is stored for {target or 'this target'}. {EDIT_TARGET}"
    if isinstance(exc, CannotEdit):
        return f"{text} Choose Post again to send the new text as a new message."
    if isinstance(exc, RemoteGone):
        return f"{text} Choose Publish anew to post it again."
    if isinstance(exc, UncertainOutcome):
        return (
            f"{text} Check {target or 'the target'} first; if it is not there, choose Post again."
        )
    if dropped:
        return f"{text} {EDIT_TARGET}" if "target" in str(exc).lower() else text
    return text
