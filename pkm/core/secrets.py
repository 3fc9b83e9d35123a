"""Secrets (passwords, tokens, webhook URLs) live in the OS keyring, nowhere else.

Names are namespaced per data folder so two workspaces never share a
secret by accident. When the machine has no keyring backend, storing fails
with a message that says so; nothing is ever written in clear text.

The one alternative is one the user asks for (`pkm secrets use-file`): a file
in the data folder encrypted with a passphrase (scrypt-derived key, random
salt, Fernet: AES-128-CBC + HMAC-SHA256). It is never chosen silently: the
file exists only after that explicit choice, and while it exists it is the
only place secrets are read from or written to. The passphrase comes from
`PKM_SECRETS_PASSPHRASE`, from `unlock()`, or from a prompt the CLI/GUI
installs as `passphrase_provider`; it is never stored.

Backends from `keyrings.alt` are not counted as a keyring: its default one
is a plain-text file, exactly what must not happen behind the user's back.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from pkm.core.errors import PkmError

if TYPE_CHECKING:
    import keyring.backend

SERVICE_PREFIX = "pkm"
FILE_NAME = "secrets.enc"
ENV_PASSPHRASE = "PKM_SECRETS_PASSPHRASE"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
MIN_PASSPHRASE = 8


class SecretsUnavailable(PkmError):
    """No usable keyring backend (and no fallback the user opted into)."""


class SecretsLocked(SecretsUnavailable):
    """Secrets are in the encrypted file and no (right) passphrase was given."""


NO_KEYRING = (
    "No system keyring is available on this machine, so pkm cannot store the secret safely. "
    "Install and unlock a keyring (GNOME Keyring, KWallet, macOS Keychain, Windows "
    "Credential Manager) and try again, or keep secrets in a file encrypted with a "
    "passphrase of your choice: run 'pkm secrets use-file'."
)


def _keyring() -> ModuleType:
    """keyring, imported when a secret is first needed, not at start-up: with its backends
    it costs about 50 ms, a tenth of the window's start."""
    import keyring
    import keyring.errors

    return keyring


def _fernet():
    """cryptography's Fernet and InvalidToken, imported only for the opt-in secrets file."""
    from cryptography.fernet import Fernet, InvalidToken

    return Fernet, InvalidToken


def _backends(backend: keyring.backend.KeyringBackend) -> list[keyring.backend.KeyringBackend]:
    inner = getattr(backend, "backends", None)  # keyring's ChainerBackend
    return list(inner) if isinstance(inner, list | tuple) else [backend]


def _acceptable(backend: keyring.backend.KeyringBackend) -> bool:
    from keyring.backends import fail

    if isinstance(backend, fail.Keyring) or type(backend).__module__.startswith("keyrings.alt"):
        return False
    try:
        return backend.priority > 0
    except Exception:
        return False


def keyring_available() -> bool:
    return any(_acceptable(b) for b in _backends(_keyring().get_keyring()))


def keyring_name() -> str:
    backend = _keyring().get_keyring()
    return getattr(backend, "name", type(backend).__name__)


