"""The small interface every kind of publishing target implements.

An adapter knows one protocol (WordPress REST, SMTP, a Slack webhook...). It
never touches the database, the keyring or the publish log: the `Publishing`
facade (service.py) does that around it, so idempotency, logging and secret
handling are written once. An adapter gets a ready `Post` (the entry rendered
once by core.markdown), its configuration and its secret, and answers with a
`Remote` (the id and URL the server gave) or raises a `PublishError` whose
message says what went wrong and what to do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pkm.core.errors import BadInput, PkmError
from pkm.core.publish.post_media import Image, MediaApi

KINDS = (
    "folder",
    "email",
    "wordpress",
    "metaweblog",
    "micropub",
    "mastodon",
    "teams",
    "slack",
    "mattermost",
    "viva-engage",
    "matrix",
    "ghost",
)

REDACTED = "***"  # how a secret appears in previews


def is_local_host(host: str) -> bool:
    """This computer: where plain (unencrypted) connections are acceptable."""
    host = host.strip("[]").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


#: Options every kind takes. ``label``: the name as the user typed it ("Team blog"),
#: shown by the window; the target's name stays its id ("Team-blog") for the CLI and log.
COMMON_OPTIONS = {"label": "the name to show, e.g. label='Team blog'"}

_HOST_FIRST = re.compile(r"^(\[[0-9a-f:]+\]|[\w.-]+)(:\d{1,5})?(/|$)", re.I)


def with_scheme(url: str) -> str:
    """``host[:port][/path]`` typed without a scheme: https://, or http:// for this computer.
    Anything else (already has one, or is not host-shaped) is returned as it is."""
    if not url or "://" in url:
        return url
    m = _HOST_FIRST.match(url)
    if m is None:
        return url
    return ("http://" if is_local_host(m.group(1)) else "https://") + url


# ---- errors ------------------------------------------------------------------


class PublishError(PkmError):
    """A target refused or failed. `uncertain` means the post may have gone through."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        uncertain: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.uncertain = uncertain
        self.retry_after = retry_after


class TargetAuthError(PublishError):
    """401 and friends: the credentials were refused."""


class TargetForbidden(PublishError):
    """403: signed in, but not allowed to do this."""


class RemoteGone(PublishError):
    """The post this entry was published as no longer exists on the server."""


class TooLarge(PublishError):
    """413, or longer than the target accepts."""


class RateLimited(PublishError):
    """429: try again after `retry_after` seconds."""


class TargetUnreachable(PublishError):
    """Nothing was sent: DNS, refused connection, TLS failure, connect timeout."""


class UncertainOutcome(PublishError):
    """Sent, but no answer came back: the post may exist. Never retried blindly."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        kwargs["uncertain"] = True
        super().__init__(message, **kwargs)


class CannotEdit(PublishError):
    """The target cannot change a post once it is sent (webhooks, email)."""


class SecretMissing(PublishError):
    """The target's password/token is not in the keyring (or the file fallback)."""


# ---- what is published -----------------------------------------------------------


@dataclass(frozen=True)
class TargetConfig:
    """A configured target as stored in SQLite: everything except the secret."""

    id: int
    name: str
    kind: str
    url: str = ""
    user: str = ""
    options: Mapping[str, str] = field(default_factory=dict)
    cache: Mapping[str, Any] = field(default_factory=dict)
    created: str = ""

    def option(self, key: str, default: str = "") -> str:
        return str(self.options.get(key, default) or default)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "url": self.url,
            "user": self.user,
            "options": dict(self.options),
            "created": self.created,
        }


@dataclass(frozen=True)
class Post:
    """One journal entry, rendered once, in the forms the adapters pick from."""

    entry_id: int
    title: str
    markdown: str  # wiki links turned into plain text; otherwise the author's Markdown
    html: str  # sanitized HTML fragment from core.markdown, private pkm:// links removed
    plain: str  # readable text, links written out as "text (url)"
    tags: tuple[str, ...]
    day: str
    link: str = ""  # where this reflection is already public (a blog post), for a link back
    images: tuple[Image, ...] = ()  # the media-store images it shows (post_media.images_in)


@dataclass(frozen=True)
class Request:
    """One request as it goes over the wire; `--dry-run` prints exactly these.

    Credentials are never part of a Request: adapters add them when sending,
    and previews show them as ***.
    """

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str = ""
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        out = {"method": self.method, "url": self.url, "headers": dict(self.headers)}
        out["body"] = self.body
        if self.note:
            out["note"] = self.note
        return out

    def show(self) -> str:
        lines = [f"{self.method} {self.url}"]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        lines.append("")
        lines.append(self.body)
        if self.note:
            lines += ["", f"({self.note})"]
        return "\n".join(lines)


