"""Email over SMTP: one multipart (plain text + HTML) message to a list of addresses.

`smtp://HOST:PORT` (default port 587) upgrades with STARTTLS whenever the
server offers it; a connection that stays unencrypted is allowed only to this
computer (localhost), because the message and the password would cross the
network in clear. `smtps://HOST:PORT` (default 465) is TLS from the start.
The login is used when --user is given; the password is the target's secret.

The steps are sent one by one so failures are exact: a refused login,
sender or recipient means nothing was sent; a connection lost after the
message data was handed over means it may have been delivered. A sent mail
cannot be edited, so publishing again needs `--as-new`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import urlsplit

from pkm.core.errors import BadInput
from pkm.core.publish.base import (
    Adapter,
    Post,
    PublishError,
    Remote,
    Request,
    TargetAuthError,
    TargetUnreachable,
    TooLarge,
    UncertainOutcome,
    is_local_host,
)


def addresses(value: str) -> list[str]:
    return [a.strip() for a in value.replace(";", ",").split(",") if a.strip()]


class EmailAdapter(Adapter):
    kind = "email"
    label = "Email"
    needs_secret = False  # only when --user is given
    can_edit = False
    again_label = "send the new text as another email"
    options_help = {
        "to": "recipients, comma-separated (yourself, your team, your assistant)",
        "from": "the sender address",
        "ca_file": "a PEM file with your company's certificate authority, if the server uses one",
        "subject_prefix": "text put before the title in the subject, e.g. '[Reflection] '",
    }
    required_options = ("to", "from")
    timeout = 30.0

    @classmethod
    def requires_secret(cls, user: str) -> bool:
        return bool(user)

    @classmethod
    def url_hint(cls) -> str:
        return "Use smtp://HOST:PORT (STARTTLS) or smtps://HOST:PORT (TLS), e.g. smtps://smtp.example.com:465."

    @classmethod
    def normalize_url(cls, url: str) -> str:
        parts = urlsplit((url or "").strip())
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise BadInput(f"'{url}' is not a mail server address. {cls.url_hint()}")
        if parts.username or parts.password:
            raise BadInput(
                "Give the user with --user and the password with --secret-stdin, not in the URL."
            )
        try:
            port = parts.port or (465 if parts.scheme == "smtps" else 587)
        except ValueError:
            raise BadInput(f"'{url}' has a bad port number. {cls.url_hint()}") from None
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        return f"{parts.scheme}://{host}:{port}"

    @classmethod
    def check_options(cls, options, user) -> None:
        super().check_options(options, user)
        for addr in [*addresses(options["to"]), options["from"]]:
            if "@" not in email.utils.parseaddr(addr)[1]:
                raise BadInput(f"'{addr}' is not an email address.")

    @property
    def where(self) -> str:
        return f"the mail server {self.config.url}"

    # ---- the message ---------------------------------------------------------------

    _cache: dict[str, EmailMessage]

    def message(self, post: Post, key: str) -> EmailMessage:
        """Built once per attempt, so the preview and what is sent are the same bytes."""
        from pkm.core.export import email_message

        self._cache = getattr(self, "_cache", {})
        if key not in self._cache:
            sender = self.config.option("from")
            domain = email.utils.parseaddr(sender)[1].rpartition("@")[2] or "pkm.invalid"
            self._cache[key] = email_message(
                post,
                sender=sender,
                to=addresses(self.config.option("to")),
                message_id=f"<pkm.{key}@{domain}>",
                date=dt.datetime.now(dt.UTC).astimezone(),
                subject_prefix=self.config.option("subject_prefix"),
            )
        return self._cache[key]

    def plan(self, post: Post, *, remote: Remote | None, draft: bool, key: str) -> list[Request]:
        msg = self.message(post, key)
        headers = {"MAIL FROM": self.config.option("from"), "RCPT TO": self.config.option("to")}
        return [Request("SMTP", self.config.url, headers, msg.as_string())]

    # ---- SMTP ----------------------------------------------------------------------

    def _connect(self) -> smtplib.SMTP:
        parts = urlsplit(self.config.url)
        host, port = parts.hostname or "", parts.port or 587
        ctx = ssl.create_default_context(cafile=self.config.option("ca_file") or None)
        timeout = getattr(self.http, "timeout", self.timeout)
        try:
            if parts.scheme == "smtps":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ctx)
            else:
                smtp = smtplib.SMTP(host, port, timeout=timeout)
            try:
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=ctx)
                    smtp.ehlo()
                elif parts.scheme == "smtp" and not is_local_host(host):
                    raise PublishError(
                        f"{self.where} does not offer STARTTLS, and pkm sends mail unencrypted "
                        "only to this computer. Use smtps://HOST:465 or a server with STARTTLS."
                    )
                if self.config.user:
                    if not smtp.has_extn("auth"):
                        raise PublishError(
                            f"{self.where} does not offer a login (no AUTH). Remove --user, or "
                            "use the server's submission port (587 or 465)."
                        )
                    smtp.login(self.config.user, self.secret or "")
            except BaseException:
                smtp.close()
                raise
        except smtplib.SMTPAuthenticationError as exc:
            raise TargetAuthError(
                f"{self.where} refused the login for user '{self.config.user}' ({exc.smtp_code}). "
                "Check the password (many providers need an app password) and run "
                "'pkm targets add NAME --kind email … --secret-stdin --replace' again.",
                status=exc.smtp_code,
            ) from None
        except (ssl.SSLError, ssl.CertificateError):
            raise TargetUnreachable(
                f"The secure connection to {self.where} failed (certificate not trusted or TLS "
                "error). If your company uses its own certificates, add --option ca_file=PEM."
            ) from None
        except TimeoutError:
            raise TargetUnreachable(
                f"{self.where} did not answer in time. Try again later."
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            if isinstance(exc, PublishError):
                raise
            raise TargetUnreachable(
                f"Cannot talk to {self.where}: {type(exc).__name__}. Check the address and port "
                "and your network connection."
            ) from None
        return smtp

    def _send(self, post: Post, key: str) -> Remote:
        msg = self.message(post, key)
        data = msg.as_bytes()
        sender = email.utils.parseaddr(self.config.option("from"))[1]
        rcpts = [email.utils.parseaddr(a)[1] for a in addresses(self.config.option("to"))]
        self.say("Connecting to the mail server…")
        smtp = self._connect()
        try:
            limit = int(smtp.esmtp_features.get("size", "0") or 0) if smtp.has_extn("size") else 0
            if limit and len(data) > limit:
                raise TooLarge(
                    f"The message is {len(data):,} bytes; {self.where} accepts at most {limit:,}. "
                    "Shorten the entry or remove large images."
                )
            self._step(smtp.mail, sender, what=f"the sender {sender}")
            refused = []
            for rcpt in rcpts:
                code, _ = smtp.rcpt(rcpt)
                if code not in (250, 251):
                    refused.append(f"{rcpt} ({code})")
            if refused:
                smtp.rset()
                raise PublishError(
                    f"{self.where} refused the recipient(s) {', '.join(refused)}; nothing was "
                    "sent. Check --option to=…"
                )
            self.say("Sending the message…")
            try:
                smtp.data(data)
            except smtplib.SMTPDataError as exc:
                if exc.smtp_code == 552:
                    raise TooLarge(
                        f"{self.where} refused the message as too large (552)."
                    ) from None
                raise PublishError(
                    f"{self.where} refused the message ({exc.smtp_code}). "
                    + ("Try again later." if 400 <= exc.smtp_code < 500 else "Check the message."),
                ) from None
            except (smtplib.SMTPServerDisconnected, OSError):
                raise UncertainOutcome(
                    f"{self.where} closed the connection while taking the message, so it may "
                    "have been sent."
                ) from None
        except smtplib.SMTPServerDisconnected:
            raise TargetUnreachable(
                f"{self.where} closed the connection before the message was sent; try again."
            ) from None
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
        return Remote(msg["Message-ID"], "", "sent")

    @staticmethod
    def _step(fn, arg: str, *, what: str) -> None:
        code, resp = fn(arg)
        if code != 250:
            raise PublishError(
                f"The mail server refused {what} ({code}: {resp.decode(errors='replace')[:120]}); "
                "nothing was sent. Check --option from=…"
            )

    def create(self, post: Post, *, draft: bool, key: str) -> Remote:
        return self._send(post, key)

    def again(self, post: Post, remote: Remote, *, key: str) -> Remote:
        return self._send(post, key)

    def test(self) -> str:
        smtp = self._connect()
        try:
            tls = (
                "TLS"
                if isinstance(smtp, smtplib.SMTP_SSL)
                else (
                    "STARTTLS"
                    if smtp.sock and isinstance(smtp.sock, ssl.SSLSocket)
                    else "no encryption (local)"
                )
            )
            who = f", signed in as {self.config.user}" if self.config.user else ""
            return f"Connected to {self.where} with {tls}{who}."
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
