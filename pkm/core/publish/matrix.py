"""Matrix: a message in a room through the Client-Server API; an edit is an `m.replace`.

Matrix (Element is its best-known app) is where many governments and
companies chat. A reflection becomes one `m.room.message` of msgtype `m.text`
with both forms the spec asks for: `formatted_body` in
`org.matrix.custom.html`, cut down to the HTML subset the spec recommends
(anything else would show as raw tags in some clients), and a plain-text
`body` for clients and notifications that show no HTML.

Decisions where the issue is silent:

- The address is the homeserver the user signs in to. `.well-known/matrix/client`
  is read first, as Element does, so "https://example.org" finds
  "https://matrix.example.org" by itself.
- The room is an option: its address `#room:server` (resolved through
  `/directory/room`, the result cached per alias) or its id `!abc:server`.
  pkm never joins a room by itself: posting where the user has not joined is
  refused with the way to fix it.
- The message is sent with `PUT …/send/m.room.message/{txnId}`, the txnId
  derived from pkm's idempotency key: a retry after an unanswered attempt is
  deduplicated by the server itself (Synapse remembers a transaction id per
  device for a day: 30 minutes in memory, 24 hours in its database). After
  longer than that, `find()` still recognises the message: the server returns
  `unsigned.transaction_id` to the device that sent it. (A new access token is
  a new device: a retry after replacing the token cannot be recognised.)
- Edits reference the *original* event (as the spec requires) with
  `m.new_content`; an edit whose text is what the room already shows is not
  sent, so a retry never adds a second "(edited)". A message removed in the
  room is `RemoteGone`.
- `m.mentions` is always empty: "@room" in a reflection never pings everyone.
- The URL recorded is the event's matrix.to link (it opens in any client).
- Images are uploaded to the homeserver's media repository (`POST
  /_matrix/media/v3/upload`) and shown inside the one message as
  `<img src="mxc://…">`, which the spec's HTML subset allows (clients show only
  `mxc://` images), rather than as separate `m.image` events: the reflection
  stays one message with its pictures where the author put them, an edit
  replaces it all, and the plain `body` says "[image: alt]". Each carries a width
  and height within 800 × 600, which clients draw it at. The largest upload
  the server takes is read from its media config (`m.upload.size`).

Hearing back (`responses()`): replies in the message's thread and reactions
come from `GET /_matrix/client/v1/rooms/{room}/relations/{event}`; a plain
reply (Element's "Reply", an `m.in_reply_to` that is not a relation) is
found among the room's messages after the post, read forward from its
`/context` for at most a few pages. Names are the senders' display names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as htmllib
import json
import re
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import nh3

from pkm.core.errors import BadInput
from pkm.core.publish.base import (
    REDACTED,
    Adapter,
    Post,
    PublishError,
    RateLimited,
    Remote,
    RemoteGone,
    Request,
    Response,
    TargetAuthError,
    TargetForbidden,
    TooLarge,
    is_local_host,
    json_body,
)
from pkm.core.publish.http import Reply, raise_for_status, server_message
from pkm.core.publish.post_media import Image, MediaApi, with_sizes

API = "/_matrix/client/v3"
HTML_FORMAT = "org.matrix.custom.html"
# An event (content plus the server's envelope) may be at most 65,536 bytes; this leaves
# room for the envelope (ids, signatures, hashes) that the server adds.
MAX_CONTENT_BYTES = 60_000

ROOM_ID = re.compile(r"^![^\s/:]+(:[^\s/]+)?$")  # room version 12 ids have no ":server"
ROOM_ALIAS = re.compile(r"^#[^\s/:]+:[^\s/]+$")

# The HTML the Matrix spec recommends clients accept (m.room.message, "HTML").
TAGS = {
    "font", "del", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "p", "a", "ul", "ol",
    "sup", "sub", "li", "b", "i", "u", "strong", "em", "s", "code", "hr", "br", "div",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "pre", "span", "img",
    "details", "summary",
}  # fmt: skip
ATTRIBUTES = {"a": {"href"}, "ol": {"start"}, "code": {"class"},
              "img": {"src", "alt", "title", "width", "height"}}  # fmt: skip
URL_SCHEMES = {"http", "https", "ftp", "mailto", "magnet", "mxc"}

_IMG = re.compile(r"<img\b([^>]*)>")
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_CHECKED = re.compile(r"<input\b[^>]*\bchecked\b[^>]*>\s*")
_CHECKBOX = re.compile(r"<input\b[^>]*>\s*")

NEW_TOKEN = (
    "Give a current access token (in Element: Settings → Help & About → Advanced → Access "
    "Token; it stops working when that session signs out) with "
    "'pkm targets add NAME --kind matrix --secret-stdin --replace'."
)
ROOM_HELP = (
    "Give the room's address (#team:example.org, in Element: Room settings → General) or "
    "its id (!abc…, Room settings → Advanced) with --option room=…"
)


def matrix_html(fragment: str) -> str:
    """pkm's HTML cut down to the subset Matrix clients render.

    Images become links unless they are already in the homeserver's media
    repository (mxc://): clients show only those, and would show nothing.
    Task-list checkboxes become ☑ / ☐, links within the page (footnotes)
    plain text, and code keeps only its `language-…` class.
    """

    def image(m: re.Match[str]) -> str:
        attrs = dict(_ATTR.findall(m.group(1)))
        src, alt = attrs.get("src", ""), attrs.get("alt", "") or "image"
        if src.startswith("mxc://"):
            return m.group(0)
        return f'<a href="{src}">{alt}</a>' if src else alt

    fragment = _IMG.sub(image, fragment)
    fragment = _CHECKBOX.sub("☐ ", _CHECKED.sub("☑ ", fragment))

    def keep(tag: str, attr: str, value: str) -> str | None:
        if tag == "code" and attr == "class":
            langs = [c for c in value.split() if c.startswith("language-")]
            return langs[0] if langs else None
        if tag == "a" and attr == "href" and value.startswith("#"):
            return None
        return value

    return nh3.clean(
        fragment,
        tags=TAGS,
        clean_content_tags={"script", "style", "template", "textarea", "select", "noscript"},
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        attribute_filter=keep,
        strip_comments=True,
    ).strip()


def matrix_to(room_id: str, event_id: str, via: str = "") -> str:
    """The event's link on matrix.to, which opens it in whatever Matrix app the reader uses."""
    link = f"https://matrix.to/#/{quote(room_id, safe='!:')}/{quote(event_id, safe='$')}"
    return f"{link}?via={quote(via, safe='')}" if via else link


def server_of(matrix_id: str) -> str:
    """'example.org' from '@anna:example.org', '#team:example.org' or '!abc:example.org'."""
    return matrix_id.partition(":")[2]


class MatrixAdapter(Adapter):
    kind = "matrix"
    label = "Matrix"
    secret_label = "access token"
    can_edit = True
    can_find = True  # the server shows the sender its own transaction ids
    idempotent_create = True  # the txnId: the server drops a second send with the same one
    options_help = {
        "room": "the room: its address #room:server or its id !abc:server",
        "ca_file": "a PEM file with your company's certificate authority, if the server uses one",
    }
    required_options = ("room",)
    media = MediaApi("the homeserver's media repository")

    @classmethod
    def url_hint(cls) -> str:
        return (
            "Give your homeserver's address (the server you sign in to in Element), for "
            "example --url https://matrix.example.org."
        )

    @classmethod
    def check_options(cls, options, user) -> None:
        super().check_options(options, user)
        room = options.get("room", "").strip()
        if not (ROOM_ID.match(room) or ROOM_ALIAS.match(room)):
            raise BadInput(f"'{room}' is not a Matrix room. {ROOM_HELP}")

    # ---- where -----------------------------------------------------------------------

    @property
    def room(self) -> str:
        return self.config.option("room").strip()

    @property
    def base(self) -> str:
        return str(self.cache.get("base_url") or self.config.url).rstrip("/")

    def _api(self, path: str) -> str:
        return self.base + API + path

    def _room_id(self) -> str:
        """The room's id: given, or resolved from its alias by prepare() (cached per alias)."""
        if self.room.startswith("!"):
            return self.room
        if self.cache.get("room_alias") == self.room and self.cache.get("room_id"):
            return str(self.cache["room_id"])
        return ""

    def _room_of(self, remote: Remote) -> str:
        """The room a message was posted in (from its link): the room option may have changed."""
        fragment = urlsplit(remote.url).fragment.split("?")[0]
        parts = fragment.strip("/").split("/")
        if len(parts) >= 2 and parts[0].startswith("!"):
            return unquote(parts[0])
        return self._room_id()

    def _via(self) -> str:
        return (
            server_of(self.room)
            or server_of(str(self.cache.get("user_id", "")))
            or (urlsplit(self.config.url).hostname or "")
        )

    def _headers(self, secret: str, body: bool = False) -> dict[str, str]:
        h = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}
        if body:
            h["Content-Type"] = "application/json; charset=utf-8"
        return h

    def _get(self, path: str, params: dict[str, str] | None = None) -> Reply:
        return self.http.request(
            "GET", self._api(path), where=self.where, headers=self._headers(self.secret or ""),
            params=params,
        )  # fmt: skip

    # ---- discovery -------------------------------------------------------------------

    def prepare(self) -> None:
        if "base_url" not in self.cache:
            self.remember(base_url=self._discover())
        if self.secret and not self.cache.get("user_id"):
            self._whoami()  # the account's server names where links point (via=)
        if self.secret and "upload_size" not in self.cache:
            self._read_upload_size()
        if self.room.startswith("#") and not self._room_id():
            self.say(f"Looking up the room {self.room}…")
            reply = self._get(f"/directory/room/{quote(self.room, safe='')}")
            if reply.status == 404:
                raise PublishError(
                    f"There is no room {self.room} on {self.where}. Check its address in "
                    "Element (Room settings → General → Published addresses), or give the "
                    "room's id (!abc…, Room settings → Advanced) with --option room=…",
                    status=404,
                )
            self._check(reply, "looking up the room")
            room_id = str((reply.json(self.where) or {}).get("room_id") or "")
            if not room_id.startswith("!"):
                raise PublishError(f"{self.where} gave no room id for {self.room}. {ROOM_HELP}")
            self.remember(room_alias=self.room, room_id=room_id)

    # ---- images ----------------------------------------------------------------------

    def media_api(self) -> MediaApi | None:
        size = self.cache.get("upload_size")
        if isinstance(size, int) and size > 0:
            return MediaApi(self.media.what, max_bytes=min(size, self.media.max_bytes))  # type: ignore[union-attr]
        return self.media

    def _read_upload_size(self) -> None:
        """`m.upload.size` from the media config (v1.11's authenticated route, else the old
        one); remembered, so it is asked once per target."""
        for url in (self.base + "/_matrix/client/v1/media/config",
                    self.base + "/_matrix/media/v3/config"):  # fmt: skip
            reply = self.http.request(
                "GET", url, where=self.where, headers=self._headers(self.secret or "")
            )
            if reply.ok():
                size = (reply.json(self.where) or {}).get("m.upload.size")
                self.remember(upload_size=int(size) if isinstance(size, int) else 0)
                return

    def _upload_url(self, image: Image) -> str:
        return self.base + "/_matrix/media/v3/upload?filename=" + quote(image.filename)

    def upload_request(self, image: Image) -> Request:
        headers = {**self._headers(REDACTED), "Content-Type": image.mime}
        return Request("POST", self._upload_url(image), headers,
                       f"({image.size:,} bytes of {image.ref})")  # fmt: skip

    def upload_image(self, image: Image, data: bytes) -> tuple[str, str]:
        headers = {**self._headers(self.secret or ""), "Content-Type": image.mime}
        reply = self.http.request(
            "POST", self._upload_url(image), where=self.where, headers=headers, content=data
        )
        if reply.status == 413:
            raise TooLarge(
                f"{image.label_start} is larger than {self.where} takes for an upload "
                "(413). Add a smaller copy of it, then publish again.",
                status=413,
            )
        self._check(reply, f"uploading {image.label}")
        uri = str((reply.json(self.where) or {}).get("content_uri") or "")
        if not uri.startswith("mxc://"):
            raise PublishError(f"{self.where} took {image.label} but gave no mxc:// address.")
        return uri, uri

    def _discover(self) -> str:
        """The client API's base URL from the server's .well-known file, as Element finds it."""
        url = self.config.url.rstrip("/")
        reply = self.http.request("GET", url + "/.well-known/matrix/client", where=self.where)
        if not reply.ok():
            return url
        try:
            data = json.loads(reply.content or b"null")
        except ValueError:
            return url
        found = data.get("m.homeserver", {}).get("base_url") if isinstance(data, dict) else None
        if not isinstance(found, str):
            return url
        parts = urlsplit(found.strip())
        local = is_local_host(parts.hostname or "")
        if parts.scheme == "https" or (parts.scheme == "http" and local):
            return found.strip().rstrip("/")
        return url  # never send the token over plain http to another computer

    # ---- the message -----------------------------------------------------------------

    def content(self, post: Post) -> dict[str, Any]:
        """One m.room.message: the title as a heading, then the reflection."""
        title = post.title.strip()
        body = f"{title}\n\n{post.plain.strip()}" if title else post.plain.strip()
        # a photo drawn within 800 × 600 px: clients show an inline image at the size it says
        html = matrix_html(with_sizes(post.html, post.images, 800, 600))
        formatted = f"<h3>{htmllib.escape(title, quote=False)}</h3>\n{html}" if title else html
        return {
            "msgtype": "m.text",
            "body": body.strip(),
            "format": HTML_FORMAT,
            "formatted_body": formatted,
            "m.mentions": {},
        }

    def edit_content(self, post: Post, event_id: str) -> dict[str, Any]:
        """An m.replace edit: the new content, plus the "* …" fallback older clients show."""
        new = self.content(post)
        fallback = {
            "msgtype": "m.text",
            "body": "* " + new["body"],
            "format": HTML_FORMAT,
            "formatted_body": "* " + new["formatted_body"],
        }
        if _size(new) * 2 > MAX_CONTENT_BYTES:  # the fallback would not fit beside it
            fallback["body"] = f"* {post.title} (edited)"
            fallback["formatted_body"] = htmllib.escape(fallback["body"], quote=False)
        return {
            **fallback,
            "m.new_content": new,
            "m.mentions": {},
            "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
        }

    def _fits(self, content: dict[str, Any]) -> str:
        body = json_body(content)
        size = len(body.encode("utf-8"))
        if size > MAX_CONTENT_BYTES:
            raise TooLarge(
                f"The entry is {size // 1000:,} KB as a Matrix message, more than the 64 KB a "
                "Matrix message may be. Shorten it, or publish it to a blog and share the link."
            )
        return body

    def _send_url(self, room_id: str, txn: str) -> str:
        return self._api(f"/rooms/{quote(room_id, safe='')}/send/m.room.message/{txn}")

    def plan(self, post: Post, *, remote: Remote | None, draft: bool, key: str) -> list[Request]:
        headers = self._headers(REDACTED, body=True)
        if remote and remote.remote_id:
            content = self.edit_content(post, remote.remote_id)
            txn = _edit_txn(remote.remote_id, content)
            url = self._send_url(self._room_of(remote), txn)
            return [Request("PUT", url, headers, self._fits(content))]
        room_id = self._room_id()
        url = self._send_url(room_id or self.room, _txn(key))
        note = "" if room_id else f"the room id of {self.room} is looked up when sending"
        return [Request("PUT", url, headers, self._fits(self.content(post)), note=note)]

    def _send(self, room_id: str, txn: str, body: str, what: str, creating: bool) -> str:
        reply = self.http.request(
            "PUT", self._send_url(room_id, txn), where=self.where,
            headers=self._headers(self.secret or "", body=True), content=body,
        )  # fmt: skip
        self._check(reply, what, creating=creating)
        event_id = str((reply.json(self.where) or {}).get("event_id") or "")
        if not event_id.startswith("$"):
            raise PublishError(
                f"{self.where} accepted {what} but gave no event id. Check the room in Element.",
                uncertain=creating,
            )
        return event_id

    def create(self, post: Post, *, draft: bool, key: str) -> Remote:
        body = self._fits(self.content(post))
        room_id = self._room_id()
        self.say("Posting to the Matrix room…")
        event_id = self._send(room_id, _txn(key), body, "the message", creating=True)
        return Remote(event_id, matrix_to(room_id, event_id, self._via()), "posted")

    def update(self, post: Post, remote: Remote, *, draft: bool) -> Remote:
        room_id = self._room_of(remote)
        shown = self._latest(room_id, remote)
        new = self.content(post)
        if shown is not None and _same(shown, new):
            return remote  # the room already shows this text: no "(edited)" for nothing
        content = self.edit_content(post, remote.remote_id)
        self.say("Editing the Matrix message…")
        self._send(room_id, _edit_txn(remote.remote_id, content), self._fits(content), "the edit",
                   creating=False)  # fmt: skip
        return Remote(remote.remote_id, remote.url, "edited")

    def _latest(self, room_id: str, remote: Remote) -> dict[str, Any] | None:
        """What the room shows for the message now: its latest edit, else its own content."""
        reply = self._get(
            f"/rooms/{quote(room_id, safe='')}/event/{quote(remote.remote_id, safe='')}"
        )
        gone = RemoteGone(
            f"The message this entry was posted as ({remote.url or remote.remote_id}) no longer "
            f"exists in the Matrix room; it was removed.",
            status=reply.status,
        )
        if reply.status == 404:
            raise gone
        self._check(reply, "reading the message")
        event = reply.json(self.where) or {}
        unsigned = event.get("unsigned") or {}
        if unsigned.get("redacted_because") or not event.get("content"):
            raise gone
        edit = (unsigned.get("m.relations") or {}).get("m.replace") or {}
        newer = (edit.get("content") or {}).get("m.new_content")
        return newer if isinstance(newer, dict) else event.get("content")

    def find(self, post: Post, key: str) -> Remote | None:
        """The message an unanswered attempt sent, if it arrived: it carries our txn id."""
        room_id = self._room_id()
        reply = self._get(
            f"/rooms/{quote(room_id, safe='')}/messages",
            params={"dir": "b", "limit": "100"},
        )
        self._check(reply, "reading the room's latest messages")
        want = _txn(key)
        for event in (reply.json(self.where) or {}).get("chunk") or []:
            if (
                isinstance(event, dict)
                and (event.get("unsigned") or {}).get("transaction_id") == want
            ):
                event_id = str(event.get("event_id", ""))
                return Remote(event_id, matrix_to(room_id, event_id, self._via()), "posted")
        return None

    # ---- hearing back ----------------------------------------------------------------

    responses_note = ""
    MAX_PAGES = 5  # of 100 events each, per kind of read
    MAX_NAMES = 50  # display names looked up per refresh

    def _events(self, path: str, params: dict[str, str], what: str, key: str) -> list[dict]:
        """Pages of a paginated read (`chunk` + `next_batch`/`end`), bounded."""
        out: list[dict] = []
        for _ in range(self.MAX_PAGES):
            reply = self.http.request(
                "GET", self.base + path, where=self.where,
                headers=self._headers(self.secret or ""), params=params,
            )  # fmt: skip
            self._check(reply, what)
            data = reply.json(self.where) or {}
            chunk = data.get("chunk") or [] if isinstance(data, dict) else []
            out += [e for e in chunk if isinstance(e, dict)]
            token = data.get(key) if isinstance(data, dict) else None
            if not token or not chunk:
                break
            params = {**params, "from": str(token)}
        return out

    def responses(self, remote: Remote) -> list[Response]:
        """Thread replies, plain replies and reactions to the posted message, with who."""
        me = self._whoami()
        room_id = self._room_of(remote)
        room, event = quote(room_id, safe=""), quote(remote.remote_id, safe="")
        related = self._events(
            f"/_matrix/client/v1/rooms/{room}/relations/{event}", {"limit": "100"},
            "reading the replies and reactions", "next_batch",
        )  # fmt: skip
        context = self._get(f"/rooms/{room}/context/{event}", {"limit": "0"})
        self._check(context, "reading the room after the message")
        end = str((context.json(self.where) or {}).get("end") or "")
        later = self._events(
            f"{API}/rooms/{room}/messages",
            {"dir": "f", "limit": "100", "from": end,
             "filter": json.dumps({"types": ["m.room.message"]})},
            "reading the room's messages", "end",
        ) if end else []  # fmt: skip
        names: dict[str, str] = {}
        out: list[Response] = []
        for e in [*related, *later]:
            content = e.get("content") or {}
            rel = content.get("m.relates_to") or {} if isinstance(content, dict) else {}
            sender = str(e.get("sender") or "")
            if not isinstance(rel, dict) or not sender or sender == me:
                continue
            at = _ms_utc(e.get("origin_server_ts"))
            url = matrix_to(room_id, str(e.get("event_id", "")), self._via())
            if e.get("type") == "m.reaction" and rel.get("rel_type") == "m.annotation":
                out.append(Response("reaction", str(e.get("event_id")), self._name(sender, names),
                                    str(rel.get("key") or ""), url, at))  # fmt: skip
                continue
            thread = rel.get("rel_type") == "m.thread" and rel.get("event_id") == remote.remote_id
            reply = (rel.get("m.in_reply_to") or {}).get("event_id") == remote.remote_id
            if (
                e.get("type") == "m.room.message"
                and (thread or reply)
                and "m.new_content" not in content
            ):
                out.append(Response("reply", str(e.get("event_id")), self._name(sender, names),
                                    _without_fallback(str(content.get("body") or "")), url, at))  # fmt: skip
        return out

    def _name(self, user_id: str, names: dict[str, str]) -> str:
        """'Bob (@bob:example.org)': the display name, where the server tells it."""
        if user_id not in names:
            name = ""
            if len(names) < self.MAX_NAMES:
                reply = self._get(f"/profile/{quote(user_id, safe='')}/displayname")
                if reply.ok():
                    name = str((reply.json(self.where) or {}).get("displayname") or "")
            names[user_id] = f"{name} ({user_id})" if name and name != user_id else user_id
        return names[user_id]

    # ---- test connection -------------------------------------------------------------

    def _whoami(self) -> str:
        reply = self._get("/account/whoami")
        self._check(reply, "signing in")
        user_id = str((reply.json(self.where) or {}).get("user_id") or "")
        self.remember(user_id=user_id)
        return user_id

    def test(self) -> str:
        user_id = self._whoami()
        room_id = self._room_id()
        joined = self._get("/joined_rooms")
        self._check(joined, "listing your rooms")
        if room_id not in ((joined.json(self.where) or {}).get("joined_rooms") or []):
            raise TargetForbidden(self._not_joined(user_id))
        name = ""
        state = self._get(f"/rooms/{quote(room_id, safe='')}/state/m.room.name")
        if state.ok():
            name = str((state.json(self.where) or {}).get("name") or "")
        room = f"“{name}” ({self.room})" if name else self.room
        return f"Signed in to {self.where} as {user_id}; posts go to the room {room}."

    # ---- errors ----------------------------------------------------------------------

    def _not_joined(self, user_id: str = "") -> str:
        who = user_id or str(self.cache.get("user_id") or "this account")
        return (
            f"{who} is not a member of the room {self.room} on {self.where} (or no such room "
            "exists). Join the room in Element (accept the invitation, or ask for one), then "
            "try again; if it is the wrong room, fix --option room=…"
        )

    def _check(self, reply: Reply, what: str, creating: bool = False) -> None:
        """Matrix's errcodes in words; everything else as every web target says it."""
        if reply.ok():
            return
        data: dict[str, Any] = {}
        try:
            parsed = json.loads(reply.content or b"null")
            data = parsed if isinstance(parsed, dict) else {}
        except ValueError:
            pass
        code = str(data.get("errcode") or "")
        said = server_message(reply)
        if reply.status == 401 or code in ("M_UNKNOWN_TOKEN", "M_MISSING_TOKEN"):
            raise TargetAuthError(
                f"{self.where} did not accept the access token ({code or reply.status}: signed "
                f"out, expired or mistyped). {NEW_TOKEN}",
                status=reply.status,
            )
        if code == "M_FORBIDDEN" and "not in room" in said:
            raise TargetForbidden(self._not_joined(), status=reply.status)
        if code == "M_FORBIDDEN":
            raise TargetForbidden(
                f"{self.where} refused {what} in the room {self.room} (M_FORBIDDEN: "
                f'"{said}"). Ask a room admin to let your account post there.',
                status=reply.status,
            )
        if code == "M_LIMIT_EXCEEDED" or reply.status == 429:
            ms = data.get("retry_after_ms")
            wait = float(ms) / 1000 if isinstance(ms, int | float) else None
            when = f"after {int(wait + 0.999)} seconds" if wait is not None else "in a minute"
            raise RateLimited(
                f"{self.where} is rate limiting (M_LIMIT_EXCEEDED): try again {when}. "
                "Nothing was posted.",
                status=reply.status,
                retry_after=wait,
            )
        if code == "M_TOO_LARGE" or reply.status == 413:
            raise TooLarge(
                f"{self.where} refused {what} as too large ({code or 413}). Shorten the entry, "
                "or publish it to a blog and share the link.",
                status=reply.status,
            )
        raise_for_status(reply, self.where, what=what, creating=creating)


