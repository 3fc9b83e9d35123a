"""Ghost through its Admin API (/ghost/api/admin/), signed in with an integration's key.

Ghost's Admin API key is `id:secret` (Settings → Integrations → an integration).
Every request carries a short-lived token made from it, as Ghost documents:
a JWT signed HS256 with the hex-decoded secret, `kid` = the id, `aud` =
`/admin/`, valid for five minutes (PyJWT makes it; a fresh one per request,
so a slow publish never runs past its expiry).

Posts are sent as HTML (`?source=html`): Ghost turns it into its own editor's
cards, so the post stays editable in Ghost. Tags go by name (Ghost creates
the missing ones). An update must carry the `updated_at` Ghost gave the last
version pkm wrote; if someone edited the post in Ghost since, Ghost answers
409 and pkm says so instead of overwriting that edit. (Ghost keeps
`updated_at` to the second, so an edit made in the very second of pkm's own
write goes unnoticed; Ghost's own editor has the same limit.) The `updated_at` of
each post pkm wrote is kept in the target's cache (`updated_at:<post id>`).

Duplicates after a lost answer: Ghost drops HTML comments, so the marker
comment WordPress posts carry would not survive. Instead pkm chooses the
post's slug itself: the title's words and the first 8 hex digits of the
idempotency key (`working-out-loud-3fa9c1d2`, the way Medium's addresses end
in an id). After an unanswered create, one search for a slug ending in those
digits (`filter=slug:~$'-3fa9c1d2'`, drafts included) tells whether the post
exists; it needs only the key, which the publish log holds, so it works even
when the title was changed before the retry. The slug stays the same when the
title changes later, so a shared link never breaks.

Images are uploaded first (`POST /images/upload/`, multipart `file`, `purpose`
image, `ref` the store's name), and the post's `<img>` points at the `url` Ghost
gave; Ghost takes JPEG, PNG, GIF, WebP and SVG (pkm sends the first four).
"""

from __future__ import annotations

import re
import time
import unicodedata
from typing import Any
from urllib.parse import quote, urlsplit

import jwt

from pkm.core.errors import BadInput
from pkm.core.publish.base import (
    REDACTED,
    Adapter,
    Post,
    PublishError,
    Remote,
    RemoteGone,
    Request,
    TargetAuthError,
    TargetForbidden,
    json_body,
)
from pkm.core.publish.http import Reply, multipart, raise_for_status
from pkm.core.publish.post_media import Image, MediaApi

API = "/ghost/api/admin"
# Ghost 5 and 6 both answer to v5.0 (Ghost 6 replies "Content-Version: v6.x" and behaves as
# usual, tested); asking a Ghost 5 site for v6.0 could flag the integration as incompatible.
ACCEPT_VERSION = "v5.0"
TOKEN_SECONDS = 300  # Ghost refuses tokens valid for longer than five minutes
KEY_FORM = re.compile(r"^([0-9a-f]{24}):([0-9a-f]{64})$")
WHERE_KEY = "Ghost Admin → Settings → Integrations → Add custom integration → Admin API key"


def admin_token(key: str, now: float | None = None) -> str:
    """The Admin API token for one request, from the key `id:secret`."""
    kid, secret = check_key(key).split(":")
    iat = int(time.time() if now is None else now)
    return jwt.encode(
        {"iat": iat, "exp": iat + TOKEN_SECONDS, "aud": "/admin/"},
        bytes.fromhex(secret),
        algorithm="HS256",
        headers={"kid": kid},
    )


def check_key(key: str) -> str:
    """The key tidied (pasted keys often carry spaces); raise BadInput on the wrong kind."""
    key = re.sub(r"\s+", "", key or "").lower()
    if KEY_FORM.match(key):
        return key
    if re.fullmatch(r"[0-9a-f]{26}", key):
        raise BadInput(
            "That is Ghost's Content API key, which can only read. pkm needs the Admin API key "
            f"(two parts joined by ':'), from {WHERE_KEY}."
        )
    raise BadInput(
        "That does not look like a Ghost Admin API key (24 characters, ':', then 64 "
        f"characters, all 0-9 and a-f). Copy it again from {WHERE_KEY}."
    )


SLUG_ID = 8  # hex digits of the idempotency key at the end of a slug: 4 billion to one