def json_body(data: Any) -> str:
    """The one JSON encoding used both to send and to preview, so they agree byte for byte."""
    return json.dumps(data, ensure_ascii=False, indent=1)


@dataclass(frozen=True)
class Remote:
    """A post on the other side: its id, its public URL, its state there."""

    remote_id: str
    url: str = ""
    status: str = ""


RESPONSE_KINDS = ("comment", "reply", "like", "boost", "reaction")


@dataclass(frozen=True)
class Response:
    """One answer to a publication, as the target reports it (issue 13, "hear back").

    `remote_id` is the target's own id of the answer (a comment id, a reply's
    status id, the account that liked), so a refresh updates, never duplicates.
    `at` is ISO 8601 in UTC, or "" where the API does not say when (Mastodon's
    favourites); the store then keeps when pkm first saw it.
    """

    kind: str  # one of RESPONSE_KINDS
    remote_id: str
    author: str = ""
    text: str = ""  # plain text; a reaction's emoji
    url: str = ""
    at: str = ""
    status: str = ""  # "pending" for a comment awaiting the author's approval


@dataclass
class PublishResult:
    target: str
    kind: str
    entry_id: int
    action: str  # created | updated (or, in a dry run, what would happen)
    remote_id: str = ""
    url: str = ""
    status: str = ""
    dry_run: bool = False
    requests: list[Request] = field(default_factory=list)
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "target": self.target,
            "action": self.action,
            "remote_id": self.remote_id,
            "url": self.url,
            "status": self.status,
            "entry_id": self.entry_id,
            "kind": self.kind,
        }
        if self.dry_run:
            out["dry_run"] = True
            out["requests"] = [r.as_dict() for r in self.requests]
        if self.message:
            out["message"] = self.message
        return out


# ---- the interface -------------------------------------------------------------


Progress = Callable[[str], None]


