"""MetaWeblog (and the older Blogger API) over XML-RPC, for blog engines without a REST API.

Marshalling is the standard library's `xmlrpc.client` (dumps/loads); the
transport is the shared bounded HTTP client, so timeouts, size limits and
"maybe sent" are handled as for every other target. The endpoint is --url
when it ends in .php or /xmlrpc, else --option endpoint, else found through
the site's RSD document (<link rel="EditURI">), else <site>/xmlrpc.php.

An edit always sends the whole post (title, text, keywords, categories):
MetaWeblog replaces what it is given, and an edit without `mt_keywords`
clears the tags. The password travels in the request body, never in a
header or URL; previews show it as ***.

Images go up first with `metaWeblog.newMediaObject` (name, type and the bytes
as base64), and the post's `<img>` points at the `url` it returns. The older
Blogger API has no such call: there the text says "[image: alt]", and the
preview says so first.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
import xmlrpc.client
from typing import Any
from xml.parsers.expat import ExpatError

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
    TargetAuthError,
    TargetForbidden,
)
from pkm.core.publish.http import raise_for_status
from pkm.core.publish.micropub import discover, marker
from pkm.core.publish.post_media import Image, MediaApi
from pkm.core.publish.render import html_to_text

APIS = ("metaweblog", "blogger")


class MetaWeblogAdapter(Adapter):
    kind = "metaweblog"
    responses_note = ""  # WordPress's wp.getComments; other engines say so when asked
    label = "MetaWeblog"
    needs_user = True
    can_edit = True
    can_find = True
    supports_draft = True
    options_help = {
        "endpoint": "the XML-RPC address, when the site does not advertise it",
        "blog_id": "the blog's id on the server (default: from the site, else 1)",
        "api": "metaweblog (default) or blogger (the older Blogger 1.0 API)",
        "categories": "comma-separated category names to file posts under",
    }
    media = MediaApi("the blog's media (metaWeblog.newMediaObject)")

    def media_api(self) -> MediaApi | None:
        return None if self.api == "blogger" else self.media

    def upload_request(self, image: Image) -> Request:
        struct = {"name": image.filename, "type": image.mime,
                  "bits": f"({image.size:,} bytes of {image.ref}, base64)"}  # fmt: skip
        params = (self.blog_id, self.config.user, REDACTED, struct)
        body = xmlrpc.client.dumps(params, methodname="metaWeblog.newMediaObject", encoding="utf-8")
        url = self.endpoint or f"(the XML-RPC address of {self.config.url})"
        return Request("POST", url, {"Content-Type": "text/xml; charset=utf-8"}, body)

    def upload_image(self, image: Image, data: bytes) -> tuple[str, str]:
        struct = {"name": image.filename, "type": image.mime, "bits": xmlrpc.client.Binary(data)}
        result = self.call(
            "metaWeblog.newMediaObject",
            (self.blog_id, self.config.user, self.secret or "", struct),
        )
        url = str(result.get("url") or "") if isinstance(result, dict) else ""
        if not url:
            raise PublishError(f"{self.where} took {image.label} but gave no address for it.")
        return url, str(result.get("id") or "")

    @classmethod
    def check_options(cls, options, user) -> None:
        super().check_options(options, user)
        if options.get("api", "metaweblog") not in APIS:
            raise BadInput(f"api must be one of: {', '.join(APIS)}.")

    @property
    def api(self) -> str:
        return self.config.option("api", "metaweblog")

    @property
    def endpoint(self) -> str:
        url = self.config.url
        if self.config.option("endpoint"):
            return self.config.option("endpoint")
        if re.search(r"(\.php|/xmlrpc|/rpc)/?$", url.split("?")[0]):
            return url
        return str(self.cache.get("endpoint", ""))

    @property
    def blog_id(self) -> str:
        return self.config.option("blog_id") or str(self.cache.get("blog_id", "1"))

    @property
    def where(self) -> str:
        return f"the blog at {self.config.url}"

    # ---- discovery -----------------------------------------------------------------

    def prepare(self) -> None:
        if self.endpoint:
            return
        self.say("Looking for the blog's XML-RPC address…")
        endpoint, blog_id = "", ""
        page = self.http.request("GET", self.config.url, where=self.where)
        rsd_url = discover(page, "EditURI") if page.ok() else ""
        if rsd_url:
            rsd = self.http.request("GET", rsd_url, where=self.where)
            if rsd.ok():
                endpoint, blog_id = _from_rsd(rsd.content, self.api)
        self.remember(
            endpoint=endpoint or self.config.url.rstrip("/") + "/xmlrpc.php", blog_id=blog_id or "1"
        )

    # ---- XML-RPC ---------------------------------------------------------------------

    def _params(
        self,
        method: str,
        post: Post | None,
        remote: Remote | None,
        draft: bool,
        key: str,
        password: str,
    ) -> tuple[Any, ...]:
        user = self.config.user
        publish = not draft
        if self.api == "blogger":
            content = f"<title>{_esc(post.title)}</title>{post.html}" if post else ""
            if key:
                content += "\n" + marker(key)
            if remote:
                return ("", remote.remote_id, user, password, content, publish)
            return ("", self.blog_id, user, password, content, publish)
        assert post is not None
        struct: dict[str, Any] = {
            "title": post.title,
            "description": post.html + ("\n" + marker(key) if key else ""),
            "mt_keywords": ", ".join(post.tags),  # always: an edit without it clears the tags
            "categories": [
                c.strip() for c in self.config.option("categories").split(",") if c.strip()
            ],
        }
        if remote:
            return (remote.remote_id, user, password, struct, publish)
        return (self.blog_id, user, password, struct, publish)

    def _method(self, edit: bool) -> str:
        if self.api == "blogger":
            return "blogger.editPost" if edit else "blogger.newPost"
        return "metaWeblog.editPost" if edit else "metaWeblog.newPost"

    def plan(self, post: Post, *, remote: Remote | None, draft: bool, key: str) -> list[Request]:
        edit = bool(remote and remote.remote_id)
        params = self._params(
            self._method(edit), post, remote if edit else None, draft, "" if edit else key, REDACTED
        )
        body = xmlrpc.client.dumps(params, methodname=self._method(edit), encoding="utf-8")
        url = self.endpoint or f"(the XML-RPC address of {self.config.url})"
        return [Request("POST", url, {"Content-Type": "text/xml; charset=utf-8"}, body)]

    def call(
        self,
        method: str,
        params: tuple[Any, ...],
        *,
        creating: bool = False,
        gone: Remote | None = None,
    ) -> Any:
        body = xmlrpc.client.dumps(params, methodname=method, encoding="utf-8")
        reply = self.http.request(
            "POST",
            self.endpoint,
            where=self.where,
            headers={"Content-Type": "text/xml; charset=utf-8"},
            content=body,
        )
        raise_for_status(
            reply,
            self.where,
            what=method,
            creating=creating,
            hints={
                404: "There is no XML-RPC service at that address; give the right one with "
                "--option endpoint=URL (often …/xmlrpc.php).",
                405: "XML-RPC is turned off on this blog (a security plugin or the host); "
                "turn it on, or use the wordpress kind for WordPress sites.",
            },
        )
        try:
            (result,), _ = xmlrpc.client.loads(reply.content, use_builtin_types=True)
        except xmlrpc.client.Fault as fault:
            raise self._fault(fault, method, gone) from None
        except (ExpatError, ValueError, xmlrpc.client.ResponseError):
            raise PublishError(
                f"{self.where} did not answer in XML-RPC at {self.endpoint}. Check the address "
                "(it usually ends in /xmlrpc.php) or give it with --option endpoint=URL."
            ) from None
        return result

    def _fault(self, fault: xmlrpc.client.Fault, method: str, gone: Remote | None) -> PublishError:
        text = "".join(ch for ch in str(fault.faultString) if ch.isprintable())[:200]
        code = fault.faultCode
        if re.search(
            r"incorrect username or password|invalid login|bad login|authenticat", text, re.I
        ):
            return TargetAuthError(
                f"{self.where} refused the user name or password for '{self.config.user}' "
                f"({code}: {text}). For WordPress use an application password (Users → Profile); "
                "then run 'pkm targets add … --secret-stdin --replace' again.",
                status=code if isinstance(code, int) else None,
            )
        if gone is not None and (
            code == 404 or re.search(r"invalid post|not exist|not found", text, re.I)
        ):
            return RemoteGone(
                f"The post this entry was published as (id {gone.remote_id}) no longer exists on "
                f"{self.where}; it was deleted."
            )
        if re.search(r"disabled", text, re.I) or code == 405:
            return PublishError(
                f"{self.where}: XML-RPC is turned off ({text}). Turn it on in the blog."
            )
        if code in (401, 403):
            return TargetForbidden(
                f"{self.where} refused {method} for '{self.config.user}' ({code}: {text}). "
                "The account may lack the role to publish; try --draft or ask for a higher role."
            )
        return PublishError(f"{self.where} refused {method} ({code}: {text}).")

    # ---- the protocol ----------------------------------------------------------------

    def _url_of(self, postid: str) -> tuple[str, str]:
        if self.api == "blogger":
            return "", ""
        data = self.call("metaWeblog.getPost", (postid, self.config.user, self.secret or ""))
        data = data if isinstance(data, dict) else {}
        return str(data.get("permaLink") or data.get("link") or ""), str(
            data.get("post_status", "")
        )

    def create(self, post: Post, *, draft: bool, key: str) -> Remote:
        method = self._method(False)
        self.say("Posting to the blog…")
        postid = str(
            self.call(
                method,
                self._params(method, post, None, draft, key, self.secret or ""),
                creating=True,
            )
        )
        url, status = self._url_of(postid)
        return Remote(postid, url, status or ("draft" if draft else "publish"))

    def update(self, post: Post, remote: Remote, *, draft: bool) -> Remote:
        method = self._method(True)
        self.say("Updating the blog post…")
        self.call(
            method, self._params(method, post, remote, draft, "", self.secret or ""), gone=remote
        )
        url, status = self._url_of(remote.remote_id)
        return Remote(
            remote.remote_id, url or remote.url, status or ("draft" if draft else "publish")
        )

    def find(self, post: Post, key: str) -> Remote | None:
        if self.api == "blogger":
            posts = self.call(
                "blogger.getRecentPosts",
                ("", self.blog_id, self.config.user, self.secret or "", 20),
            )
        else:
            posts = self.call(
                "metaWeblog.getRecentPosts", (self.blog_id, self.config.user, self.secret or "", 20)
            )
        for item in posts or []:
            if not isinstance(item, dict):
                continue
            text = str(item.get("description") or item.get("content") or "")
            if marker(key) in text:
                postid = str(item.get("postid") or item.get("postId") or "")
                return Remote(
                    postid,
                    str(item.get("permaLink") or item.get("link") or ""),
                    str(item.get("post_status") or ""),
                )
        return None

    # ---- hearing back ------------------------------------------------------------------

    def responses_unreadable(self) -> str:
        if self.api == "blogger":
            return (
                "Responses can't be read through the Blogger API; if the blog offers "
                "MetaWeblog, leave out --option api=blogger."
            )
        return ""

    def responses(self, remote: Remote) -> list[Response]:
        """Comments through WordPress's XML-RPC (`wp.getComments`, pending ones too for an
        author who may moderate); the author's own answers are left out. Other MetaWeblog
        engines have no such call, and the error says so."""
        user, password = self.config.user, self.secret or ""
        try:
            me = self.call("wp.getProfile", (self.blog_id, user, password))
            comments = self.call(
                "wp.getComments",
                (self.blog_id, user, password, {"post_id": int(remote.remote_id), "number": 1000}),
                gone=remote,
            )
        except PublishError as exc:
            if re.search(r"-32601|does not exist|not supported|unknown method", str(exc), re.I):
                raise PublishError(
                    f"{self.where} cannot list comments over XML-RPC (only WordPress offers "
                    "wp.getComments), so responses can't be read from it."
                ) from None
            raise
        mine = str((me or {}).get("user_id", "")) if isinstance(me, dict) else ""
        out: list[Response] = []
        for c in comments or []:
            if not isinstance(c, dict) or (mine and str(c.get("user_id")) == mine):
                continue
            when = c.get("date_created_gmt")
            at = (
                when.replace(tzinfo=dt.UTC).isoformat(timespec="seconds")
                if isinstance(when, dt.datetime)
                else ""
            )
            out.append(
                Response(
                    "comment",
                    str(c.get("comment_id")),
                    str(c.get("author") or ""),
                    html_to_text(str(c.get("content") or "")).strip(),
                    str(c.get("link") or ""),
                    at,
                    "pending" if c.get("status") == "hold" else "",
                )
            )
        return out

    def test(self) -> str:
        blogs = self.call("blogger.getUsersBlogs", ("", self.config.user, self.secret or ""))
        names = ", ".join(
            f"{b.get('blogName')} (id {b.get('blogid')})"
            for b in blogs or []
            if isinstance(b, dict)
        )
        return f"Signed in to {self.where} as '{self.config.user}' at {self.endpoint}; blogs: {names or 'none'}."


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _from_rsd(content: bytes, api: str) -> tuple[str, str]:
    try:
        root = ET.fromstring(content)
    except ET.ParseError:
        return "", ""
    wanted = {"metaweblog": "metaweblog", "blogger": "blogger"}[api]
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] == "api" and (el.get("name") or "").lower() == wanted:
            return el.get("apiLink") or "", el.get("blogID") or ""
    return "", ""
