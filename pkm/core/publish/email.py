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

Images travel inside the message: the HTML part and its pictures form one
multipart/related part, each picture referenced as `cid:` (RFC 2387 and 2392),
which mail programs show without asking, where remote or data: images are
blocked. Most providers take 25 MB a message, and base64 makes a file a third
larger: an image over 18 MB is refused before connecting; the server's own
SIZE limit is checked for the whole message.

Hearing back: the remote id of a sent mail is its Message-ID. Replies are
found over IMAP (`--option imap=imaps://HOST:993`, or imap://HOST:143 with
STARTTLS; plain only to this computer) by `In-Reply-To`/`References` naming
it, in `--option imap_folder` (INBOX by default). The mailbox is the sender's:
pkm signs in with --user and the target's password from the keyring, as mail
apps do when the same account sends and receives. It is read-only: the folder
is opened with EXAMINE and messages fetched with BODY.PEEK, so nothing is
marked read, moved or deleted. The reply's own text is kept, without the quoted
message below it.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import imaplib
import re
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
    Response,
    TargetAuthError,
    TargetUnreachable,
    TooLarge,
    UncertainOutcome,
    is_local_host,
)
from pkm.core.publish.post_media import MediaApi
from pkm.core.publish.render import html_to_text


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
        "imap": "imaps://HOST:993 (or imap://HOST:143 with STARTTLS): where replies are read, "
        "read-only, signing in with --user and the same password",
        "imap_folder": "the mail folder replies arrive in (default INBOX)",
    }
    required_options = ("to", "from")
    timeout = 30.0
    media = MediaApi("sent inside the email", max_bytes=18_000_000, inline=True)

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
        imap = options.get("imap", "")
        if imap:
            parts = urlsplit(imap)
            try:
                parts.port  # noqa: B018 (raises on a bad port)
            except ValueError:
                parts = urlsplit("")
            if parts.scheme not in ("imap", "imaps") or not parts.hostname or parts.username:
                raise BadInput(
                    f"'{imap}' is not a mail server address for reading replies. Use "
                    "imaps://HOST:993 (TLS) or imap://HOST:143 (STARTTLS)."
                )
            if not user:
                raise BadInput(
                    "Reading replies over IMAP needs the mailbox's login: give --user (and the "
                    "password with --secret-stdin), or leave out --option imap."
                )

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

    # ---- hearing back over IMAP ------------------------------------------------------

    responses_note = (
        "Replies to an email can be read once you give the mailbox they arrive in: "
        "--option imap=imaps://HOST:993 (read-only, with the same login)."
    )
    MAX_REPLIES = 200  # the newest ones, per refresh

    def responses_unreadable(self) -> str:
        return "" if self.config.option("imap") else self.responses_note

    def _imap(self) -> imaplib.IMAP4:
        parts = urlsplit(self.config.option("imap"))
        host = parts.hostname or ""
        port = parts.port or (993 if parts.scheme == "imaps" else 143)
        where = f"the mail server {parts.scheme}://{host}:{port}"
        ctx = ssl.create_default_context(cafile=self.config.option("ca_file") or None)
        timeout = getattr(self.http, "timeout", self.timeout)
        try:
            if parts.scheme == "imaps":
                conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    host, port, ssl_context=ctx, timeout=timeout
                )
            else:
                conn = imaplib.IMAP4(host, port, timeout=timeout)
                if "STARTTLS" in conn.capabilities:
                    conn.starttls(ssl_context=ctx)
                elif not is_local_host(host):
                    conn.shutdown()
                    raise PublishError(
                        f"{where} does not offer STARTTLS, and pkm sends the password "
                        "unencrypted only to this computer. Use imaps://HOST:993."
                    )
        except (ssl.SSLError, ssl.CertificateError):
            raise TargetUnreachable(
                f"The secure connection to {where} failed (certificate not trusted or TLS "
                "error). If your company uses its own certificates, add --option ca_file=PEM."
            ) from None
        except (OSError, imaplib.IMAP4.error) as exc:
            raise TargetUnreachable(
                f"Cannot reach {where} to read replies ({type(exc).__name__}). Check "
                "--option imap=… and your network connection."
            ) from None
        try:
            conn.login(self.config.user, self.secret or "")
        except imaplib.IMAP4.error:
            conn.shutdown()
            raise TargetAuthError(
                f"{where} refused the login for user '{self.config.user}'. pkm reads replies "
                "with the same password it sends with; check it, or run 'pkm targets add NAME "
                "--kind email … --secret-stdin --replace' again."
            ) from None
        return conn

    def responses(self, remote: Remote) -> list[Response]:
        """Replies to the sent Message-ID: SEARCH by In-Reply-To or References, read-only."""
        msgid = remote.remote_id.strip()
        if not re.fullmatch(r"<[^<>\s\"\\]+>", msgid):
            return []  # not a Message-ID pkm can search for
        folder = self.config.option("imap_folder", "INBOX")
        conn = self._imap()
        try:
            typ, _ = conn.select(_quoted(folder), readonly=True)  # EXAMINE: nothing changes
            if typ != "OK":
                raise PublishError(
                    f"The mailbox has no folder '{folder}' to read replies from. Check "
                    "--option imap_folder=… (for example INBOX)."
                )
            typ, data = conn.uid("SEARCH", "OR", "HEADER", "In-Reply-To", f'"{msgid}"',
                                 "HEADER", "References", f'"{msgid}"')  # fmt: skip
            uids = (data[0] or b"").split() if typ == "OK" and data else []
            uids = uids[-self.MAX_REPLIES :]
            out: list[Response] = []
            me = email.utils.parseaddr(self.config.option("from"))[1].lower()
            for uid in uids:
                typ, parts = conn.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
                raw = next((p[1] for p in parts or [] if isinstance(p, tuple)), None)
                if typ != "OK" or not raw:
                    continue
                msg = email.message_from_bytes(raw, policy=email.policy.default)
                name, addr = email.utils.parseaddr(str(msg.get("From", "")))
                if addr.lower() == me:
                    continue  # the user's own follow-up, not an answer
                out.append(
                    Response(
                        "reply",
                        str(msg.get("Message-ID") or f"uid:{uid.decode()}").strip(),
                        f"{name} <{addr}>" if name else addr,
                        _reply_text(msg),
                        "",
                        _mail_date(str(msg.get("Date", ""))),
                    )
                )
            return out
        except (OSError, imaplib.IMAP4.error) as exc:
            raise TargetUnreachable(
                f"The mail server stopped answering while pkm read replies "
                f"({type(exc).__name__}). Try again later."
            ) from None
        finally:
            try:
                conn.logout()
            except (OSError, imaplib.IMAP4.error):
                conn.shutdown()

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


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _mail_date(value: str) -> str:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


_ATTRIBUTION = re.compile(
    r"^(On .+wrote:|-+ ?Original Message ?-+|Le .+a écrit ?:|Am .+schrieb.+:)$"
)


def _reply_text(msg: EmailMessage) -> str:
    """The reply's own words: its plain-text part without the quoted message below it."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, ValueError):
        return ""
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    kept = []
    for line in text.splitlines():
        if _ATTRIBUTION.match(line.strip()):
            break
        if not line.startswith(">"):
            kept.append(line.rstrip())
    return "\n".join(kept).strip()
