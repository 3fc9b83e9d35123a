"""Secrets (passwords, tokens, webhook URLs) live in the OS keyring, nowhere else.

Names are namespaced per data folder so two workspaces never share a
secret by accident. When the machine has no keyring backend, storing fails
with a message that says so; nothing is ever written in clear text.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

import keyring
import keyring.errors
from keyring.backends import fail

from pkm.core.errors import PkmError

SERVICE_PREFIX = "pkm"


class SecretsUnavailable(PkmError):
    """No usable keyring backend (and no fallback the user opted into)."""


NO_KEYRING = (
    "No system keyring is available on this machine, so pkm cannot store the secret safely. "
    "Install and unlock a keyring (GNOME Keyring, KWallet, macOS Keychain, Windows "
    "Credential Manager) and try again."
)


def keyring_available() -> bool:
    backend = keyring.get_keyring()
    return not isinstance(backend, fail.Keyring) and backend.priority > 0


class Secrets:
    """get/set/delete by a short name such as 'feed:12:password' or 'target:blog'."""

    def __init__(self, home: Path) -> None:
        digest = hashlib.sha256(str(home.resolve()).encode()).hexdigest()[:12]
        self.service = f"{SERVICE_PREFIX}:{digest}"

    def available(self) -> bool:
        return keyring_available()

    def set(self, name: str, value: str) -> None:
        if not self.available():
            raise SecretsUnavailable(NO_KEYRING)
        try:
            keyring.set_password(self.service, name, value)
        except keyring.errors.KeyringError as exc:
            raise SecretsUnavailable(
                f"The system keyring refused to store the secret ({type(exc).__name__}). "
                "Unlock your keyring and try again."
            ) from None

    def get(self, name: str) -> str | None:
        if not self.available():
            return None
        try:
            return keyring.get_password(self.service, name)
        except keyring.errors.KeyringError:
            return None

    def delete(self, name: str) -> None:
        if not self.available():
            return
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(self.service, name)