class Adapter:
    """Base class of one kind of target. Subclasses set the class attributes and override.

    - `plan()` builds the requests without sending them (dry run, and the hash
      of what is sent). It must not touch the network.
    - `prepare()` does read-only discovery (API root, length limits) and may
      remember what it found through `remember()`; it runs before plan() on a
      real publish, and on a dry run when the cache is empty.
    - `create()` / `update()` send. `find()` looks a post up by its idempotency
      key after an attempt whose answer never came.
    """

    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""  # as users call it: "WordPress", "Slack"
    needs_url: ClassVar[bool] = True
    needs_secret: ClassVar[bool] = True
    needs_user: ClassVar[bool] = False
    secret_label: ClassVar[str] = "password"
    can_edit: ClassVar[bool] = True
    can_find: ClassVar[bool] = False  # find() can tell whether an uncertain create went through
    idempotent_create: ClassVar[bool] = (
        False  # create(key) twice never duplicates (Idempotency-Key)
    )
    supports_draft: ClassVar[bool] = False
    again_label: ClassVar[str] = "post the new text as a new message"
    options_help: ClassVar[Mapping[str, str]] = {}
    required_options: ClassVar[tuple[str, ...]] = ()
    url_is_secret: ClassVar[bool] = False  # webhooks: whoever knows the URL can post
    #: Why responses cannot be read from this kind of target, in the user's words; "" when
    #: `responses()` reads them. Settings and `pkm targets list` show it instead of a zero.
    responses_note: ClassVar[str] = "pkm cannot read responses from this kind of target."
    #: How this kind takes images (post_media.MediaApi); None: it cannot, and the text says
    #: "[image: alt]" instead (the preview tells the user first). A kind with an upload API
    #: implements `upload_image`; `media_api()` may narrow the limits from what the server said.
    media: ClassVar[MediaApi | None] = None

    entry: Any = None  # the journal Entry itself, for targets that export it (folder)
    media_home: Any = None  # the data folder (a Path), for targets that copy its media/ files

    def __init__(
        self,
        config: TargetConfig,
        secret: str | None,
        *,
        http: Any = None,
        remember: Callable[[dict[str, Any]], None] | None = None,
        progress: Progress | None = None,
        pdf_writer: Any = None,
    ) -> None:
        self.config = config
        self.secret = secret
        self.http = http
        self._remember = remember or (lambda values: None)
        self.cache: dict[str, Any] = dict(config.cache)
        self.say: Progress = progress or (lambda message: None)
        self.pdf_writer = pdf_writer

    # -- configuration ------------------------------------------------------------

    @classmethod
    def normalize_url(cls, url: str) -> str:
        """Check and tidy the --url given when the target is added. Raise BadInput.

        An address typed without http:// or https:// (``intranet:8443``,
        ``127.0.0.1:8080/blog``) gets https://, or http:// for this computer (localhost,
        127.x, ::1), as browsers do; the port and path are kept as typed."""
        url = with_scheme((url or "").strip())
        if cls.needs_url and not url:
            raise BadInput(f"A {cls.label} target needs --url. {cls.url_hint()}")
        if url and not url.startswith(("https://", "http://")):
            raise BadInput(f"'{url}' is not a web address for {cls.label}. {cls.url_hint()}")
        parsed = urlsplit(url)
        if url and not parsed.hostname:
            raise BadInput(f"'{url}' has no server name. {cls.url_hint()}")
        if parsed.scheme == "http" and not is_local_host(parsed.hostname or ""):
            raise BadInput(
                f"pkm sends the {cls.secret_label} for {cls.label} only over https; plain "
                "http:// is allowed only to this computer (localhost). Use an https:// address."
            )
        return url.rstrip("/") if url.count("/") > 2 and url.endswith("/") else url

    @classmethod
    def check_secret(cls, secret: str) -> str:
        """Check (and tidy) the secret when the target is added; raise BadInput when it is the
        wrong kind of key, so the mistake shows at once, not at the first publish."""
        return secret

    @classmethod
    def requires_secret(cls, user: str) -> bool:
        return cls.needs_secret

    @classmethod
    def url_hint(cls) -> str:
        return "Give the site's address, for example --url https://blog.example.com."

    @classmethod
    def check_options(cls, options: Mapping[str, str], user: str) -> None:
        missing = [k for k in cls.required_options if not options.get(k)]
        if missing:
            raise BadInput(
                f"A {cls.label} target needs "
                + ", ".join(f"--option {k}=…" for k in missing)
                + f" ({'; '.join(cls.options_help.get(k, k) for k in missing)})."
            )
        unknown = [k for k in options if k not in cls.options_help and k not in COMMON_OPTIONS]
        if unknown:
            known = ", ".join(sorted(cls.options_help)) or "none"
            raise BadInput(
                f"{cls.label} has no option {', '.join(unknown)}. Options it knows: {known}."
            )
        if cls.needs_user and not user:
            raise BadInput(f"A {cls.label} target needs --user (the account's user name).")

    # -- helpers ------------------------------------------------------------------------

    @property
    def where(self) -> str:
        """How messages name this target: 'WordPress at https://blog.example'."""
        return f"{self.label} at {self.config.url}" if self.config.url else self.label

    def remember(self, **values: Any) -> None:
        self.cache.update(values)
        self._remember(dict(values))

    # -- the protocol -----------------------------------------------------------------

    def prepare(self) -> None:
        """Read-only discovery before sending; default: nothing to discover."""

    def plan(self, post: Post, *, remote: Remote | None, draft: bool, key: str) -> list[Request]:
        raise NotImplementedError

    def create(self, post: Post, *, draft: bool, key: str) -> Remote:
        raise NotImplementedError

    def update(self, post: Post, remote: Remote, *, draft: bool) -> Remote:
        raise CannotEdit(f"{self.label} cannot edit a post once it is sent.")

    def again(self, post: Post, remote: Remote, *, key: str) -> Remote:
        """Post the new text once more where editing is impossible (a new message by default)."""
        return self.create(post, draft=False, key=key)

    def find(self, post: Post, key: str) -> Remote | None:
        return None

    # -- images (media_upload.py calls these) -------------------------------------------

    def media_api(self) -> MediaApi | None:
        """The media API with this server's own limits where it tells them (after prepare)."""
        return self.media

    def upload_image(self, image: Image, data: bytes) -> tuple[str, str]:
        """Upload one image; return (its public URL, the target's id for it)."""
        raise NotImplementedError

    def upload_request(self, image: Image) -> Request:
        """The upload as a dry run shows it (the bytes are not printed)."""
        return Request("UPLOAD", self.config.url, body=f"({image.size:,} bytes of {image.ref})")

    def test(self) -> str:
        """Check the configuration and credentials without publishing; return what was found."""
        raise NotImplementedError

    # -- hearing back (read-only) ------------------------------------------------------

    def responses_unreadable(self) -> str:
        """Why this configured target's responses cannot be read ("" when they can); a kind
        that needs one more setting (email: the IMAP server) overrides it."""
        return self.responses_note

    def responses(self, remote: Remote) -> list[Response]:
        """Comments, replies, likes, boosts and reactions to one publication, read-only:
        nothing is ever changed remotely. Raises PublishError in plain words."""
        raise PublishError(self.responses_note)
