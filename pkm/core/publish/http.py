"""HTTP for every web target: bounded, and honest about what may have been sent.

Network input is bounded (DESIGN.md): timeouts, a maximum body size, few
redirects, and writes never follow redirects (a POST silently turned into a
GET is a lost post). The one distinction that matters for idempotency is
made here: a failure before the request left (refused connection, DNS, TLS)
is `TargetUnreachable` and safe to retry; a timeout or a dropped connection
after a POST was sent is `UncertainOutcome`, because the server may have
created the post. Messages never include exception text, which can carry
URLs, and webhook URLs are secrets.
"""

from __future__ import annotations

import email.utils
import json
import ssl
import time
from dataclasses import dataclass
from typing import Any

import httpx

from pkm import __version__
from pkm.core.publish.base import (
    PublishError,
    RateLimited,
    TargetAuthError,
    TargetForbidden,
    TargetUnreachable,
    TooLarge,
    UncertainOutcome,
)

MAX_BODY = 2_000_000
MAX_REDIRECTS = 5
USER_AGENT = f"pkm/{__version__} (+personal knowledge app)"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class Reply:
    status: int
    headers: httpx.Headers
    content: bytes
    url: str

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self, where: str) -> Any:
        try:
            return json.loads(self.content or b"null")
        except ValueError:
            raise PublishError(
                f"{where} answered with something that is not JSON (status {self.status}). "
                "Check that the address points at the right service."
            ) from None

    def ok(self) -> bool:
        return 200 <= self.status < 300


def ssl_context(ca_file: str = "") -> ssl.SSLContext:
    """The system's trust store, plus a company CA file when the user names one."""
    ctx = ssl.create_default_context()
    if ca_file:
        try:
            ctx.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError):
            raise PublishError(
                f"Cannot read the CA certificate file {ca_file}. "
                "Give a PEM file with --option ca_file=PATH."
            ) from None
    return ctx


def _why(exc: Exception) -> str:
    text = str(exc).lower()
    if "certificate" in text or "ssl" in text or "tls" in text:
        return "the secure connection failed (certificate not trusted or TLS error)"
    if "name or service" in text or "nodename" in text or "getaddrinfo" in text:
        return "the server name could not be found"
    if "refused" in text:
        return "the connection was refused"
    if isinstance(exc, httpx.TimeoutException):
        return "it did not answer in time"
    return "the connection failed"


class Http:
    """One client per publish run; close() when done (tests treat unclosed sockets as errors)."""

    def __init__(self, *, timeout: float = 30.0, verify: ssl.SSLContext | bool = True) -> None:
        self.timeout = timeout
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
            verify=verify,
            max_redirects=MAX_REDIRECTS,
            headers={"User-Agent": USER_AGENT},
            trust_env=True,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        where: str,
        headers: dict[str, str] | None = None,
        content: str | bytes | None = None,
        params: dict[str, str] | None = None,
        follow: bool | None = None,
    ) -> Reply:
        method = method.upper()
        follow = method not in WRITES if follow is None else follow
        body = content.encode("utf-8") if isinstance(content, str) else content
        try:
            with self._client.stream(
                method, url, headers=headers, content=body, params=params, follow_redirects=follow
            ) as resp:
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > MAX_BODY:
                        raise PublishError(
                            f"{where} answered with more than {MAX_BODY // 1_000_000} MB; "
                            "that is not a normal API answer. Check the address."
                        )
                    chunks.append(chunk)
                return Reply(resp.status_code, resp.headers, b"".join(chunks), str(resp.url))
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as exc:
            raise TargetUnreachable(
                f"Cannot reach {where}: {_why(exc)}. "
                "Check the address and your network connection, then try again."
            ) from None
        except httpx.TooManyRedirects:
            raise PublishError(
                f"{where} redirected more than {MAX_REDIRECTS} times. "
                "Check the address (for example http:// versus https://)."
            ) from None
        except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            lost = (
                "did not answer in time"
                if isinstance(exc, httpx.TimeoutException)
                else ("closed the connection without answering")
            )
            if method in WRITES:
                raise UncertainOutcome(
                    f"{where} {lost} after the request was sent, so it may have been carried out."
                ) from None
            raise TargetUnreachable(f"{where} {lost}. Try again later.") from None
        except httpx.HTTPError:
            raise TargetUnreachable(
                f"Cannot talk to {where}: the connection failed. Try again later."
            ) from None


