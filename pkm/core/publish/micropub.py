"""Micropub (W3C Recommendation): create an h-entry, update it with `action: update`.

The endpoint is discovered from the site: an HTTP `Link: <…>; rel="micropub"`
header first, else `<link rel="micropub" href="…">` in the page (or given as
--option endpoint=…). Requests are JSON with a bearer token. A create answers
201 Created (or 202 Accepted) with the post's URL in `Location`; that URL is
the remote id. An update replaces name, content and category and answers
200, 201 (with a new Location when the URL changed) or 204.

After an unanswered create, pkm asks the server for its recent posts
(`q=source` without a URL, the post-list extension many servers implement)
and looks for the marker comment it put in the content, or the same title
and text; a server without that extension makes the attempt "uncertain".

Images go to the site's media endpoint (`media-endpoint` from `q=config`, as
the spec's section 3.6 describes): multipart with the part `file`, answered
201 with the file's URL in `Location`. The post's content then shows each at
that URL, where the author put it. (They are not repeated in `photo`: that
property makes a photo post, and most themes would show each picture twice,
once from u-photo and once in e-content.) A server that offers no media
endpoint gets "[image: alt]" in the text, and the preview says so first.

A failure says whether trying again can help. Transient: no answer in time,
429, and 502/503/504 (a gateway or an overloaded server). Permanent: any
other 4xx, and a 5xx that gives a reason (Micropub servers answer
`{"error": …, "error_description": …}`): the same post would fail the same
way, so the message names the reason and who can fix it instead of
"try again later".
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

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
    UncertainOutcome,
    is_local_host,
    json_body,
)
from pkm.core.publish.http import Reply, multipart, raise_for_status, server_message
from pkm.core.publish.post_media import Image, MediaApi
from pkm.core.publish.render import html_to_text

NEW_TOKEN = (
    "Sign in to your site's token endpoint (IndieAuth) for a new token with the create and "
    "update scopes, and run 'pkm targets add NAME --kind micropub --secret-stdin --replace' again."
)


def link_header(value: str, rel: str) -> str:
    """The first URL in an RFC 8288 Link header whose rel list contains `rel`."""
    for m in re.finditer(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)", value):
        params = m.group(2)
        rels = re.search(r'rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))', params)
        if rels and rel in (rels.group(1) or rels.group(2) or "").split():
            return m.group(1)
    return ""


class _LinkFinder(HTMLParser):
    def __init__(self, rel: str) -> None:
        super().__init__()
        self.rel, self.href = rel, ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.href or tag not in ("link", "a"):
            return
        a = dict(attrs)
        if self.rel in (a.get("rel") or "").split() and a.get("href"):
            self.href = a["href"] or ""


def discover(reply: Reply, rel: str) -> str:
    """rel's URL from the Link header, else from <link>/<a> in the HTML; absolute."""
    for value in reply.headers.get_list("link"):
        found = link_header(value, rel)
        if found:
            return urljoin(reply.url, found)
    if "html" in reply.headers.get("content-type", ""):
        finder = _LinkFinder(rel)
        finder.feed(reply.text[:500_000])
        if finder.href:
            return urljoin(reply.url, finder.href)
    return ""


TRANSIENT = (502, 503, 504)


def check(
    reply: Reply, where: str, *, what: str, hints: dict[int, str], creating: bool = False
) -> None:
    """raise_for_status, with server errors told apart: transient, or permanent with a reason."""
    if reply.ok() or reply.status < 500:
        raise_for_status(reply, where, what=what, hints=hints, creating=creating)
        return
    s, reason = reply.status, server_message(reply)
    maybe = (
        " It may or may not have been posted; pkm checks before posting again." if creating else ""
    )
    if s in TRANSIENT:
        raise PublishError(
            f"{where} is unavailable for now ({s}, a temporary server error) with {what}.{maybe} "
            "Try again later.",
            status=s,
            uncertain=creating,
        )
    if reason:
        raise PublishError(
            f'{where} failed with {what} ({s}): "{reason}". This is an error on the site that '
            f"trying again will not fix.{maybe} Tell the site's owner (or check its Micropub "
            "plugin), then publish again.",
            status=s,
            uncertain=creating,
        )
    raise PublishError(
        f"{where} had a server error ({s}) with {what} and gave no reason.{maybe} Try again "
        "later; if it keeps failing, tell the site's owner.",
        status=s,
        uncertain=creating,
    )


def marker(key: str) -> str:
    return f"<!-- pkm:{key} -->"