class EncryptedFile:
    """A JSON map of name -> secret, encrypted with a key derived from a passphrase."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._key: bytes | None = None
        self._salt: bytes | None = None

    def exists(self) -> bool:
        return self.path.exists()

    @property
    def unlocked(self) -> bool:
        return self._key is not None

    @staticmethod
    def _derive(passphrase: str, salt: bytes) -> bytes:
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        kdf = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
        return base64.urlsafe_b64encode(kdf.derive(passphrase.encode("utf-8")))

    def create(self, passphrase: str) -> None:
        if len(passphrase) < MIN_PASSPHRASE:
            raise SecretsUnavailable(
                f"Choose a passphrase of at least {MIN_PASSPHRASE} characters for the secrets file."
            )
        self._salt = os.urandom(16)
        self._key = self._derive(passphrase, self._salt)
        self.write({})

    def unlock(self, passphrase: str) -> None:
        header = self._header()
        salt = base64.b64decode(header["salt"])
        key = self._derive(passphrase, salt)
        Fernet, InvalidToken = _fernet()
        try:
            Fernet(key).decrypt(header["token"].encode("ascii"))
        except InvalidToken:
            raise SecretsLocked(
                f"That passphrase does not open the secrets file {self.path}. "
                f"Check {ENV_PASSPHRASE} or type it again."
            ) from None
        self._salt, self._key = salt, key

    def read(self) -> dict[str, str]:
        assert self._key is not None
        token = self._header()["token"].encode("ascii")
        Fernet, InvalidToken = _fernet()
        try:
            data = json.loads(Fernet(self._key).decrypt(token))
        except InvalidToken:
            raise SecretsLocked(
                f"The secrets file {self.path} was changed by another passphrase; unlock it again."
            ) from None
        return data if isinstance(data, dict) else {}

    def write(self, data: dict[str, str]) -> None:
        """Encrypt the whole map anew and replace the file atomically (owner-only)."""
        from pkm.core.settings import atomic_write_bytes

        assert self._key is not None and self._salt is not None
        Fernet, _ = _fernet()
        token = Fernet(self._key).encrypt(json.dumps(data).encode("utf-8")).decode("ascii")
        header = {
            "format": "pkm-secrets",
            "version": 1,
            "kdf": "scrypt",
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": base64.b64encode(self._salt).decode("ascii"),
            "token": token,
        }
        atomic_write_bytes(self.path, json.dumps(header, indent=1).encode("utf-8"))
        os.chmod(self.path, 0o600)

    def _header(self) -> dict:
        try:
            header = json.loads(self.path.read_text(encoding="utf-8"))
            if header.get("format") != "pkm-secrets" or header.get("version") != 1:
                raise ValueError("unknown format")
            return header
        except (OSError, ValueError, AttributeError):
            raise SecretsUnavailable(
                f"The secrets file {self.path} cannot be read. Restore it from a backup, or "
                "delete it and add your targets' secrets again."
            ) from None


class Secrets:
    """get/set/delete by a short name such as 'feed:12:password' or 'target:blog'."""

    def __init__(self, home: Path, *, passphrase_provider: Callable[[], str | None] | None = None):
        digest = hashlib.sha256(str(home.resolve()).encode()).hexdigest()[:12]
        self.service = f"{SERVICE_PREFIX}:{digest}"
        self.file = EncryptedFile(home / FILE_NAME)
        self.passphrase_provider = passphrase_provider
        self._lock = threading.RLock()

    # ---- which store ---------------------------------------------------------------

    @property
    def backend(self) -> str:
        """'file' once the user chose the encrypted file, else 'keyring'."""
        return "file" if self.file.exists() else "keyring"

    def available(self) -> bool:
        return self.backend == "file" or keyring_available()

    def describe(self) -> str:
        if self.backend == "file":
            return f"an encrypted file, {self.file.path} (opened with your passphrase)"
        if keyring_available():
            return f"the system keyring ({keyring_name()})"
        return "nowhere yet: no system keyring was found (see 'pkm secrets use-file')"

    def status_line(self) -> str:
        """One sentence for `pkm secrets status` and the settings page."""
        if self.backend != "file" and not keyring_available():
            return (
                "No system keyring was found, so pkm stores no secrets yet. Install a keyring, "
                "or choose an encrypted file with 'pkm secrets use-file'."
            )
        return f"Secrets are kept in {self.describe()}."

    def unlock(self, passphrase: str) -> None:
        with self._lock:
            self.file.unlock(passphrase)

    def _open_file(self) -> EncryptedFile:
        if not self.file.unlocked:
            passphrase = os.environ.get(ENV_PASSPHRASE) or (
                self.passphrase_provider() if self.passphrase_provider else None
            )
            if not passphrase:
                raise SecretsLocked(
                    f"pkm keeps secrets in the encrypted file {self.file.path}. Give its "
                    f"passphrase in the {ENV_PASSPHRASE} environment variable (or unlock it "
                    "in the window) and try again."
                )
            self.file.unlock(passphrase)
        return self.file

    def use_file(self, passphrase: str) -> None:
        """Opt in to the encrypted file (create it, or check the passphrase of an existing one)."""
        with self._lock:
            if self.file.exists():
                self.file.unlock(passphrase)
            else:
                self.file.create(passphrase)

    def use_keyring(self) -> int:
        """Move every secret from the file into the keyring, then delete the file."""
        with self._lock:
            if not self.file.exists():
                return 0
            if not keyring_available():
                raise SecretsUnavailable(NO_KEYRING.split(" Install")[0] + " Keep using the file.")
            data = self._open_file().read()
            for name, value in data.items():
                self._keyring_set(name, value)
            self.file.path.unlink()
            self.file = EncryptedFile(self.file.path)
            return len(data)

    # ---- the API -------------------------------------------------------------------

    def set(self, name: str, value: str) -> None:
        with self._lock:
            if self.backend == "file":
                f = self._open_file()
                data = f.read()
                data[name] = value
                f.write(data)
                return
            if not keyring_available():
                raise SecretsUnavailable(NO_KEYRING)
            self._keyring_set(name, value)

    def _keyring_set(self, name: str, value: str) -> None:
        keyring = _keyring()
        try:
            keyring.set_password(self.service, name, value)
        except keyring.errors.KeyringError as exc:
            raise SecretsUnavailable(
                f"The system keyring refused to store the secret ({type(exc).__name__}). "
                "Unlock your keyring and try again."
            ) from None

    def get(self, name: str) -> str | None:
        with self._lock:
            if self.backend == "file":
                return self._open_file().read().get(name)
            if not keyring_available():
                return None
            keyring = _keyring()
            try:
                return keyring.get_password(self.service, name)
            except keyring.errors.KeyringError:
                return None

    def delete(self, name: str) -> None:
        with self._lock:
            if self.backend == "file":
                f = self._open_file()
                data = f.read()
                if data.pop(name, None) is not None:
                    f.write(data)
                return
            if not keyring_available():
                return
            # Nothing stored under that name, or a keyring that refuses: either way
            # there is nothing left to delete that pkm could reach.
            keyring = _keyring()
            with contextlib.suppress(keyring.errors.KeyringError):
                keyring.delete_password(self.service, name)
