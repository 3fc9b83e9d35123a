"""Mastodon: POST /api/v1/statuses with an Idempotency-Key; PUT /api/v1/statuses/:id to edit.

Statuses are plain text. The length limit is the instance's own
(`configuration.statuses.max_characters` from /api/v2/instance, every link
counting as `characters_reserved_per_url`); a reflection longer than that is
cut at a word and ends with a link to where it is published in full (a blog
target that already has it). Without such a link it is refused rather than
silently truncated. Mastodon keeps an Idempotency-Key for an hour, so a
retry with the same key returns the status instead of posting twice; after
an unanswered attempt pkm also looks through the account's recent statuses.

Images are attached, as Mastodon shows them: each is uploaded first (`POST
/api/v2/media`, multipart `file` and `description`, the alt text, which screen
readers read), waited for while the server processes it (202, then `GET
/api/v1/media/:id` until it has a URL), and its id sent in `media_ids[]` with the
status (and again with an edit, or the edit would drop it). The text then drops
its "[image: …]" markers. A status takes at most 4 images; the size limit and
the formats are the server's own (`configuration.media_attachments` of
/api/v2/instance), 10 MB and JPEG/PNG/GIF/WebP until the server has said. An
attachment belongs to one status, so uploads are remembered per post.
"""

from __future__ import annotations

import datetime as dt
import re
import time

from pkm.core.errors import BadInput
from pkm.core.publish.base import (
    REDACTED,
    Adapter,
    Post,
    PublishError,
    Remote,
    RemoteGone,
    Request,
    Response,
    TooLarge,
    json_body,
)
from pkm.core.publish.http import Reply, multipart, raise_for_status
from pkm.core.publish.post_media import MIME, Image, MediaApi
from pkm.core.publish.render import counted_length, fit, hashtags, html_to_text

DEFAULT_LIMIT = 500
IMAGE_LIMIT = 10 * 1024 * 1024  # Mastodon before 4.2; newer servers say theirs (16 MB)
MAX_IMAGES = 4
PROCESSING_WAIT = 30.0  # seconds an upload may take to be processed before pkm gives up
VISIBILITIES = ("public", "unlisted", "private", "direct")

NEW_TOKEN = (
    "Create a new access token with the write:statuses scope (Preferences → Development → "
    "New application) and run 'pkm targets add NAME --kind mastodon --secret-stdin --replace' again."
)