class MicropubAdapter(Adapter):
    kind = "micropub"
    responses_note = (
        "Responses can't be read through Micropub itself. If your site receives Webmentions "
        "through webmention.io, add --option webmentions=https://webmention.io to read them."
    )
    label = "Micropub"
    media = MediaApi("the site's media endpoint")
    secret_label = "access token"
    can_edit = True
    can_find = True
    supports_draft = True
    options_help = {
        "endpoint": "the Micropub endpoint, when the site does not advertise it",
        "webmentions": "a webmention.io-compatible service that receives your site's "
        "Webmentions (https://webmention.io): replies, likes and reposts are read there",
    }

    @classmethod
    def check_options(cls, options, user) -> None:
        super().check_options(options, user)
        service = options.get("webmentions", "")
        parts = urlsplit(service)
        if service and not (
            parts.hostname
            and (
                parts.scheme == "https"
                or (parts.scheme == "http" and is_local_host(parts.hostname))
            )
        ):
            raise BadInput(
                f"'{service}' is not the address of a Webmention service: give an https:// "
                "address, for example --option webmentions=https://webmention.io."
            )

    # ---- hearing back: Webmentions (webmention.io's public API) ---------------------

    MENTION_KINDS = {"in-reply-to": "reply", "like-of": "like", "repost-of": "boost",
                     "mention-of": "comment"}  # fmt: skip
    MAX_PAGES = 10  # of 100 mentions each

    def responses_unreadable(self) -> str:
        return "" if self.config.option("webmentions") else self.responses_note

    def responses(self, remote: Remote) -> list[Response]:
        """Webmentions of the post's URL: GET {service}/api/mentions.jf2?target=URL, a JF2
        feed whose `children` carry `wm-id`, `wm-property` (in-reply-to, like-of,
        repost-of, mention-of), `author`, `url`, `published`/`wm-received` and `content`.
        Mentions are public, so no token is sent; bookmarks are not answers and stay out."""
        if not remote.url:
            return []
        base = self.config.option("webmentions").rstrip("/")
        out: list[Response] = []
        for page in range(self.MAX_PAGES):
            params = {"target": remote.url, "per-page": "100", "page": str(page)}
            reply = self.http.request(
                "GET", base + "/api/mentions.jf2", where=f"the Webmention service {base}",
                params=params,
            )  # fmt: skip
            raise_for_status(reply, f"the Webmention service {base}", what="reading mentions")
            data = reply.json(f"the Webmention service {base}") or {}
            items = data.get("children") or [] if isinstance(data, dict) else []
            for m in items:
                kind = (
                    self.MENTION_KINDS.get(str(m.get("wm-property")))
                    if isinstance(m, dict)
                    else None
                )
                if not kind or not m.get("wm-id"):
                    continue
                author = m.get("author") or {}
                content = m.get("content") or {}
                text = str(content.get("text") or html_to_text(str(content.get("html") or "")))
                at = _utc(str(m.get("published") or m.get("wm-received") or ""))
                out.append(Response(kind, str(m["wm-id"]), str(author.get("name") or ""),
                                    text.strip() if kind in ("reply", "comment") else "",
                                    str(m.get("url") or m.get("wm-source") or ""), at))  # fmt: skip
            if len(items) < 100:
                break
        return out

    hints = {
        401: "The token was not accepted (expired, revoked, or without the create/update "
        "scope). " + NEW_TOKEN,
        403: "The token's user may not post to this site. " + NEW_TOKEN,
    }

    @property
    def endpoint(self) -> str:
        return self.config.option("endpoint") or str(self.cache.get("endpoint", ""))

    def prepare(self) -> None:
        if not self.endpoint:
            self._discover_endpoint()
        if self.secret and "media_endpoint" not in self.cache:
            self._discover_media_endpoint()

    def _discover_media_endpoint(self) -> None:
        reply = self.http.request(
            "GET", self.endpoint, where=self.where, headers=self._headers(self.secret or ""),
            params={"q": "config"},
        )  # fmt: skip
        if not reply.ok():
            return  # a refused token or a hiccup says nothing about the site: ask next time
        try:
            data = reply.json(self.where)
        except PublishError:
            data = None
        found = data.get("media-endpoint") if isinstance(data, dict) else None
        self.remember(
            media_endpoint=urljoin(self.endpoint, found) if isinstance(found, str) else ""
        )

    def media_api(self) -> MediaApi | None:
        return None if self.cache.get("media_endpoint") == "" else self.media

    def upload_request(self, image: Image) -> Request:
        url = str(self.cache.get("media_endpoint") or "(the media endpoint from q=config)")
        headers = {"Authorization": f"Bearer {REDACTED}", "Content-Type": "multipart/form-data"}
        return Request(
            "POST", url, headers, f"file={image.filename} ({image.size:,} bytes of {image.ref})"
        )

    def upload_image(self, image: Image, data: bytes) -> tuple[str, str]:
        url = str(self.cache.get("media_endpoint") or "")
        ctype, body = multipart({}, "file", image.filename, image.mime, data)
        headers = {**self._headers(self.secret or ""), "Content-Type": ctype}
        reply = self.http.request("POST", url, where=self.where, headers=headers, content=body)
        check(reply, f"the media endpoint {url}", what=f"uploading {image.label}", hints=self.hints)
        location = reply.headers.get("location", "")
        if reply.status not in (201, 202) or not location:
            raise PublishError(
                f"The media endpoint {url} took {image.label} ({reply.status}) but did not say "
                "where it is (no Location header); check the site's Micropub plugin."
            )
        location = urljoin(url, location)
        return location, location

    def _discover_endpoint(self) -> None:
        self.say("Looking for the Micropub endpoint…")
        reply = self.http.request("GET", self.config.url, where=self.where)
        raise_for_status(reply, self.where, what="reading the site")
        found = discover(reply, "micropub")
        if not found:
            raise PublishError(
                f'{self.where} does not advertise a Micropub endpoint (no rel="micropub" link). '
                "Give it with --option endpoint=URL, or check the site's Micropub plugin."
            )
        self.remember(endpoint=found)

    def _headers(self, secret: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {secret}",
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
        }

    def _properties(self, post: Post, draft: bool, key: str) -> dict[str, list[Any]]:
        html = post.html + ("\n" + marker(key) if key else "")
        props: dict[str, list[Any]] = {
            "name": [post.title],
            "content": [{"html": html}],
            "category": list(post.tags),
            "post-status": ["draft" if draft else "published"],
        }
        return props

    def _body(self, post: Post, remote: Remote | None, draft: bool, key: str) -> str:
        if remote and remote.remote_id:
            return json_body(
                {
                    "action": "update",
                    "url": remote.remote_id,
                    "replace": self._properties(post, draft, ""),
                }
            )
        return json_body({"type": ["h-entry"], "properties": self._properties(post, draft, key)})

    def plan(self, post: Post, *, remote: Remote | None, draft: bool, key: str) -> list[Request]:
        url = self.endpoint or f"(the Micropub endpoint advertised by {self.config.url})"
        return [Request("POST", url, self._headers(REDACTED), self._body(post, remote, draft, key))]

    def create(self, post: Post, *, draft: bool, key: str) -> Remote:
        self.say("Posting to the Micropub endpoint…")
        reply = self.http.request(
            "POST",
            self.endpoint,
            where=self.where,
            headers=self._headers(self.secret or ""),
            content=self._body(post, None, draft, key),
        )
        check(reply, self.where, what="the post", hints=self.hints, creating=True)
        location = reply.headers.get("location", "")
        if reply.status not in (201, 202) or not location:
            raise PublishError(
                f"{self.where} accepted the post ({reply.status}) but did not say where it is "
                "(no Location header), so pkm cannot update it later. Check the site.",
            )
        location = urljoin(self.endpoint, location)
        return Remote(location, location, "draft" if draft else "published")

    def update(self, post: Post, remote: Remote, *, draft: bool) -> Remote:
        self.say("Updating the post…")
        reply = self.http.request(
            "POST",
            self.endpoint,
            where=self.where,
            headers=self._headers(self.secret or ""),
            content=self._body(post, remote, draft, ""),
        )
        said = _error(reply)
        if reply.status in (404, 410) or (
            reply.status == 400
            and re.search(r"not found|no such|does not exist|deleted", said, re.I)
        ):
            raise RemoteGone(
                f"The post this entry was published as ({remote.url}) no longer exists on "
                f"{self.where}; it was deleted.",
                status=reply.status,
            )
        check(reply, self.where, what="the update", hints=self.hints)
        location = reply.headers.get("location", "")
        url = urljoin(self.endpoint, location) if reply.status == 201 and location else remote.url
        return Remote(url, url, "draft" if draft else "published")

    def find(self, post: Post, key: str) -> Remote | None:
        reply = self.http.request(
            "GET",
            self.endpoint,
            where=self.where,
            headers=self._headers(self.secret or ""),
            params={"q": "source", "limit": "20"},
        )
        items = (reply.json(self.where) or {}).get("items") if reply.ok() else None
        if not isinstance(items, list):
            raise UncertainOutcome(
                f"The last attempt to post to {self.where} got no answer, and this server cannot "
                "list its recent posts, so pkm cannot tell whether it went through."
            )
        want_text = _normal(html_to_text(post.html))
        for item in items:
            props = item.get("properties", {}) if isinstance(item, dict) else {}
            content = props.get("content", [""])
            first = content[0] if content else ""
            html = (
                first.get("html") or first.get("value", "")
                if isinstance(first, dict)
                else str(first)
            )
            name = (props.get("name") or [""])[0]
            url = (props.get("url") or [""])[0]
            if url and (
                marker(key) in html
                or (name == post.title and _normal(html_to_text(html)) == want_text)
            ):
                return Remote(url, url, (props.get("post-status") or ["published"])[0])
        return None

    def test(self) -> str:
        reply = self.http.request(
            "GET",
            self.endpoint,
            where=self.where,
            headers=self._headers(self.secret or ""),
            params={"q": "config"},
        )
        check(reply, self.where, what="signing in", hints=self.hints)
        return f"The Micropub endpoint {self.endpoint} accepted the token."


def _error(reply: Reply) -> str:
    try:
        data = reply.json("")
    except PublishError:
        return reply.text[:200]
    if isinstance(data, dict):
        return f"{data.get('error', '')} {data.get('error_description', '')}".strip()
    return ""


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _utc(text: str) -> str:
    """An ISO 8601 time as ISO UTC text ("" if it is none)."""
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")
