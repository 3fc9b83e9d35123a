"""Email against a real SMTP server (aiosmtpd): plain on localhost, STARTTLS with login."""

from __future__ import annotations

import pytest

from pkm.core.errors import BadInput
from pkm.core.publish import CannotEdit, PublishError, TargetAuthError, TargetUnreachable
from tests.publish.conftest import SMTP_PASSWORD, SMTP_USER, stored_bytes

TO = "me@example.com, team@example.com"
FROM = "Anna <anna@example.com>"


def test_plain_smtp_to_localhost(pub, smtp_plain, entry):
    pub.add_target("mail", "email", url=f"smtp://127.0.0.1:{smtp_plain.port}",
                   options={"to": TO, "from": FROM})  # fmt: skip
    result = pub.publish(entry.id, "mail")
    assert result.action == "created" and result.status == "sent"
    (env,) = smtp_plain.mailbox.envelopes
    assert env.mail_from == "anna@example.com"
    assert env.rcpt_tos == ["me@example.com", "team@example.com"]
    (msg,) = smtp_plain.messages
    assert msg["Subject"] == entry.title and msg["Message-ID"] == result.remote_id
    assert msg.get_content_type() == "multipart/alternative"
    assert "the book (https://example.com/wol)" in msg.get_body(("plain",)).get_content()
    assert "<strong>working out loud</strong>" in msg.get_body(("html",)).get_content()


def test_starttls_and_login(ws, pub, smtp_tls, entry):
    pub.add_target("mail", "email", url=f"smtp://127.0.0.1:{smtp_tls.port}", user=SMTP_USER,
                   secret=SMTP_PASSWORD, options={"to": TO, "from": FROM, "ca_file": smtp_tls.ca_file})  # fmt: skip
    assert pub.test_target("mail") == (
        f"Connected to the mail server smtp://127.0.0.1:{smtp_tls.port} with STARTTLS, signed in as anna."
    )
    pub.publish(entry.id, "mail")
    assert len(smtp_tls.messages) == 1
    assert SMTP_PASSWORD.encode() not in stored_bytes(ws.home)


def test_wrong_password(pub, smtp_tls, entry):
    pub.add_target("mail", "email", url=f"smtp://127.0.0.1:{smtp_tls.port}", user=SMTP_USER,
                   secret="wrong-password-1", options={"to": TO, "from": FROM, "ca_file": smtp_tls.ca_file})  # fmt: skip
    with pytest.raises(TargetAuthError, match=r"refused the login for user 'anna' \(535\)") as exc:
        pub.publish(entry.id, "mail")
    assert "wrong-password-1" not in str(exc.value)
    assert smtp_tls.messages == [] and pub.publications(entry.id)[0].state == "failed"


def test_untrusted_certificate_is_a_clear_error(pub, smtp_tls, entry):
    pub.add_target("mail", "email", url=f"smtp://127.0.0.1:{smtp_tls.port}", user=SMTP_USER,
                   secret=SMTP_PASSWORD, options={"to": TO, "from": FROM})  # fmt: skip
    with pytest.raises(TargetUnreachable, match="ca_file"):
        pub.publish(entry.id, "mail")


def test_sent_mail_cannot_be_edited_but_can_be_sent_again(pub, smtp_plain, entry):
    pub.add_target("mail", "email", url=f"smtp://127.0.0.1:{smtp_plain.port}",
                   options={"to": TO, "from": FROM})  # fmt: skip
    pub.publish(entry.id, "mail")
    with pytest.raises(CannotEdit, match="send the new text as another email"):
        pub.publish(entry.id, "mail")
    pub.publish(entry.id, "mail", as_new=True)
    ids = [m["Message-ID"] for m in smtp_plain.messages]
    assert len(ids) == 2 and ids[0] != ids[1]


def test_dry_run_shows_the_message(pub, smtp_plain, entry):
    pub.add_target("mail", "email", url=f"smtp://127.0.0.1:{smtp_plain.port}",
                   options={"to": TO, "from": FROM, "subject_prefix": "[Reflection] "})  # fmt: skip
    (req,) = pub.publish(entry.id, "mail", dry_run=True).requests
    assert req.method == "SMTP" and req.headers["RCPT TO"] == TO
    assert f"Subject: [Reflection] {entry.title}" in req.body
    assert smtp_plain.mailbox.envelopes == []


def test_configuration_is_checked(pub):
    with pytest.raises(BadInput, match="smtp://HOST:PORT"):
        pub.add_target("m", "email", url="mail.example.com", options={"to": TO, "from": FROM})
    with pytest.raises(BadInput, match="--option to="):
        pub.add_target("m", "email", url="smtps://mail.example.com", options={"from": FROM})
    with pytest.raises(BadInput, match="not an email address"):
        pub.add_target(
            "m", "email", url="smtps://mail.example.com", options={"to": "nobody", "from": FROM}
        )
    with pytest.raises(BadInput, match="--secret-stdin"):
        pub.add_target(
            "m",
            "email",
            url="smtps://mail.example.com",
            user="anna",
            options={"to": TO, "from": FROM},
        )
    cfg = pub.add_target(
        "m", "email", url="smtps://mail.example.com", options={"to": TO, "from": FROM}
    )
    assert cfg.url == "smtps://mail.example.com:465"


def test_refused_recipient(pub, smtp_plain, entry):
    from aiosmtpd.handlers import Sink  # noqa: F401  (aiosmtpd is the real server here)

    async def handle_RCPT(server, session, envelope, address, rcpt_options):
        if address.startswith("team@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_plain.mailbox.handle_RCPT = handle_RCPT
    pub.add_target("mail", "email", url=f"smtp://127.0.0.1:{smtp_plain.port}",
                   options={"to": TO, "from": FROM})  # fmt: skip
    with pytest.raises(
        PublishError, match=r"refused the recipient\(s\) team@example.com \(550\); nothing was sent"
    ):
        pub.publish(entry.id, "mail")
    assert smtp_plain.mailbox.envelopes == []


def _outward_ip() -> str | None:
    """This machine's address on its network (no packet is sent), if it has one."""
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))
            ip = s.getsockname()[0]
    except OSError:
        return None
    return None if ip.startswith("127.") else ip


def test_unencrypted_smtp_is_refused_beyond_this_computer(pub, entry):
    from aiosmtpd.controller import Controller

    from tests.publish.conftest import Mailbox
    from tests.publish.ports import free_port

    ip = _outward_ip()
    if ip is None:
        pytest.skip("this machine has no network address besides loopback")
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname=ip, port=port)
    controller.start()
    try:
        pub.add_target("mail", "email", url=f"smtp://{ip}:{port}", options={"to": TO, "from": FROM})
        with pytest.raises(
            PublishError, match=r"does not offer STARTTLS.*unencrypted only to this computer"
        ):
            pub.publish(entry.id, "mail")
        assert mailbox.envelopes == []
    finally:
        controller.stop()


def test_implicit_tls_smtps(pub, tls_files, entry):
    import ssl

    from aiosmtpd.controller import Controller

    from tests.publish.conftest import Mailbox
    from tests.publish.ports import free_port

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(tls_files[0]), str(tls_files[1]))
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, ssl_context=ctx)
    controller.start()
    try:
        pub.add_target("mail", "email", url=f"smtps://127.0.0.1:{port}",
                       options={"to": TO, "from": FROM, "ca_file": str(tls_files[0])})  # fmt: skip
        assert "with TLS" in pub.test_target("mail")
        pub.publish(entry.id, "mail")
        assert len(mailbox.envelopes) == 1
    finally:
        controller.stop()