def server_message(reply: Reply, limit: int = 200) -> str:
    """A short, printable reason from an error body (JSON message/error fields or text)."""
    msg = ""
    ctype = reply.headers.get("content-type", "")
    if "json" in ctype:
        try:
            data = json.loads(reply.content)
        except ValueError:
            data = None
        if isinstance(data, dict):
            for key in ("error_description", "message", "error", "detail"):
                value = data.get(key)
                if isinstance(value, str) and value.strip():
                    msg = value
                    break
                if isinstance(value, dict) and isinstance(value.get("message"), str):
                    msg = value["message"]
                    break
    elif "text/plain" in ctype:
        msg = reply.text.strip().splitlines()[0] if reply.text.strip() else ""
    msg = "".join(ch for ch in msg if ch.isprintable()).strip()
    return (msg[: limit - 1] + "…") if len(msg) > limit else msg


def retry_after(reply: Reply) -> float | None:
    value = reply.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def raise_for_status(
    reply: Reply,
    where: str,
    *,
    what: str = "the request",
    hints: dict[int, str] | None = None,
    creating: bool = False,
) -> None:
    """Turn a non-2xx answer into the specific, actionable error for it."""
    if reply.ok():
        return
    s, hints = reply.status, hints or {}
    said = server_message(reply)
    said = f': "{said}"' if said else ""
    if s == 401:
        raise TargetAuthError(
            f"{where} refused the credentials for {what} (401){said}. "
            + hints.get(
                401,
                "Check the user name and secret, then add the target again "
                "with 'pkm targets add … --secret-stdin --replace'.",
            ),
            status=s,
        )
    if s == 403:
        raise TargetForbidden(
            f"{where} refused {what} (403, not allowed){said}. "
            + hints.get(
                403,
                "The account is signed in but lacks the permission (role or "
                "token scope) for this; check it on the site.",
            ),
            status=s,
        )
    if s == 413:
        raise TooLarge(
            f"{where} refused {what} as too large (413). "
            + hints.get(413, "Shorten the entry or remove large images, then publish again."),
            status=s,
        )
    if s == 429:
        wait = retry_after(reply)
        when = f"after {int(wait + 0.999)} seconds" if wait is not None else "in a few minutes"
        raise RateLimited(
            f"{where} is rate limiting (429): try again {when}. Nothing was posted.",
            status=s,
            retry_after=wait,
        )
    if s >= 500:
        maybe = " It may or may not have been carried out." if creating else ""
        raise PublishError(
            f"{where} had a server error ({s}) with {what}{said}.{maybe} Try again later.",
            status=s,
            uncertain=creating,
        )
    raise PublishError(
        f"{where} refused {what} ({s}){said}. " + hints.get(s, "Check the target's settings."),
        status=s,
    )


def multipart(
    fields: dict[str, str], file_field: str, filename: str, mime: str, data: bytes
) -> tuple[str, bytes]:
    """A multipart/form-data body (RFC 7578) with text fields and one file, as media APIs
    take uploads (Ghost, Mastodon, a Micropub media endpoint); (content type, body)."""
    import secrets

    boundary = "pkm-" + secrets.token_hex(16)

    def quoted(value: str) -> str:
        return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "").replace("\n", "")

    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{quoted(name)}"\r\n\r\n'.encode()
            + value.encode("utf-8")
            + b"\r\n"
        )
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{quoted(file_field)}"; '
            f'filename="{quoted(filename)}"\r\nContent-Type: {mime}\r\n\r\n'
        ).encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)
