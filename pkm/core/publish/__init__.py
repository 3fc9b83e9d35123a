"""Share: publish a journal entry to blogs, enterprise networks, email and files.

`Publishing` (service.py, reached as `ws.publishing`) is the entry point;
each kind of target is one module behind the small `Adapter` interface in
base.py. Adapters are imported only when used.
"""

from pkm.core.publish.base import (
    KINDS,
    CannotEdit,
    PublishError,
    PublishResult,
    RateLimited,
    RemoteGone,
    SecretMissing,
    TargetAuthError,
    TargetForbidden,
    TargetUnreachable,
    TooLarge,
    UncertainOutcome,
)

__all__ = [
    "KINDS",
    "CannotEdit",
    "PublishError",
    "PublishResult",
    "RateLimited",
    "RemoteGone",
    "SecretMissing",
    "TargetAuthError",
    "TargetForbidden",
    "TargetUnreachable",
    "TooLarge",
    "UncertainOutcome",
]
