"""Fixtures for publishing: protocol doubles, SMTP servers, the real WordPress, sample entries."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from tests.publish import doubles
from tests.publish.dovecot import dovecot_fixture
from tests.publish.ports import free_port
from tests.publish.synapse import synapse_fixture

WP_ENV = Path(os.environ.get("PKM_WP_ENV", "/tmp/pkm-wordpress.env"))

BODY = """I keep coming back to **working out loud**: share the half-formed thought.

- say what you are learning
- ask for help early

More in [the book](https://example.com/wol) and [[Strategy notes]]. #leadership
"""


@pytest.fixture
def pub(ws):
    """The publishing facade with short timeouts, so a stalled server fails fast."""
    p = ws.publishing
    p.timeout = 2.0
    return p


@pytest.fixture
def cli(ws, monkeypatch, capsys):
    """The real `pkm` entry point on the test's data folder."""

    def run(*args: str, stdin: str | None = None):
        return run_cli(monkeypatch, capsys, "--home", str(ws.home), *args, stdin=stdin)

    return run


@pytest.fixture
def make_entry(ws):
    def make(title: str | None = None, body: str = BODY, tags: tuple[str, ...] = ("reflection",)):
        title = title or f"Working out loud {uuid.uuid4().hex[:8]}"
        return ws.journal.create(kind="note", title=title, body=body, tags=tags)

    return make


@pytest.fixture
def entry(make_entry):
    return make_entry()


def _serve(server: doubles.ProtocolServer) -> Iterator[doubles.ProtocolServer]:
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def mastodon() -> Iterator[doubles.Mastodon]:
    yield from _serve(doubles.Mastodon())  # type: ignore[misc]


@pytest.fixture
def micropub() -> Iterator[doubles.Micropub]:
    yield from _serve(doubles.Micropub())  # type: ignore[misc]


@pytest.fixture
def webhooks() -> Iterator[doubles.Webhooks]:
    """The webhook double; every Slack and Teams payload it got must pass the validators."""
    server = doubles.Webhooks()
    yield from _serve(server)  # type: ignore[misc]
    assert server.invalid == [], f"payloads the official validators reject: {server.invalid}"


@pytest.fixture
def yammer() -> Iterator[doubles.VivaEngage]:
    yield from _serve(doubles.VivaEngage())  # type: ignore[misc]


@pytest.fixture
def proxy_factory():
    made: list[doubles.Proxy] = []

    def make(upstream: str) -> doubles.Proxy:
        made.append(doubles.Proxy(upstream))
        return made[-1]

    yield make
    for p in made:
        p.close()


def stored_bytes(home: Path) -> bytes:
    """Everything pkm wrote to its data folder (database, WAL, logs, settings, index)."""
    data = b""
    for path in sorted(home.rglob("*")):
        if path.is_file():
            data += path.read_bytes()
    return data


# ---- SMTP (aiosmtpd) ---------------------------------------------------------------------------


class Mailbox:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the client trusts it via --option ca_file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pkm test mail server")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    d = tmp_path_factory.mktemp("tls")
    cert_path, key_path = d / "cert.pem", d / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


SMTP_USER, SMTP_PASSWORD = "anna", "smtp-password-321"


class SmtpServer:
    def __init__(self, controller, mailbox: Mailbox, port: int, ca_file: str = "") -> None:
        self.controller, self.mailbox, self.port, self.ca_file = controller, mailbox, port, ca_file

    @property
    def messages(self) -> list:
        import email
        import email.policy

        return [
            email.message_from_bytes(e.original_content, policy=email.policy.default)
            for e in self.mailbox.envelopes
        ]


def _start_smtp(tls: tuple[Path, Path] | None, **kwargs) -> SmtpServer:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode()
        )
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535

    mailbox, port = Mailbox(), free_port()
    if tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(tls[0]), str(tls[1]))
        kwargs.update(tls_context=ctx, require_starttls=True, authenticator=authenticator,
                      auth_require_tls=True)  # fmt: skip
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return SmtpServer(controller, mailbox, port, str(tls[0]) if tls else "")


@pytest.fixture
def smtp_plain() -> Iterator[SmtpServer]:
    server = _start_smtp(None)
    yield server
    server.controller.stop()


@pytest.fixture
def smtp_tls(tls_files) -> Iterator[SmtpServer]:
    server = _start_smtp(tls_files)
    yield server
    server.controller.stop()


# ---- the real WordPress (.ci/wordpress-setup) -----------------------------------------------------


def _read_env(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


@pytest.fixture(scope="session")
def wordpress() -> dict[str, str]:
    if not WP_ENV.exists():
        pytest.skip(
            f"no WordPress test server: {WP_ENV} is missing (run .ci/wordpress-setup as root "
            "to install Debian's WordPress on 127.0.0.1)"
        )
    env = _read_env(WP_ENV)
    import httpx

    try:
        r = httpx.get(env["PKM_WP_URL"] + "/", timeout=10)
    except httpx.HTTPError as exc:
        pytest.skip(f"the WordPress test server at {env.get('PKM_WP_URL')} does not answer ({exc})")
    if "api.w.org" not in r.headers.get("link", ""):
        pytest.skip(f"{env['PKM_WP_URL']} does not answer like WordPress (no REST API link)")
    return env


# ---- the real Synapse (.ci/synapse-setup) ---------------------------------------------------------

synapse = synapse_fixture  # session-scoped: one server for all the Matrix tests


# ---- the real Dovecot (.ci/dovecot-setup) -----------------------------------------------------------

dovecot = dovecot_fixture  # session-scoped: one IMAP server for the email replies
