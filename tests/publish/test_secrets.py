"""Secrets: the keyring, never plain text, and the encrypted file only when the user opts in."""

from __future__ import annotations

import json

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from pkm.core.secrets import (
    NO_KEYRING,
    Secrets,
    SecretsLocked,
    SecretsUnavailable,
    keyring_available,
)

PASS = "correct horse battery"


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_keyring_round_trip(ws, memory_keyring):
    ws.secrets.set("target:blog", "s3cret-value")
    assert ws.secrets.get("target:blog") == "s3cret-value"
    assert "s3cret-value" in memory_keyring.values()
    ws.secrets.delete("target:blog")
    assert ws.secrets.get("target:blog") is None
    ws.secrets.delete("target:blog")  # deleting twice is fine


def test_no_keyring_refuses_and_points_to_the_file_fallback(ws, no_keyring):
    assert not ws.secrets.available()
    with pytest.raises(SecretsUnavailable, match="pkm secrets use-file"):
        ws.secrets.set("target:blog", "x")
    assert ws.secrets.get("target:blog") is None
    assert not (ws.home / "secrets.enc").exists()  # never silently


def test_plaintext_keyrings_alt_backend_does_not_count(no_keyring):
    class PlaintextKeyring(KeyringBackend):
        priority = 0.5

        def get_password(self, service, username):
            return None

        def set_password(self, service, username, password):
            raise AssertionError("must never be used")

        def delete_password(self, service, username):
            pass

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    keyring.set_keyring(PlaintextKeyring())
    assert not keyring_available()


def test_encrypted_file_after_opt_in(ws, no_keyring, tmp_path):
    s = ws.secrets
    s.use_file(PASS)
    assert s.backend == "file" and s.available()
    s.set("target:blog", "app-password-xyz")
    s.set("feed:3:password", "feed-pw")
    raw = (ws.home / "secrets.enc").read_bytes()
    assert b"app-password-xyz" not in raw and b"feed-pw" not in raw
    assert (ws.home / "secrets.enc").stat().st_mode & 0o077 == 0
    header = json.loads(raw)
    assert header["kdf"] == "scrypt" and len(header["salt"]) >= 20

    fresh = Secrets(ws.home)  # a new process: locked until the passphrase comes
    with pytest.raises(SecretsLocked, match="PKM_SECRETS_PASSPHRASE"):
        fresh.get("target:blog")
    with pytest.raises(SecretsLocked, match="does not open"):
        fresh.unlock("wrong passphrase")
    fresh.unlock(PASS)
    assert fresh.get("target:blog") == "app-password-xyz"
    fresh.delete("feed:3:password")
    assert Secrets(ws.home, passphrase_provider=lambda: PASS).get("feed:3:password") is None


def test_passphrase_from_the_environment(ws, no_keyring, monkeypatch):
    ws.secrets.use_file(PASS)
    ws.secrets.set("a", "b")
    monkeypatch.setenv("PKM_SECRETS_PASSPHRASE", PASS)
    assert Secrets(ws.home).get("a") == "b"


def test_short_passphrase_refused(ws, no_keyring):
    with pytest.raises(SecretsUnavailable, match="at least"):
        ws.secrets.use_file("short")


def test_move_back_to_the_keyring(ws, memory_keyring):
    ws.secrets.use_file(PASS)
    ws.secrets.set("target:blog", "pw1")
    assert ws.secrets.use_keyring() == 1
    assert not (ws.home / "secrets.enc").exists()
    assert ws.secrets.backend == "keyring" and ws.secrets.get("target:blog") == "pw1"


def test_cli_secrets_use_file_and_status(ws, cli, no_keyring, monkeypatch):
    assert "no system keyring" in cli("secrets", "status").out.lower()
    add = ("targets", "add", "social", "--kind", "mastodon", "--url", "https://social.example",
           "--secret-stdin")  # fmt: skip
    r = cli(*add, stdin="tok-123\n")
    assert r.code == 1 and "pkm secrets use-file" in r.err
    monkeypatch.setenv("PKM_SECRETS_PASSPHRASE", PASS)
    r = cli("secrets", "use-file")
    assert r.code == 0, r.err
    assert "encrypted file" in cli("secrets", "status").out
    r = cli(*add, stdin="tok-123\n")
    assert r.code == 0, r.err
    assert Secrets(ws.home, passphrase_provider=lambda: PASS).get("target:social") == "tok-123"
    r = cli("targets", "list", "--json")
    assert r.json()[0]["has_secret"] is True and "tok-123" not in r.out


def test_no_keyring_message_is_actionable():
    assert "pkm secrets use-file" in NO_KEYRING and "keyring" in NO_KEYRING
