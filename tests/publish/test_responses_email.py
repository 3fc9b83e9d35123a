"""Replies to a sent email, found over IMAP in a real Dovecot (tests/publish/dovecot.py)."""

from __future__ import annotations

import email.message
import email.policy
import email.utils
import imaplib
import json

import pytest

from tests.publish.conftest import SMTP_PASSWORD, SMTP_USER
from tests.publish.dovecot import PASSWORD, USER

pytestmark = pytest.mark.integration

FROM, TO = "Anna <anna@example.com>", "board@example.com"


def reply_to(sent: email.message.EmailMessage, sender: str, text: str, *, refs_only=False) -> bytes:
    """A reply as a mail app writes it: threading headers, the quoted original below."""
    msg = email.message.EmailMessage(policy=email.policy.SMTP)
    msg["From"], msg["To"] = sender, FROM
    msg["Subject"] = "Re: " + str(sent["Subject"])
    msg["Date"] = "Sun, 22 Nov 2026 11:45:00 +0100"
    msg["Message-ID"] = email.utils.make_msgid(domain="example.org")
    if not refs_only:
        msg["In-Reply-To"] = sent["Message-ID"]
    msg["References"] = "<older@example.org> " + sent["Message-ID"]
    msg.set_content(f"{text}\n\nOn Sun, 22 Nov 2026, Anna wrote:\n> the original reflection\n")
    return msg.as_bytes()


def test_a_reply_to_the_sent_email_shows_up_read_only(ws, pub, smtp_tls, dovecot, entry, cli):
    pub.add_target("mail", "email", url=f"smtp://127.0.0.1:{smtp_tls.port}", user=SMTP_USER,
                   secret=SMTP_PASSWORD, options={"to": TO, "from": FROM, "ca_file": smtp_tls.ca_file,
                                                  "imap": dovecot.url})  # fmt: skip
    assert (USER, PASSWORD) == (SMTP_USER, SMTP_PASSWORD)
    result = pub.publish(entry.id, "mail")
    [sent] = smtp_tls.messages
    assert result.remote_id == sent["Message-ID"]  # the remote id is the Message-ID

    dovecot.deliver(reply_to(sent, "Bob Board <bob@example.org>", "Strong point, let's discuss Tuesday."),
                    "bob@example.org")  # fmt: skip
    dovecot.deliver(
        reply_to(sent, "carol@example.org", "Agreed.", refs_only=True), "carol@example.org"
    )
    other = email.message.EmailMessage()
    other["From"], other["Subject"], other["Message-ID"] = "x@example.org", "Lunch?", "<l@x>"
    other.set_content("Unrelated.")
    dovecot.deliver(other.as_bytes(), "x@example.org")

    r = cli("responses", "refresh", str(entry.id))
    assert r.code == 0, r.err
    assert "2 new" in r.out
    got = sorted(json.loads(cli("responses", "list", str(entry.id), "--json").out),
                 key=lambda d: d["author"])  # fmt: skip
    assert [(d["kind"], d["author"], d["text"]) for d in got] == [
        ("reply", "Bob Board <bob@example.org>", "Strong point, let's discuss Tuesday."),
        ("reply", "carol@example.org", "Agreed."),
    ]
    assert got[0]["at"] == "2026-11-22T10:45:00+00:00" and got[0]["target"] == "mail"

    # Read-only: nothing was marked as read (BODY.PEEK in a folder opened with EXAMINE).
    imap = imaplib.IMAP4("127.0.0.1", dovecot.port)
    try:
        imap.login(USER, PASSWORD)
        imap.select("INBOX", readonly=True)
        _, flags = imap.fetch("1:*", "(FLAGS)")
        assert len(flags) == 3 and not any(b"\\Seen" in f for f in flags), flags
    finally:
        imap.logout()
    assert [(x.new, x.total) for x in ws.responses.refresh(entry.id)] == [(0, 2)]


def test_email_without_imap_says_how_to_hear_back(ws, pub, smtp_plain, entry):
    pub.add_target("mail", "email", url=f"smtp://127.0.0.1:{smtp_plain.port}",
                   options={"to": TO, "from": FROM})  # fmt: skip
    pub.publish(entry.id, "mail")
    [r] = ws.responses.refresh(entry.id)
    assert not r.readable and "--option imap=imaps://HOST:993" in r.skipped


def test_a_wrong_imap_folder_is_one_clear_error(ws, pub, smtp_tls, dovecot, entry):
    pub.add_target("mail", "email", url=f"smtp://127.0.0.1:{smtp_tls.port}", user=SMTP_USER,
                   secret=SMTP_PASSWORD, options={"to": TO, "from": FROM, "ca_file": smtp_tls.ca_file,
                                                  "imap": dovecot.url, "imap_folder": "Replies"})  # fmt: skip
    pub.publish(entry.id, "mail")
    [r] = ws.responses.refresh(entry.id)
    assert r.error == (
        "The mailbox has no folder 'Replies' to read replies from. Check --option "
        "imap_folder=… (for example INBOX)."
    )