class MastodonAdapter(Adapter):
    kind = "mastodon"
    label = "Mastodon"
    secret_label = "access token"
    can_edit = True
    can_find = True
    idempotent_create = True
    options_help = {
        "visibility": "public (default), unlisted, private (followers only) or direct",
        "language": "ISO 639 language code of your posts, e.g. en",
    }

    media = MediaApi("Mastodon", max_bytes=IMAGE_LIMIT, max_count=MAX_IMAGES, per_post=True,
                     attached=True)  # fmt: skip

    @classmethod
    def check_options(cls, options, user) -> None:
        super().check_options(options, user)
        vis = options.get("visibility", "public")
        if vis not in VISIBILITIES:
            raise BadInput(f"visibility must be one of: {', '.join(VISIBILITIES)}.")

    @classmethod
    def url_hint(cls) -> str:
        return "Give your server's address, for example --url https://mastodon.social."

    hints = {
        401: "The access token was not accepted (revoked or mistyped). " + NEW_TOKEN,
        403: "The access token lacks the write:statuses scope. " + NEW_TOKEN,
    }

    def _url(self, path: str) -> str:
        return self.config.url.rstrip("/") + path

    def _auth(self, secret: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {secret}", "Accept": "application/json"}

    # ---- limits -----------------------------------------------------------------------

    def prepare(self) -> None:
        if "max_characters" in self.cache:
            return
        self.say("Reading the server's length limit…")
        limit, per_url = DEFAULT_LIMIT, 23
        reply = self.http.request("GET", self._url("/api/v2/instance"), where=self.where)
        if reply.ok():
            conf = (reply.json(self.where) or {}).get("configuration", {})
            statuses = conf.get("statuses", {}) if isinstance(conf, dict) else {}
            limit = int(statuses.get("max_characters") or limit)
            per_url = int(statuses.get("characters_reserved_per_url") or per_url)
            self._remember_media(conf if isinstance(conf, dict) else {})
        else:  # older servers and other software speaking the Mastodon API
            reply = self.http.request("GET", self._url("/api/v1/instance"), where=self.where)
            if reply.ok():
                data = reply.json(self.where) or {}
                conf = data.get("configuration", {}).get("statuses", {})
                limit = int(conf.get("max_characters") or data.get("max_toot_chars") or limit)
        self.remember(max_characters=limit, characters_reserved_per_url=per_url)

    def _remember_media(self, conf: dict) -> None:
        media = conf.get("media_attachments") or {}
        statuses = conf.get("statuses") or {}
        types = media.get("supported_mime_types") if isinstance(media, dict) else None
        formats = [ext for ext, mime in MIME.items() if not types or mime in types]
        self.remember(
            media_limits={
                "image_size_limit": int(media.get("image_size_limit") or IMAGE_LIMIT),
                "formats": formats,
                "max_images": int(statuses.get("max_media_attachments") or MAX_IMAGES),
            }
        )

    def media_api(self) -> MediaApi | None:
        known = self.cache.get("media_limits")
        if not isinstance(known, dict):
            return self.media
        return MediaApi(
            "Mastodon",
            formats=tuple(known.get("formats") or MIME),
            max_bytes=int(known.get("image_size_limit") or IMAGE_LIMIT),
            max_count=int(known.get("max_images") or MAX_IMAGES),
            per_post=True,
            attached=True,
        )

    def upload_request(self, image: Image) -> Request:
        headers = {**self._auth(REDACTED), "Content-Type": "multipart/form-data"}
        body = f"file={image.filename} ({image.size:,} bytes of {image.ref}), description={image.alt!r}"
        return Request("POST", self._url("/api/v2/media"), headers, body)

    def upload_image(self, image: Image, data: bytes) -> tuple[str, str]:
        fields = {"description": image.alt} if image.alt else {}
        ctype, body = multipart(fields, "file", image.filename, image.mime, data)
        reply = self.http.request(
            "POST", self._url("/api/v2/media"), where=self.where,
            headers={**self._auth(self.secret or ""), "Content-Type": ctype}, content=body,
        )  # fmt: skip
        if reply.status == 422:
            said = (reply.json(self.where) or {}).get("error", "")
            raise PublishError(f"{self.where} refused {image.label} (422): {said}.", status=422)
        raise_for_status(reply, self.where, what=f"uploading {image.label}", hints={
            **self.hints, 403: "The access token lacks the write:media scope. " + NEW_TOKEN})  # fmt: skip
        media = reply.json(self.where) or {}
        media_id = str(media.get("id") or "")
        if not media_id:
            raise PublishError(f"{self.where} took {image.label} but gave it no id; try again.")
        deadline = time.monotonic() + PROCESSING_WAIT
        while not media.get("url"):  # 202: still being processed
            if time.monotonic() > deadline:
                raise PublishError(
                    f"{self.where} is still processing {image.label} after "
                    f"{PROCESSING_WAIT:.0f} seconds; publish again in a minute (it is not "
                    "uploaded twice)."
                )
            time.sleep(0.5)
            check = self.http.request(
                "GET", self._url(f"/api/v1/media/{media_id}"), where=self.where,
                headers=self._auth(self.secret or ""),
            )  # fmt: skip
            if check.status == 206:
                continue
            raise_for_status(check, self.where, what=f"checking {image.label}", hints=self.hints)
            media = check.json(self.where) or {}
        return str(media["url"]), media_id

    def status_text(self, post: Post) -> str:
        limit = int(self.cache.get("max_characters", DEFAULT_LIMIT))
        per_url = int(self.cache.get("characters_reserved_per_url", 23))
        tags = hashtags(post, post.plain)
        tail = f"\n\n{tags}" if tags else ""
        head = f"{post.title}\n\n{post.plain}".strip()
        if counted_length(head + tail, per_url) <= limit:
            return head + tail
        if not post.link:
            raise TooLarge(
                f"The entry is {counted_length(head + tail, per_url):,} characters, more than the "
                f"{limit:,} this Mastodon server allows, and it is not on a blog pkm could link "
                "to. Publish it to a blog target first (the post then links to it), or shorten it."
            )
        room = limit - counted_length(tail, per_url)
        return fit(head, room, post.link, per_url) + tail

    def _json(self, post: Post, *, edit: bool) -> str:
        data: dict[str, object] = {"status": self.status_text(post)}
        if post.images:  # uploaded by media_upload first; a dry run names what will be sent
            data["media_ids"] = [i.remote_id or f"(the id of {i.ref})" for i in post.images]
            if edit:  # the alt text may have changed since the upload: send it again
                data["media_attributes"] = [
                    {"id": i.remote_id, "description": i.alt} for i in post.images if i.remote_id
                ]
        if not edit:
            data["visibility"] = self.config.option("visibility", "public")
        if self.config.option("language"):
            data["language"] = self.config.option("language")
        return json_body(data)

    def _headers(self, secret: str, key: str = "") -> dict[str, str]:
        h = {**self._auth(secret), "Content-Type": "application/json; charset=utf-8"}
        if key:
            h["Idempotency-Key"] = key
        return h

    def plan(self, post: Post, *, remote: Remote | None, draft: bool, key: str) -> list[Request]:
        if remote and remote.remote_id:
            url = self._url(f"/api/v1/statuses/{remote.remote_id}")
            return [Request("PUT", url, self._headers(REDACTED), self._json(post, edit=True))]
        url = self._url("/api/v1/statuses")
        return [Request("POST", url, self._headers(REDACTED, key), self._json(post, edit=False))]

    def _remote(self, data: dict) -> Remote:
        return Remote(
            str(data.get("id", "")),
            str(data.get("url") or data.get("uri") or ""),
            str(data.get("visibility") or "posted"),
        )

    def _check(self, reply, what: str, creating: bool = False) -> None:
        if reply.status == 422:
            said = (reply.json(self.where) or {}).get("error", "")
            if re.search(r"character limit|too long", str(said), re.I):
                raise TooLarge(f"{self.where} refused the status as too long: {said}.")
            raise PublishError(f"{self.where} refused the status (422): {said}.", status=422)
        raise_for_status(reply, self.where, what=what, hints=self.hints, creating=creating)

    def create(self, post: Post, *, draft: bool, key: str) -> Remote:
        body = self._json(post, edit=False)
        self.say("Posting to Mastodon…")
        reply = self.http.request(
            "POST",
            self._url("/api/v1/statuses"),
            where=self.where,
            headers=self._headers(self.secret or "", key),
            content=body,
        )
        self._check(reply, "the status", creating=True)
        return self._remote(reply.json(self.where) or {})

    def update(self, post: Post, remote: Remote, *, draft: bool) -> Remote:
        body = self._json(post, edit=True)
        self.say("Editing the Mastodon status…")
        reply = self.http.request(
            "PUT",
            self._url(f"/api/v1/statuses/{remote.remote_id}"),
            where=self.where,
            headers=self._headers(self.secret or ""),
            content=body,
        )
        if reply.status in (404, 410):
            raise RemoteGone(
                f"The status this entry was posted as ({remote.url or remote.remote_id}) "
                f"no longer exists on {self.where}; it was deleted.",
                status=reply.status,
            )
        self._check(reply, "the edit")
        return self._remote(reply.json(self.where) or {})

    def _me(self) -> dict:
        reply = self.http.request(
            "GET",
            self._url("/api/v1/accounts/verify_credentials"),
            where=self.where,
            headers=self._auth(self.secret or ""),
        )
        raise_for_status(reply, self.where, what="signing in", hints=self.hints)
        return reply.json(self.where) or {}

    def find(self, post: Post, key: str) -> Remote | None:
        """Among the account's latest statuses, one with exactly this text."""
        me = self._me()
        reply = self.http.request(
            "GET",
            self._url(f"/api/v1/accounts/{me.get('id')}/statuses"),
            where=self.where,
            headers=self._auth(self.secret or ""),
            params={"limit": "20"},
        )
        raise_for_status(reply, self.where, what="reading your recent statuses", hints=self.hints)
        want = _normal(self.status_text(post))
        for status in reply.json(self.where) or []:
            if (
                isinstance(status, dict)
                and _normal(
                    html_to_text(re.sub(r"<br\s*/?>|</p>", "\n", str(status.get("content", ""))))
                )
                == want
            ):
                return self._remote(status)
        return None

    # ---- hearing back ----------------------------------------------------------------

    responses_note = ""
    MAX_PAGES = 10  # of 80 accounts each

    def _read(self, url: str, what: str, remote: Remote) -> Reply:
        reply = self.http.request(
            "GET", url, where=self.where, headers=self._auth(self.secret or "")
        )
        if reply.status in (404, 410):
            raise RemoteGone(
                f"The status this entry was posted as ({remote.url or remote.remote_id}) no "
                f"longer exists on {self.where}; it was deleted.",
                status=reply.status,
            )
        raise_for_status(reply, self.where, what=what, hints={
            **self.hints, 403: "The access token lacks the read:statuses scope. " + NEW_TOKEN})  # fmt: skip
        return reply

    def _accounts(self, remote: Remote, which: str, kind: str) -> list[Response]:
        """favourited_by / reblogged_by: accounts, paged by the Link header (rel="next")."""
        out: list[Response] = []
        url = self._url(f"/api/v1/statuses/{remote.remote_id}/{which}?limit=80")
        for _ in range(self.MAX_PAGES):
            reply = self._read(url, f"reading who {which.replace('_', ' ')} the status", remote)
            for acct in reply.json(self.where) or []:
                if isinstance(acct, dict) and acct.get("id"):
                    out.append(
                        Response(kind, str(acct["id"]), _who(acct), url=str(acct.get("url") or ""))
                    )
            url = _next_link(reply.headers.get("link", ""))
            if not url:
                break
        return out

    def responses(self, remote: Remote) -> list[Response]:
        """Replies (the status's context, descendants), favourites and boosts with who.

        Endpoints: GET /api/v1/statuses/:id/context, …/favourited_by, …/reblogged_by.
        Mastodon does not say when a favourite or boost was given, so they carry no time
        (pkm keeps when it first saw them). Replies by the user's own account are left out.
        """
        me = str(self._me().get("id") or "")
        context = (
            self._read(
                self._url(f"/api/v1/statuses/{remote.remote_id}/context"),
                "reading the replies",
                remote,
            ).json(self.where)
            or {}
        )
        out: list[Response] = []
        for st in context.get("descendants") or [] if isinstance(context, dict) else []:
            acct = st.get("account") or {} if isinstance(st, dict) else {}
            if not isinstance(st, dict) or not st.get("id") or str(acct.get("id")) == me:
                continue
            text = html_to_text(re.sub(r"<br\s*/?>|</p>", "\n", str(st.get("content", ""))))
            out.append(Response("reply", str(st["id"]), _who(acct), text.strip(),
                                str(st.get("url") or st.get("uri") or ""), _utc(st.get("created_at"))))  # fmt: skip
        out += self._accounts(remote, "favourited_by", "like")
        out += self._accounts(remote, "reblogged_by", "boost")
        return out

    def test(self) -> str:
        me = self._me()
        limit = self.cache.get("max_characters", DEFAULT_LIMIT)
        return f"Signed in to {self.where} as @{me.get('acct')}; statuses up to {limit} characters."


def _who(account: dict) -> str:
    name = str(account.get("display_name") or "").strip()
    acct = str(account.get("acct") or account.get("username") or "")
    return f"{name} (@{acct})" if name and acct else name or (f"@{acct}" if acct else "")


def _utc(value: object) -> str:
    """Mastodon's created_at ("2026-12-01T09:30:00.000Z") as pkm's ISO UTC text."""
    text = str(value or "")
    if not text:
        return ""
    try:
        return (
            dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            .astimezone(dt.UTC)
            .isoformat(timespec="seconds")
        )
    except ValueError:
        return ""


def _next_link(header: str) -> str:
    """The rel="next" URL of a Link header, as Mastodon pages lists."""
    for part in header.split(","):
        if 'rel="next"' in part and "<" in part:
            return part[part.index("<") + 1 : part.index(">")]
    return ""


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
