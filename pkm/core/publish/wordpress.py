"""WordPress through its REST API (/wp/v2/posts), signed in with an application password.

The API root is discovered from the site, as WordPress documents: the
`Link: <…>; rel="https://api.w.org/"` header (or the same <link> in the page).
Sites without pretty permalinks announce `…/?rest_route=/`, and every route
then goes into that query parameter instead of the path. Tags and categories
are sent by name: pkm looks each one up and creates it when missing.

Sign-in failures are told apart, because each needs a different fix. When
WordPress names the problem (`incorrect_password`, `invalid_username`) pkm
says so. Often it cannot (WordPress 6.1 answers a plain "not logged in" for
a wrong password, a wrong user *and* a missing Authorization header), so pkm
looks further. The REST root's `authentication` hints say whether the site
offers application passwords at all (WordPress does only over HTTPS or on a
"local" site, unless a plugin turns them off). A secret that is not shaped
like an application password (WordPress makes them 24 letters and digits,
shown in groups of four) and that XML-RPC accepts is the login password:
the commonest mistake, and not a host problem. Only an application password
that works over XML-RPC, where the credentials travel in the body, means
the web host strips the Authorization header; one refused there and a
public author page tell a wrong password from an unknown user.

Each new post carries an invisible marker comment with the idempotency key,
so after an unanswered attempt pkm searches for it before posting again.

Images go to the media library first (`POST /wp/v2/media`, the file as the body
with `Content-Disposition: attachment; filename=…`, its alt text as `alt_text`),
and the post's `<img>` then points at the `source_url` WordPress gave. WordPress
takes JPEG, PNG, GIF and WebP (5.8+) by default; how large depends on the
host's PHP settings, which WordPress does not publish, so its refusal is told
in its own words.
"""

from __future__ import annotations

import base64
import html
import re
import shlex
import xmlrpc.client
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

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
    json_body,
)
from pkm.core.publish.http import Reply, raise_for_status
from pkm.core.publish.micropub import discover, marker
from pkm.core.publish.post_media import Image, MediaApi
from pkm.core.publish.render import html_to_text

API_REL = "https://api.w.org/"


def looks_like_application_password(secret: str | None) -> bool:
    """WordPress makes application passwords of 24 letters and digits and shows them in groups
    of four ("abcd EFGH 1234 …"); it ignores the spaces. A login password rarely has that shape
    (one of exactly 24 letters and digits is taken for an application password)."""
    text = (secret or "").strip()
    return bool(re.fullmatch(r"[A-Za-z0-9 ]+", text)) and len(text.replace(" ", "")) == 24