def _txn(key: str) -> str:
    """The transaction id of a new message: pkm's idempotency key, so retries reuse it."""
    return "pkm-" + re.sub(r"[^A-Za-z0-9._-]", "", key)


def _edit_txn(event_id: str, content: dict[str, Any]) -> str:
    """An edit's transaction id: the same edit sent twice is one edit, a new text a new one."""
    digest = hashlib.sha256((event_id + json_body(content)).encode("utf-8")).hexdigest()
    return "pkm-edit-" + digest[:32]


def _size(content: dict[str, Any]) -> int:
    return len(json_body(content).encode("utf-8"))


def _same(shown: dict[str, Any], new: dict[str, Any]) -> bool:
    return all(shown.get(k) == new.get(k) for k in ("body", "formatted_body", "format"))


def _ms_utc(value: object) -> str:
    """origin_server_ts (milliseconds since 1970) as ISO UTC text."""
    if not isinstance(value, int | float):
        return ""
    return dt.datetime.fromtimestamp(value / 1000, dt.UTC).isoformat(timespec="seconds")


def _without_fallback(body: str) -> str:
    """A reply's text without the quoted "> <@anna:…> …" fallback older clients put first."""
    lines = body.splitlines()
    if lines and lines[0].startswith("> <"):
        while lines and lines[0].startswith(">"):
            lines.pop(0)
    return "\n".join(lines).strip()