def slug_tail(key: str) -> str:
    return "-" + key[:SLUG_ID].lower()


def slug_for(title: str, key: str) -> str:
    """A readable slug that is unique to this attempt: the title's words and 8 hex digits."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].rstrip("-")
    return f"{words or 'post'}{slug_tail(key)}"


def ghost_message(reply: Reply) -> str:
    """Ghost's own reason, from `{"errors": [{"message", "context"}]}`, kept short."""
    try:
        data = reply.json("Ghost")
    except PublishError:
        return ""
    errors = data.get("errors") if isinstance(data, dict) else None
    if not errors or not isinstance(errors[0], dict):
        return ""
    first = errors[0]
    parts = [str(first.get(k) or "").strip() for k in ("message", "context")]
    text = " ".join(p for p in parts if p and p != "null")
    text = "".join(ch for ch in text if ch.isprintable())
    return text[:199] + "…" if len(text) > 200 else text


class GhostAdapter(Adapter):
    kind = "ghost"
    label = "Ghost"
    secret_label = "Admin API key"
    can_edit = True
    can_find = True
    supports_draft = True
    options_help: dict[str, str] = {}
    media = MediaApi("Ghost's image storage")
    # Ghost's documented Admin API (posts, pages, tags, members…) has no endpoint for the
    # comments members leave, so there is nothing pkm may read there.
    responses_note = (
        "Responses can't be read from Ghost: its Admin API offers no way to read members' "
        "comments. Open the post on your site to see them."
    )

    # ---- configuration ---------------------------------------------------------------

    @classmethod
    def normalize_url(cls, url: str) -> str:
        """The site (or API) address; an admin address pasted from the browser is cut back."""
        url = super().normalize_url(url)
        parts = urlsplit(url)
        path = re.sub(r"/ghost(/.*)?$", "", parts.path.rstrip("/"))
        return f"{parts.scheme}://{parts.netloc}{path}"

    @classmethod
    def check_secret(cls, secret: str) -> str:
        return check_key(secret)

    @classmethod
    def url_hint(cls) -> str:
        return (
            "Give the site's address (the API URL shown beside the Admin API key), for example "
            "--url https://blog.example.com."
        )

    # ---- helpers -----------------------------------------------------------------------

    def route(self, path: str, **params: str) -> str:
        query = "&".join(f"{k}={quote(v, safe=',:')}" for k, v in params.items())
        return f"{self.config.url.rstrip('/')}{API}/{path.strip('/')}/" + (
            f"?{query}" if query else ""
        )

    def _headers(self, body: bool = False) -> dict[str, str]:
        try:
            token = admin_token(self.secret or "")
        except BadInput as exc:
            raise TargetAuthError(f"{exc} Then run {self._again()}.") from None
        headers = {
            "Authorization": f"Ghost {token}",
            "Accept-Version": ACCEPT_VERSION,
            "Accept": "application/json",
        }
        if body:
            headers["Content-Type"] = "application/json; charset=utf-8"
        return headers

    def _again(self) -> str:
        return (
            f"'pkm targets add {self.config.name} --kind ghost --url {self.config.url} "
            "--secret-stdin --replace'"
        )

    def _call(
        self,
        method: str,
        path: str,
        *,
        what: str,
        body: str | bytes | None = None,
        creating: bool = False,
        params: dict[str, str] | None = None,
        ok_statuses: tuple[int, ...] = (),
        content_type: str = "",
    ) -> Reply:
        headers = self._headers(body is not None)
        if content_type:
            headers["Content-Type"] = content_type
        reply = self.http.request(
            method,
            self.route(path, **(params or {})),
            where=self.where,
            headers=headers,
            content=body,
        )
        if reply.ok() or reply.status in ok_statuses:
            return reply
        said = ghost_message(reply)
        quoted = f': "{said}"' if said else ""
        if reply.status == 401:
            raise TargetAuthError(
                f"{self.where} refused the Admin API key (401{quoted}). Copy the key again from "
                f"{WHERE_KEY} and run {self._again()}"
                + (
                    "; also check this computer's clock, the key's tokens are valid for five "
                    "minutes only."
                    if "expired" in said.lower() or "iat" in said.lower()
                    else "."
                ),
                status=401,
            )
        if reply.status == 403:
            raise TargetForbidden(
                f"{self.where} refused {what} (403{quoted}). The integration may not do this; "
                "use the Admin API key of a custom integration (not a Staff or Content key).",
                status=403,
            )
        if reply.status in (400, 422):
            raise PublishError(
                f"{self.where} refused {what} ({reply.status}{quoted}). Check the entry's title "
                "and tags, then publish again.",
                status=reply.status,
            )
        if reply.status == 404 and "json" not in reply.headers.get("content-type", ""):
            raise PublishError(
                f"{self.where} has no Ghost Admin API at {API}/ (404). {self.url_hint()}",
                status=404,
            )
        raise_for_status(
            reply,
            self.where,
            what=what,
            creating=creating,
            hints={404: f"Ghost answered{quoted}. {self.url_hint()}"},
        )
        return reply

    # ---- images ----------------------------------------------------------------------

    def upload_request(self, image: Image) -> Request:
        headers = {"Authorization": f"Ghost {REDACTED}", "Accept-Version": ACCEPT_VERSION,
                   "Content-Type": "multipart/form-data"}  # fmt: skip
        body = f"file={image.filename} ({image.size:,} bytes of {image.ref}), purpose=image"
        return Request("POST", self.route("images/upload"), headers, body)

    def upload_image(self, image: Image, data: bytes) -> tuple[str, str]:
        ctype, body = multipart(
            {"purpose": "image", "ref": image.ref}, "file", image.filename, image.mime, data
        )
        reply = self._call(
            "POST", "images/upload", what=f"uploading {image.label}", body=body,
            content_type=ctype,
        )  # fmt: skip
        data_ = reply.json(self.where)
        images = data_.get("images") if isinstance(data_, dict) else None
        url = str(images[0].get("url") or "") if images and isinstance(images[0], dict) else ""
        if not url:
            raise PublishError(
                f"{self.where} took {image.label} but gave no address for it; publish again."
            )
        return url, ""

    def _post_of(self, reply: Reply) -> dict[str, Any]:
        data = reply.json(self.where)
        posts = data.get("posts") if isinstance(data, dict) else None
        if not posts or not isinstance(posts[0], dict) or not posts[0].get("id"):
            raise PublishError(
                f"{self.where} answered without the post (status {reply.status}). Check that the "
                "address is the Ghost site's."
            )
        return posts[0]

    def _remote(self, post: dict[str, Any]) -> Remote:
        """The Remote for a post Ghost returned, remembering its version for the next update."""
        remote_id = str(post["id"])
        if post.get("updated_at"):
            self.remember(**{f"updated_at:{remote_id}": str(post["updated_at"])})
        return Remote(remote_id, str(post.get("url") or ""), str(post.get("status") or ""))

    # ---- requests ------------------------------------------------------------------

    def _fields(self, post: Post, draft: bool) -> dict[str, Any]:
        return {
            "title": post.title,
            "html": post.html,
            "status": "draft" if draft else "published",
            "tags": [{"name": t} for t in post.tags],
        }

    def _create_body(self, post: Post, draft: bool, key: str) -> str:
        return json_body(
            {"posts": [{**self._fields(post, draft), "slug": slug_for(post.title, key)}]}
        )

    def _update_body(self, post: Post, draft: bool, updated_at: str) -> str:
        return json_body({"posts": [{**self._fields(post, draft), "updated_at": updated_at}]})

    def plan(self, post: Post, *, remote: Remote | None, draft: bool, key: str) -> list[Request]:
        headers = {
            "Authorization": f"Ghost {REDACTED}",
            "Accept-Version": ACCEPT_VERSION,
            "Accept": "application/json",
            "Content-Type": "application/json; charset=utf-8",
        }
        if remote and remote.remote_id:
            known = str(self.cache.get(f"updated_at:{remote.remote_id}", ""))
            body = self._update_body(post, draft, known or "(read from Ghost first)")
            url = self.route(f"posts/{remote.remote_id}", source="html")
            note = "the update carries the version pkm last wrote, so an edit made in Ghost is never overwritten"
            return [Request("PUT", url, headers, body, note)]
        url = self.route("posts", source="html")
        note = "the slug is chosen by pkm so that a lost answer never leads to a second post"
        return [Request("POST", url, headers, self._create_body(post, draft, key), note)]

    def prepare(self) -> None:
        if self.cache.get("site_checked") == self.config.url:
            return
        self.say("Looking for Ghost's Admin API…")
        reply = self.http.request(
            "GET", self.route("site"), where=self.where, headers={"Accept-Version": ACCEPT_VERSION}
        )
        site = None
        if reply.ok() and "json" in reply.headers.get("content-type", ""):
            data = reply.json(self.where)
            site = data.get("site") if isinstance(data, dict) else None
        if not isinstance(site, dict):
            raise PublishError(
                f"{self.where} does not look like a Ghost site (no Admin API at {API}/, "
                f"status {reply.status}). {self.url_hint()}",
                status=reply.status,
            )
        self.remember(
            site_checked=self.config.url,
            site_title=str(site.get("title") or ""),
            ghost_version=str(site.get("version") or ""),
        )

    def create(self, post: Post, *, draft: bool, key: str) -> Remote:
        self.say("Creating the Ghost post…")
        reply = self._call(
            "POST",
            "posts",
            params={"source": "html"},
            body=self._create_body(post, draft, key),
            what="the new post",
            creating=True,
        )
        return self._remote(self._post_of(reply))

    def update(self, post: Post, remote: Remote, *, draft: bool) -> Remote:
        known = str(self.cache.get(f"updated_at:{remote.remote_id}", ""))
        if not known:  # published before pkm kept versions, or the target's address changed
            current = self._read(remote)
            known = str(current.get("updated_at") or "")
        self.say("Updating the Ghost post…")
        reply = self._call(
            "PUT",
            f"posts/{remote.remote_id}",
            params={"source": "html"},
            body=self._update_body(post, draft, known),
            what="the update",
            ok_statuses=(404, 409),
        )
        if reply.status == 404:
            raise self._gone(remote)
        if reply.status == 409:
            # Take Ghost's current version as the one pkm has seen: the user has now been told,
            # and publishing again is the deliberate choice to replace Ghost's text.
            current = self._read(remote)
            self.remember(**{f"updated_at:{remote.remote_id}": str(current.get("updated_at"))})
            raise PublishError(
                # Short enough for the window's status line; what to do comes before the details.
                "The post was changed in Ghost after pkm last published it, so pkm did not "
                f"overwrite it (409, {self.where}). Copy what you want to keep into the entry; "
                "publishing again replaces Ghost's version.",
                status=409,
            )
        return self._remote(self._post_of(reply))

    def _read(self, remote: Remote) -> dict[str, Any]:
        reply = self._call(
            "GET", f"posts/{remote.remote_id}", what="reading the post", ok_statuses=(404,)
        )
        if reply.status == 404:
            raise self._gone(remote)
        return self._post_of(reply)

    def _gone(self, remote: Remote) -> RemoteGone:
        return RemoteGone(
            f"The post this entry was published as ({remote.url or 'id ' + remote.remote_id}) "
            f"was deleted on {self.where}.",
            status=404,
        )

    def find(self, post: Post, key: str) -> Remote | None:
        self.say("Checking whether the earlier attempt reached Ghost…")
        reply = self._call(
            "GET",
            "posts",
            what="looking the post up",
            params={"filter": f"slug:~$'{slug_tail(key)}'", "limit": "5"},
        )
        data = reply.json(self.where)
        found = [p for p in (data or {}).get("posts") or [] if isinstance(p, dict) and p.get("id")]
        exact = [p for p in found if p.get("slug") == slug_for(post.title, key)]
        if exact or len(found) == 1:
            return self._remote((exact or found)[0])
        return None  # none (it never arrived), or several: not sure enough to call one ours

    def test(self) -> str:
        reply = self._call(
            "GET",
            "posts",
            what="signing in",
            params={"limit": "1", "fields": "id"},
        )
        data = reply.json(self.where) or {}
        total = ((data.get("meta") or {}).get("pagination") or {}).get("total")
        title = self.cache.get("site_title") or self.config.url
        version = self.cache.get("ghost_version")
        count = (
            f"; the site has {total} post{'s' if total != 1 else ''}" if total is not None else ""
        )
        return (
            f"Signed in to Ghost{' ' + str(version) if version else ''} at {self.config.url} "
            f"('{title}') with the Admin API key{count}."
        )