class WordPressAdapter(Adapter):
    kind = "wordpress"
    label = "WordPress"
    needs_user = True
    secret_label = "application password"
    can_edit = True
    can_find = True
    supports_draft = True
    options_help = {
        "categories": "comma-separated category names (created when missing)",
        "api_root": "the REST API root, when the site does not advertise it",
    }
    media = MediaApi("the WordPress media library")

    # ---- addresses -----------------------------------------------------------------

    @property
    def api_root(self) -> str:
        return self.config.option("api_root") or str(self.cache.get("api_root", ""))

    def route(self, path: str, params: dict[str, str] | None = None) -> str:
        """Build the URL of `/wp/v2/...` under either form of API root."""
        root = self.api_root or self.config.url.rstrip("/") + "/wp-json/"
        query = urlencode(params or {})
        if "rest_route=" in root:
            base = root.split("?", 1)[0]
            url = f"{base}?rest_route={quote('/' + path.strip('/'), safe='/')}"
            return url + (f"&{query}" if query else "")
        return root.rstrip("/") + "/" + path.strip("/") + (f"?{query}" if query else "")

    def _auth(self, secret: str) -> dict[str, str]:
        token = base64.b64encode(f"{self.config.user}:{secret}".encode()).decode("ascii")
        return {"Authorization": f"Basic {token}", "Accept": "application/json"}

    def prepare(self) -> None:
        if self.api_root:
            return
        self.say("Looking for the WordPress REST API…")
        reply = self.http.request("GET", self.config.url, where=self.where)
        root = discover(reply, API_REL) if reply.status < 500 else ""
        if not root:
            probe = self.http.request(
                "GET", self.config.url.rstrip("/") + "/?rest_route=/", where=self.where
            )
            if probe.ok() and "wp/v2" in probe.text:
                root = self.config.url.rstrip("/") + "/?rest_route=/"
        if not root:
            raise PublishError(
                f"{self.where} does not look like a WordPress site with the REST API (no "
                f'rel="{API_REL}" link). Check the address, or give the API root with '
                "--option api_root=URL."
            )
        self.remember(api_root=root)

    # ---- requests ------------------------------------------------------------------

    def _body(self, post: Post, draft: bool, key: str, tags: list[Any], cats: list[Any]) -> str:
        data: dict[str, Any] = {
            "title": post.title,
            "content": post.html + ("\n" + marker(key) if key else ""),
            "status": "draft" if draft else "publish",
            "tags": tags,
        }
        if cats:
            data["categories"] = cats
        return json_body(data)

    def _categories(self) -> list[str]:
        return [c.strip() for c in self.config.option("categories").split(",") if c.strip()]

    def plan(self, post: Post, *, remote: Remote | None, draft: bool, key: str) -> list[Request]:
        edit = bool(remote and remote.remote_id)
        url = self.route(f"wp/v2/posts/{remote.remote_id}" if edit else "wp/v2/posts")  # type: ignore[union-attr]
        headers = {
            "Authorization": f"Basic {REDACTED}",
            "Accept": "application/json",
            "Content-Type": "application/json; charset=utf-8",
        }
        body = self._body(post, draft, "" if edit else key, list(post.tags), self._categories())
        note = "tag and category names are sent as their ids, created when missing"
        return [
            Request("POST", url, headers, body, note if post.tags or self._categories() else "")
        ]

    def _call(
        self,
        method: str,
        url: str,
        *,
        body: str | None = None,
        what: str,
        creating: bool = False,
        hints: dict[int, str] | None = None,
    ) -> Reply:
        headers = self._auth(self.secret or "")
        if body is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        reply = self.http.request(method, url, where=self.where, headers=headers, content=body)
        if reply.status == 401:
            raise self.diagnose_401(reply)
        raise_for_status(
            reply,
            self.where,
            what=what,
            creating=creating,
            hints={
                403: "The user may not do this; a Contributor can only save drafts (--draft), "
                "an Author cannot create categories.",
                404: "The REST API route was not found; check the address or --option api_root.",
                **(hints or {}),
            },
        )
        return reply

    def _term_ids(self, taxonomy: str, names: list[str]) -> list[int]:
        ids = []
        for name in names:
            self.say(
                f"Looking up {taxonomy[:-1] if taxonomy != 'categories' else 'category'} '{name}'…"
            )
            found = self._call(
                "GET",
                self.route(f"wp/v2/{taxonomy}", {"search": name, "per_page": "100"}),
                what=f"reading {taxonomy}",
            ).json(self.where)
            match = next(
                (
                    t["id"]
                    for t in found or []
                    if isinstance(t, dict)
                    and html.unescape(str(t.get("name", ""))).casefold() == name.casefold()
                ),
                None,
            )
            if match is None:
                reply = self.http.request(
                    "POST",
                    self.route(f"wp/v2/{taxonomy}"),
                    where=self.where,
                    headers={**self._auth(self.secret or ""), "Content-Type": "application/json"},
                    content=json_body({"name": name}),
                )
                data = reply.json(self.where) or {}
                if reply.status == 400 and data.get("code") == "term_exists":
                    match = int(data.get("data", {}).get("term_id"))
                else:
                    if reply.status == 401:
                        raise self.diagnose_401(reply)
                    raise_for_status(
                        reply,
                        self.where,
                        what=f"creating the {taxonomy} '{name}'",
                        hints={
                            403: f"The user may not create {taxonomy}; create "
                            f"'{name}' in WordPress, or ask for the Editor role."
                        },
                    )
                    match = int(data["id"])
            ids.append(int(match))
        return ids

    def _send(self, post: Post, remote: Remote | None, *, draft: bool, key: str) -> Remote:
        tags = self._term_ids("tags", list(post.tags))
        cats = self._term_ids("categories", self._categories())
        body = self._body(post, draft, key, tags, cats)
        if remote:
            self.say("Updating the WordPress post…")
            url, what = self.route(f"wp/v2/posts/{remote.remote_id}"), "the update"
        else:
            self.say("Creating the WordPress post…")
            url, what = self.route("wp/v2/posts"), "the new post"
        reply = self._call("POST", url, body=body, what=what, creating=remote is None)
        data = reply.json(self.where) or {}
        return Remote(str(data.get("id")), str(data.get("link", "")), str(data.get("status", "")))

    def create(self, post: Post, *, draft: bool, key: str) -> Remote:
        return self._send(post, None, draft=draft, key=key)

    # ---- images --------------------------------------------------------------------

    def _media_headers(self, image: Image) -> dict[str, str]:
        return {
            "Content-Type": image.mime,
            "Content-Disposition": f'attachment; filename="{image.filename}"',
        }

    def upload_request(self, image: Image) -> Request:
        headers = {"Authorization": f"Basic {REDACTED}", **self._media_headers(image)}
        url = self.route("wp/v2/media", {"alt_text": image.alt} if image.alt else None)
        return Request("POST", url, headers, f"({image.size:,} bytes of {image.ref})")

    def upload_image(self, image: Image, data: bytes) -> tuple[str, str]:
        url = self.route("wp/v2/media", {"alt_text": image.alt} if image.alt else None)
        headers = {**self._auth(self.secret or ""), **self._media_headers(image)}
        reply = self.http.request("POST", url, where=self.where, headers=headers, content=data)
        if reply.status == 401:
            raise self.diagnose_401(reply)
        raise_for_status(
            reply,
            self.where,
            what=f"uploading {image.label}",
            hints={
                403: "The user may not upload files (an Author or Editor may; a Contributor "
                "may not): ask for the Author role, or remove the image from the post.",
                413: "The image is larger than this site accepts; add a smaller copy.",
            },
        )
        data_ = reply.json(self.where) or {}
        source = str(data_.get("source_url") or "")
        if not source:
            raise PublishError(
                f"{self.where} took {image.label} but gave no address for it; publish again."
            )
        return source, str(data_.get("id", ""))

    def update(self, post: Post, remote: Remote, *, draft: bool) -> Remote:
        reply = self.http.request(
            "GET",
            self.route(f"wp/v2/posts/{remote.remote_id}", {"context": "edit"}),
            where=self.where,
            headers=self._auth(self.secret or ""),
        )
        gone = reply.status in (404, 410)
        if reply.status == 401:
            raise self.diagnose_401(reply)
        if not gone:
            raise_for_status(reply, self.where, what="reading the post")
        if gone or (reply.json(self.where) or {}).get("status") == "trash":
            where = (
                "was deleted" if gone else "is in the trash (restore it in WordPress to keep it)"
            )
            raise RemoteGone(
                f"The post this entry was published as ({remote.url or 'id ' + remote.remote_id}) "
                f"{where} on {self.where}.",
                status=reply.status,
            )
        return self._send(post, remote, draft=draft, key="")

    def find(self, post: Post, key: str) -> Remote | None:
        url = self.route(
            "wp/v2/posts", {"search": key, "status": "any", "context": "edit", "per_page": "10"}
        )
        for item in self._call("GET", url, what="searching posts").json(self.where) or []:
            raw = (item.get("content") or {}).get("raw", "") if isinstance(item, dict) else ""
            if marker(key) in raw:
                return Remote(
                    str(item.get("id")), str(item.get("link", "")), str(item.get("status", ""))
                )
        return None

    def test(self) -> str:
        me = (
            self._call(
                "GET", self.route("wp/v2/users/me", {"context": "edit"}), what="signing in"
            ).json(self.where)
            or {}
        )
        roles = ", ".join(me.get("roles", [])) or "unknown role"
        return f"Signed in to {self.where} as {me.get('name') or self.config.user} ({roles}); API at {self.api_root}."

    # ---- hearing back ----------------------------------------------------------------

    responses_note = ""
    MAX_COMMENT_PAGES = 10  # 1,000 comments: more is not a reflection's audience

    def responses(self, remote: Remote) -> list[Response]:
        """The post's comments (`GET wp/v2/comments?post=ID`), pending ones too: signed in
        as the author, `status=all` with `context=edit` lists approved and held comments
        (spam and trash stay out). A user who may not moderate sees the approved ones.
        The author's own answers in the thread are left out."""
        me = (
            self._call("GET", self.route("wp/v2/users/me"), what="signing in").json(self.where)
            or {}
        )
        out: list[Response] = []
        params = {"post": remote.remote_id, "status": "all", "context": "edit",
                  "per_page": "100", "orderby": "date_gmt", "order": "asc"}  # fmt: skip
        page = 1
        while page <= self.MAX_COMMENT_PAGES:
            url = self.route("wp/v2/comments", {**params, "page": str(page)})
            reply = self.http.request(
                "GET", url, where=self.where, headers=self._auth(self.secret or "")
            )
            if reply.status in (400, 403) and "status" in params:  # may not moderate
                params = {k: v for k, v in params.items() if k not in ("status", "context")}
                continue
            if reply.status == 400 and page > 1:  # past the last page
                break
            raise_for_status(reply, self.where, what="reading the comments",
                             hints={404: "The REST API has no comments route here."})  # fmt: skip
            items = reply.json(self.where) or []
            for c in items if isinstance(items, list) else []:
                if not isinstance(c, dict) or (me.get("id") and c.get("author") == me.get("id")):
                    continue
                raw = (c.get("content") or {}).get("raw") or (c.get("content") or {}).get(
                    "rendered", ""
                )
                when = str(c.get("date_gmt") or "")
                out.append(
                    Response(
                        kind="comment",
                        remote_id=str(c.get("id")),
                        author=str(c.get("author_name") or ""),
                        text=html_to_text(str(raw)).strip(),
                        url=str(c.get("link") or ""),
                        at=when + "+00:00" if when and "+" not in when else when,
                        status="pending" if c.get("status") in ("hold", "unapproved") else "",
                    )
                )
            pages = reply.headers.get("x-wp-totalpages", "1")
            if not pages.isdigit() or page >= int(pages):
                break
            page += 1
        return out

    # ---- telling sign-in failures apart ----------------------------------------------

    def diagnose_401(self, reply: Reply) -> PublishError:
        user, url = self.config.user, self.config.url
        again = (
            f"run 'pkm targets add {self.config.name} --kind wordpress --url {url} "
            f"--user {shlex.quote(user)} --secret-stdin --replace' again"
        )
        try:
            code = str((reply.json(self.where) or {}).get("code", ""))
        except PublishError:
            code = ""
        wrong_password = TargetAuthError(
            f"WordPress at {url} refused the application password for user '{user}' (401). "
            f"Create a new application password in Users → Profile and {again}.",
            status=401,
        )
        unknown_user = TargetAuthError(
            f"WordPress at {url} has no user '{user}' (401). Use your WordPress login name (not "
            f"the application password's name) with --user and {again}.",
            status=401,
        )
        if code in ("invalid_username", "invalid_email"):
            return unknown_user
        if code.startswith("application_passwords_disabled"):
            return TargetAuthError(
                f"WordPress at {url} has application passwords turned off (401; often a security "
                "plugin, or a site without HTTPS). Turn them on, or use --kind metaweblog.",
                status=401,
            )
        self.say("Finding out why WordPress did not accept the sign-in…")
        if self._offers_application_passwords() is False:
            return TargetAuthError(
                f"WordPress at {url} does not offer application passwords (its REST API lists "
                "no application-passwords sign-in): WordPress offers them only over HTTPS, and a "
                "security plugin may have turned them off. Use the site's https:// address, turn "
                "them on, or add this blog with --kind metaweblog instead.",
                status=401,
            )
        if not looks_like_application_password(self.secret):
            if self._xmlrpc_login() == "ok":
                return TargetAuthError(
                    f"WordPress at {url} did not accept the sign-in: that is the login password "
                    f"of '{user}', and pkm needs an application password instead (it works only "
                    "for pkm and can be revoked alone). In WordPress, open Users → Profile → "
                    f"Application Passwords, add one named 'pkm', and {again} with it.",
                    status=401,
                )
            return TargetAuthError(
                f"WordPress at {url} did not accept the sign-in for '{user}' (401), and what was "
                "given is not an application password: WordPress shows those once, as six groups "
                "of four letters and digits. Create one in Users → Profile → Application "
                f"Passwords and {again} with it.",
                status=401,
            )
        if code == "incorrect_password":
            return wrong_password
        verdict = self._xmlrpc_login()
        if verdict == "ok":
            return TargetAuthError(
                f"WordPress at {url} never received the sign-in: the web host strips the "
                "Authorization header (the same user name and application password work over "
                "XML-RPC). Ask the host to pass it to PHP (Apache: 'CGIPassAuth On' in .htaccess), "
                "or add this blog with --kind metaweblog instead.",
                status=401,
            )
        if verdict == "refused":
            exists = self._user_exists()
            if exists is True:
                return wrong_password
            if exists is False:
                return unknown_user
        return TargetAuthError(
            f"WordPress at {url} did not accept the sign-in for '{user}' (401): the user name or "
            "application password is wrong, or the web host strips the Authorization header. "
            f"Check both and {again}.",
            status=401,
        )

    def _offers_application_passwords(self) -> bool | None:
        """The REST root's `authentication` lists `application-passwords` when the site offers
        them (WordPress 5.6+); None when the root cannot be read."""
        root = self.api_root or self.config.url.rstrip("/") + "/wp-json/"
        try:
            reply = self.http.request("GET", root, where=self.where)
            data = reply.json(self.where) if reply.ok() else None
        except PublishError:
            return None
        if not isinstance(data, dict) or "namespaces" not in data:
            return None
        auth = data.get("authentication")
        return isinstance(auth, dict) and "application-passwords" in auth

    def _xmlrpc_login(self) -> str:
        body = xmlrpc.client.dumps(
            ("", self.config.user, self.secret or ""), "blogger.getUsersBlogs"
        )
        try:
            reply = self.http.request(
                "POST",
                self.config.url.rstrip("/") + "/xmlrpc.php",
                where=self.where,
                headers={"Content-Type": "text/xml; charset=utf-8"},
                content=body,
            )
            xmlrpc.client.loads(reply.content)
        except xmlrpc.client.Fault as fault:
            return "refused" if fault.faultCode == 403 else "unknown"
        except Exception:
            return "unknown"
        return "ok" if reply.ok() else "unknown"

    def _user_exists(self) -> bool | None:
        """A public author page answers 200 for an existing user and 404 for an unknown one."""
        user = self.config.user
        if "@" in user:
            return None
        slug = re.sub(r"[^a-z0-9_-]+", "-", user.lower()).strip("-")
        base = self.config.url.rstrip("/") + "/"
        try:
            reply = self.http.request("GET", base, where=self.where, params={"author_name": slug})
        except PublishError:
            return None
        if reply.status == 404 and urlsplit(reply.url).hostname == urlsplit(base).hostname:
            return False
        return True if reply.ok() else None
