"""Protocol doubles: small real HTTP servers on 127.0.0.1 that follow each protocol's contract.

Each keeps state (posts, statuses, messages) and answers with the documented
status codes, headers and error bodies. Tests inject failures in order with
`fail_next`: an HTTP error, a connection dropped before the request is
handled, one dropped *after* it was handled (the server accepted the post but
never answered), or a stall until the client times out.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.publish.validators import slack_problems, teams_problems


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    target: str = ""  # the request target as sent: path and query

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}

    def parts(self) -> dict[str, tuple[str, str, bytes]]:
        """A multipart/form-data body (RFC 7578): name -> (filename, content type, bytes)."""
        ctype = self.headers.get("Content-Type", "")
        assert ctype.startswith("multipart/form-data; boundary="), ctype
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {ctype}\r\n\r\n".encode() + self.body
        )
        out = {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            out[name] = (part.get_filename() or "", part.get_content_type(),
                         part.get_payload(decode=True))  # fmt: skip
        return out


@dataclass
class Failure:
    method: str = "POST"
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    mode: str = "status"  # status | drop-before | drop-after | stall-after


@dataclass
class Reply:
    status: int
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)


class ProtocolServer:
    """Base: subclasses implement `handle(req) -> Reply`."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.failures: list[Failure] = []
        self.release = threading.Event()
        self.lock = threading.Lock()
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                double._dispatch(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # shutdown() waits up to one poll interval: serve_forever's default 0.5 s made
        # every test that closes a double half a second slower.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def fail_next(self, status: int = 0, *, method: str = "POST", mode: str = "status",
                  headers: dict[str, str] | None = None, body: Any = b"") -> None:  # fmt: skip
        headers = dict(headers or {})
        if isinstance(body, dict | list):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        elif isinstance(body, str):
            body = body.encode()
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        self.failures.append(Failure(method, status, headers, body, mode))

    def writes(self, method: str = "POST") -> list[Recorded]:
        return [r for r in self.requests if r.method == method]

    # ---- plumbing --------------------------------------------------------------------

    def _dispatch(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        req = Recorded(
            h.command, parts.path, parse_qs(parts.query), dict(h.headers.items()), body, h.path
        )
        with self.lock:
            self.requests.append(req)
            failure = next((f for f in self.failures if f.method == h.command), None)
            if failure:
                self.failures.remove(failure)
        if failure and failure.mode == "drop-before":
            h.close_connection = True
            return
        if failure and failure.mode == "status":
            self._write(h, Reply(failure.status, failure.body, failure.headers))
            return
        with self.lock:
            reply = self.handle(req)
        if failure and failure.mode == "drop-after":
            h.close_connection = True
            return
        if failure and failure.mode == "stall-after":
            self.release.wait(10)
            h.close_connection = True
            return
        self._write(h, reply)

    def _write(self, h: BaseHTTPRequestHandler, reply: Reply) -> None:
        body = reply.body
        headers = dict(reply.headers)
        if isinstance(body, dict | list):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        elif isinstance(body, str):
            body = body.encode()
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        h.send_response(reply.status)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)

    def handle(self, req: Recorded) -> Reply:
        raise NotImplementedError

    @staticmethod
    def bearer(req: Recorded) -> str:
        auth = req.headers.get("Authorization", "")
        return auth[7:] if auth.startswith("Bearer ") else ""


class Proxy(ProtocolServer):
    """Forwards to a real server (WordPress), so failures can be injected in front of it."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        super().__init__()

    def handle(self, req: Recorded) -> Reply:
        import http.client

        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
        try:
            headers = {
                k: v for k, v in req.headers.items() if k.lower() not in ("host", "connection")
            }
            headers["Host"] = self.upstream.netloc
            conn.request(req.method, req.target, body=req.body or None, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            skip = ("transfer-encoding", "connection", "content-length", "keep-alive")
            out = {k: v for k, v in resp.getheaders() if k.lower() not in skip}
            return Reply(resp.status, body, out)
        finally:
            conn.close()


# ---- Mastodon ---------------------------------------------------------------------------


class Mastodon(ProtocolServer):
    """POST/PUT /api/v1/statuses, Idempotency-Key, /api/v2/instance limits, 401/404/422.

    Hearing back, as https://docs.joinmastodon.org/methods/statuses/ documents them:

    - ``GET /api/v1/statuses/:id/context``: ``{"ancestors": [Status], "descendants":
      [Status]}``; descendants are the replies in the thread, each with ``account``,
      ``content`` (HTML), ``created_at`` (ISO 8601, ``Z``), ``url``, ``in_reply_to_id``.
    - ``GET /api/v1/statuses/:id/favourited_by`` and ``…/reblogged_by``: ``[Account]``
      (``id``, ``username``, ``acct``, ``display_name``, ``url``), at most ``limit``
      (default 40, max 80) per page, the next page in ``Link: <…>; rel="next"``
      (``max_id``). No time is given for a favourite or a boost.
    - 404 ``{"error": "Record not found"}`` for a deleted status.
    """

    def __init__(self, token: str = "mastodon-token-123", limit: int = 500) -> None:
        self.token, self.limit = token, limit
        self.statuses: dict[str, dict[str, Any]] = {}
        self.replies: dict[str, list[dict[str, Any]]] = {}
        self.favourites: dict[str, list[dict[str, Any]]] = {}
        self.reblogs: dict[str, list[dict[str, Any]]] = {}
        self.keys: dict[str, str] = {}
        self.next_id = 100
        self.media: dict[str, dict[str, Any]] = {}  # id -> attachment (with "data", "status_id")
        self.processing_polls = 0  # answer 202, then 206 this many times, before the URL
        self.image_size_limit = 16 * 1024 * 1024
        super().__init__()

    def handle(self, req: Recorded) -> Reply:
        if req.path == "/api/v2/instance":
            return Reply(
                200,
                {
                    "domain": "social.example",
                    "configuration": {
                        "statuses": {
                            "max_characters": self.limit,
                            "characters_reserved_per_url": 23,
                            "max_media_attachments": 4,
                        },
                        "media_attachments": {
                            "supported_mime_types": ["image/jpeg", "image/png", "image/gif",
                                                     "image/webp", "video/mp4"],
                            "image_size_limit": self.image_size_limit,
                        },
                    },
                },
            )  # fmt: skip
        if self.bearer(req) != self.token:
            return Reply(401, {"error": "The access token is invalid"})
        if req.path == "/api/v1/accounts/verify_credentials":
            return Reply(200, {"id": "1", "acct": "anna", "username": "anna"})
        if req.path == "/api/v1/accounts/1/statuses":
            return Reply(200, sorted(self.statuses.values(), key=lambda s: -int(s["id"])))
        m = re.fullmatch(r"/api/v1/statuses/(\d+)/(context|favourited_by|reblogged_by)", req.path)
        if m and req.method == "GET":
            return self._hear_back(req, m.group(1), m.group(2))
        if req.path == "/api/v2/media" and req.method == "POST":
            return self._upload(req)
        m = re.fullmatch(r"/api/v1/media/(\d+)", req.path)
        if m and req.method == "GET":
            media = self.media.get(m.group(1))
            if media is None:
                return Reply(404, {"error": "Record not found"})
            if media["polls_left"] > 0:
                media["polls_left"] -= 1
                return Reply(206, self._public(media))
            media["url"] = f"{self.url}/media/{media['id']}.png"
            return Reply(200, self._public(media))
        if req.path == "/api/v1/statuses" and req.method == "POST":
            key = req.headers.get("Idempotency-Key", "")
            if key and key in self.keys and self.keys[key] in self.statuses:
                return Reply(200, self.statuses[self.keys[key]])
            data = req.json()
            problem = self._attach(data.get("media_ids") or [], str(self.next_id + 1))
            if problem:
                return problem
            if (
                len(re.sub(r"https?://\S+", "x" * 23, data["status"])) > self.limit
            ):  # as Mastodon counts
                return Reply(
                    422,
                    {"error": f"Validation failed: Text character limit of {self.limit} exceeded"},
                )
            self.next_id += 1
            sid = str(self.next_id)
            self.statuses[sid] = {
                "id": sid,
                "url": f"{self.url}/@anna/{sid}",
                "visibility": data.get("visibility", "public"),
                "content": "".join(f"<p>{p}</p>" for p in data["status"].split("\n\n")),
                "text": data["status"],
                "media_attachments": [
                    self._public(self.media[i]) for i in data.get("media_ids") or []
                ],
            }
            if key:
                self.keys[key] = sid
            return Reply(200, self.statuses[sid])
        if req.path.startswith("/api/v1/statuses/") and req.method == "PUT":
            sid = req.path.rsplit("/", 1)[1]
            if sid not in self.statuses:
                return Reply(404, {"error": "Record not found"})
            data = req.json()
            problem = self._attach(data.get("media_ids") or [], sid)
            if problem:
                return problem
            for attr in data.get("media_attributes") or []:  # PUT …/statuses/:id, 4.1+
                if str(attr.get("id")) in self.media and "description" in attr:
                    self.media[str(attr["id"])]["description"] = attr["description"]
            self.statuses[sid].update(
                text=data["status"],
                content="".join(f"<p>{p}</p>" for p in data["status"].split("\n\n")),
                media_attachments=[
                    self._public(self.media[i]) for i in data.get("media_ids") or []
                ],
            )
            return Reply(200, self.statuses[sid])
        return Reply(404, {"error": "Not found"})

    # POST /api/v2/media (https://docs.joinmastodon.org/methods/media/#v2): multipart `file`
    # and `description`; 200 with a MediaAttachment when processed at once, 202 with
    # "url": null while it is processed (then GET /api/v1/media/:id: 206, then 200). 422
    # for a file it cannot take. An attachment belongs to one status: attaching it to
    # another is refused (422), as Mastodon does; one not yet processed is refused too.
    def _upload(self, req: Recorded) -> Reply:
        parts = req.parts()
        if "file" not in parts:
            return Reply(422, {"error": "Validation failed: File can't be blank"})
        _name, ctype, data = parts["file"]
        if not ctype.startswith("image/"):
            return Reply(422, {"error": "Validation failed: File content type is invalid"})
        if len(data) > self.image_size_limit:
            return Reply(
                422, {"error": "Validation failed: File file size must be less than 16 MB"}
            )
        self.next_id += 1
        mid = str(self.next_id)
        description = parts.get("description", ("", "", b""))[2].decode()
        media = {"id": mid, "type": "image", "url": None, "description": description,
                 "data": data, "status_id": None, "polls_left": self.processing_polls}  # fmt: skip
        self.media[mid] = media
        if self.processing_polls:
            return Reply(202, self._public(media))
        media["url"] = f"{self.url}/media/{mid}.png"
        return Reply(200, self._public(media))

    @staticmethod
    def _public(media: dict[str, Any]) -> dict[str, Any]:
        return {k: media[k] for k in ("id", "type", "url", "description")}

    def _attach(self, ids: list[str], sid: str) -> Reply | None:
        for mid in ids:
            media = self.media.get(str(mid))
            if media is None:
                return Reply(422, {"error": "Validation failed: media_ids is invalid"})
            if media["url"] is None:
                return Reply(
                    422,
                    {
                        "error": "Cannot attach files that have not finished processing. Try again in a moment!"
                    },
                )
            if media["status_id"] not in (None, sid):
                return Reply(422, {"error": "Validation failed: media already attached"})
        if len(ids) > 4:
            return Reply(422, {"error": "Validation failed: Too many media"})
        for mid in ids:
            self.media[str(mid)]["status_id"] = sid
        return None

    @staticmethod
    def account(acct: str, name: str = "", aid: str = "") -> dict[str, Any]:
        aid = aid or str(abs(hash(acct)) % 10**9)
        return {"id": aid, "username": acct.split("@")[0], "acct": acct,
                "display_name": name, "url": f"https://social.example/@{acct}"}  # fmt: skip

    def reply(self, sid: str, account: dict[str, Any], text: str, at: str) -> dict[str, Any]:
        """Someone answers status `sid` (as a reply in its thread)."""
        with self.lock:
            self.next_id += 1
            rid = str(self.next_id)
            status = {"id": rid, "created_at": at, "in_reply_to_id": sid, "account": account,
                      "content": f"<p>{text}</p>", "url": f"{self.url}/@{account['acct']}/{rid}",
                      "visibility": "public"}  # fmt: skip
            self.replies.setdefault(sid, []).append(status)
            return status

    def _hear_back(self, req: Recorded, sid: str, what: str) -> Reply:
        if sid not in self.statuses:
            return Reply(404, {"error": "Record not found"})
        if what == "context":
            return Reply(200, {"ancestors": [], "descendants": self.replies.get(sid, [])})
        accounts = (self.favourites if what == "favourited_by" else self.reblogs).get(sid, [])
        limit = min(int(req.query.get("limit", ["40"])[0]), 80)
        start = int(req.query.get("max_id", ["0"])[0])
        page = accounts[start : start + limit]
        headers = {}
        if start + limit < len(accounts):
            headers["Link"] = (f'<{self.url}{req.path}?limit={limit}&max_id={start + limit}>; '
                               f'rel="next", <{self.url}{req.path}?since_id=0>; rel="prev"')  # fmt: skip
        return Reply(200, page, headers)


# ---- Micropub ---------------------------------------------------------------------------


class Micropub(ProtocolServer):
    """W3C Micropub: discovery, JSON create (201 + Location), update (204), q=source, errors."""

    def __init__(self, token: str = "micropub-token-456", *, via_header: bool = True,
                 lists_posts: bool = True, max_body: int = 1_000_000) -> None:  # fmt: skip
        self.token, self.via_header, self.lists_posts, self.max_body = (
            token,
            via_header,
            lists_posts,
            max_body,
        )
        self.posts: dict[str, dict[str, Any]] = {}
        self.files: dict[str, tuple[str, str, bytes]] = {}  # URL -> (filename, type, bytes)
        self.has_media_endpoint = True
        super().__init__()

    def _media(self, req: Recorded) -> Reply:
        """The media endpoint (Micropub 3.6): multipart `file`, 201 with its URL in Location."""
        if self.bearer(req) != self.token:
            return Reply(401, {"error": "unauthorized", "error_description": "Bad token"})
        parts = req.parts()
        if "file" not in parts:
            return Reply(400, {"error": "invalid_request", "error_description": "No file part"})
        url = f"{self.url}/files/{len(self.files) + 1}-{parts['file'][0]}"
        self.files[url] = parts["file"]
        return Reply(201, b"", {"Location": url})

    def handle(self, req: Recorded) -> Reply:
        if req.path == "/media" and req.method == "POST" and self.has_media_endpoint:
            return self._media(req)
        if req.path == "/" and req.method == "GET":
            if self.via_header:
                return Reply(
                    200,
                    "<html><body>home</body></html>",
                    {
                        "Link": '<https://auth.example/>; rel="authorization_endpoint", '
                        '</micropub>; rel="micropub"',
                        "Content-Type": "text/html",
                    },
                )
            return Reply(
                200,
                '<html><head><link rel="micropub" href="/micropub"></head></html>',
                {"Content-Type": "text/html; charset=utf-8"},
            )
        if req.path != "/micropub":
            return Reply(404, "not found")
        if not self.bearer(req):
            return Reply(
                401, {"error": "unauthorized", "error_description": "No access token was provided"}
            )
        if self.bearer(req) != self.token:
            return Reply(
                403,
                {"error": "forbidden", "error_description": "The token is not valid for this site"},
            )
        if req.method == "GET":
            q = req.query.get("q", [""])[0]
            if q == "config":
                return Reply(
                    200, {"media-endpoint": f"{self.url}/media"} if self.has_media_endpoint else {}
                )
            if q == "source" and "url" in req.query:
                post = self.posts.get(req.query["url"][0])
                if post is None:
                    return Reply(
                        400, {"error": "invalid_request", "error_description": "No such post"}
                    )
                return Reply(200, {"type": ["h-entry"], "properties": post})
            if q == "source" and self.lists_posts:
                items = [
                    {"type": ["h-entry"], "properties": {**p, "url": [u]}}
                    for u, p in self.posts.items()
                ]
                return Reply(200, {"items": list(reversed(items))})
            return Reply(
                400, {"error": "invalid_request", "error_description": f"Unsupported query {q}"}
            )
        if len(req.body) > self.max_body:
            return Reply(
                413, {"error": "invalid_request", "error_description": "Request too large"}
            )
        data = req.json()
        if data.get("action") == "update":
            url = data.get("url", "")
            if url not in self.posts:
                return Reply(
                    400, {"error": "invalid_request", "error_description": "The post was not found"}
                )
            self.posts[url].update(data.get("replace", {}))
            return Reply(204)
        if data.get("type") != ["h-entry"]:
            return Reply(
                400, {"error": "invalid_request", "error_description": "type must be h-entry"}
            )
        url = f"{self.url}/posts/{len(self.posts) + 1}"
        self.posts[url] = dict(data["properties"])
        return Reply(201, b"", {"Location": url})


# ---- webhooks -----------------------------------------------------------------------------


class Webhooks(ProtocolServer):
    """Slack (/services/…), Teams Workflows (/workflows/…), Mattermost (/hooks/…) incoming webhooks."""

    SLACK, TEAMS, MATTERMOST = (
        "/services/T000/B000/XXXXsecretXXXX",
        "/workflows/abc123/triggers/manual/run",
        "/hooks/mmsecrethookid",
    )

    def __init__(self) -> None:
        self.messages: dict[str, list[Any]] = {"slack": [], "teams": [], "mattermost": []}
        self.invalid: list[str] = []  # what the official validators found; the fixture fails on it
        super().__init__()

    def handle(self, req: Recorded) -> Reply:
        if req.path == self.SLACK:
            data = req.json()
            problems = slack_problems(data)
            if problems:
                self.invalid += problems
                return Reply(400, "invalid_blocks")
            self.messages["slack"].append(data)
            return Reply(200, "ok")
        if req.path.startswith("/services/"):
            return Reply(404, "no_service")
        if req.path == self.TEAMS:
            data = req.json()
            att = (data.get("attachments") or [{}])[0]
            if (
                data.get("type") != "message"
                or att.get("contentType") != "application/vnd.microsoft.card.adaptive"
            ):
                return Reply(
                    400,
                    {
                        "error": {
                            "code": "InvalidRequestContent",
                            "message": "The input body is invalid",
                        }
                    },
                )
            problems = teams_problems(data)
            if problems:
                self.invalid += problems
                return Reply(
                    400, {"error": {"code": "InvalidRequestContent", "message": problems[0][:200]}}
                )
            self.messages["teams"].append(data)
            return Reply(202, b"")
        if req.path.startswith("/workflows/"):
            return Reply(
                404,
                {
                    "error": {
                        "code": "WorkflowNotFound",
                        "message": "The workflow could not be found.",
                    }
                },
            )
        if req.path == self.MATTERMOST:
            data = req.json()
            if len(data.get("text", "")) > 16383:
                return Reply(
                    400,
                    {
                        "id": "web.incoming_webhook.text.length.app_error",
                        "message": "Text too long",
                        "status_code": 400,
                    },
                )
            self.messages["mattermost"].append(data)
            return Reply(200, "ok")
        if req.path.startswith("/hooks/"):
            return Reply(
                400,
                {
                    "id": "web.incoming_webhook.invalid.app_error",
                    "message": "Invalid webhook.",
                    "status_code": 400,
                },
            )
        return Reply(404, "not found")


# ---- Viva Engage (Yammer) -------------------------------------------------------------------


class VivaEngage(ProtocolServer):
    """/api/v1/messages.json (form fields), users/current.json, groups/{id}.json; 201 / 401 / 403.

    Hearing back, as https://learn.microsoft.com/en-us/rest/api/yammer/messagesin_threadthreadidjson
    documents it: ``GET /api/v1/messages/in_thread/{thread_id}.json`` answers
    ``{"messages": [...], "references": [...], "meta": {"older_available": bool}}``,
    newest first, 20 a page, older ones with ``?older_than=MESSAGE_ID``. A message has
    ``id``, ``sender_id``, ``created_at`` ("2026/12/01 09:30:00 +0000"), ``thread_id``,
    ``replied_to_id``, ``body.plain``, ``web_url`` and ``liked_by`` ``{"count", "names":
    [{"full_name", "user_id", "permalink"}]}``; ``references`` holds each sender as
    ``{"type": "user", "id", "full_name"}``. 404 for a thread that does not exist.
    """

    def __init__(self, token: str = "yammer-token-789", group: str = "4242") -> None:
        self.token, self.group = token, group
        self.messages: list[dict[str, Any]] = []
        super().__init__()

    def handle(self, req: Recorded) -> Reply:
        if self.bearer(req) != self.token:
            return Reply(
                401, {"response": {"message": "Token not found.", "code": 16, "stat": "fail"}}
            )
        if req.path == "/api/v1/users/current.json":
            return Reply(200, {"id": 7, "full_name": "Anna Example"})
        m = re.fullmatch(r"/api/v1/messages/in_thread/(\d+)\.json", req.path)
        if m and req.method == "GET":
            return self._thread(req, int(m.group(1)))
        if req.path == f"/api/v1/groups/{self.group}.json":
            return Reply(200, {"id": int(self.group), "full_name": "Leadership team"})
        if req.path.startswith("/api/v1/groups/"):
            return Reply(404, {"response": {"message": "Not found", "stat": "fail"}})
        if req.path == "/api/v1/messages.json" and req.method == "POST":
            form = req.form()
            mid = 9000 + len(self.messages) + 1
            if "replied_to_id" in form:
                thread = int(form["replied_to_id"])
                if not any(m["id"] == thread for m in self.messages):
                    return Reply(404, {"response": {"message": "Not found", "stat": "fail"}})
            elif form.get("group_id") != self.group:
                return Reply(
                    403,
                    {"response": {"message": "You are not a member of this group", "stat": "fail"}},
                )
            else:
                thread = mid
            msg = {
                "id": mid,
                "sender_id": 7,
                "created_at": "2026/12/01 09:00:00 +0000",
                "liked_by": {"count": 0, "names": []},
                "thread_id": thread,
                "body": {"plain": form["body"]},
                "web_url": f"{self.url}/threads/{thread}#{mid}",
                "replied_to_id": form.get("replied_to_id"),
            }
            self.messages.append(msg)
            return Reply(201, {"messages": [msg], "meta": {}})
        return Reply(404, {"response": {"message": "Not found"}})

    users = {7: "Anna Example"}

    def reply_as(self, thread: int, user_id: int, name: str, text: str, at: str) -> dict[str, Any]:
        """Someone else answers in the thread (`at` as Yammer writes it)."""
        with self.lock:
            self.users[user_id] = name
            mid = 9000 + len(self.messages) + 1
            msg = {"id": mid, "sender_id": user_id, "created_at": at, "thread_id": thread,
                   "replied_to_id": thread, "body": {"plain": text},
                   "web_url": f"{self.url}/threads/{thread}#{mid}",
                   "liked_by": {"count": 0, "names": []}}  # fmt: skip
            self.messages.append(msg)
            return msg

    def like(self, message_id: int, user_id: int, name: str) -> None:
        with self.lock:
            msg = next(m for m in self.messages if m["id"] == message_id)
            msg["liked_by"]["names"].append(
                {"full_name": name, "user_id": user_id, "permalink": f"{self.url}/users/{user_id}"}
            )
            msg["liked_by"]["count"] = len(msg["liked_by"]["names"])

    def _thread(self, req: Recorded, thread: int) -> Reply:
        msgs = sorted(
            (m for m in self.messages if m["thread_id"] == thread), key=lambda m: -m["id"]
        )
        if not msgs:
            return Reply(404, {"response": {"message": "Not found", "stat": "fail"}})
        older = req.query.get("older_than")
        if older:
            msgs = [m for m in msgs if m["id"] < int(older[0])]
        page = msgs[:20]
        refs = [{"type": "user", "id": m["sender_id"], "full_name": self.users.get(m["sender_id"], "")}
                for m in page]  # fmt: skip
        return Reply(200, {"messages": page, "references": refs,
                           "meta": {"older_available": len(msgs) > 20}})  # fmt: skip


# ---- webmention.io (Webmentions received for a Micropub site) -----------------------------------


class WebmentionIO(ProtocolServer):
    """webmention.io's public API, as its README documents it (github.com/aaronpk/webmention.io).

    ``GET /api/mentions.jf2?target=URL[&per-page=N&page=P]`` answers a JF2 feed,
    ``{"type": "feed", "name": "Webmentions", "children": [...]}``, newest first, pages
    counted from 0. Each child is ``{"type": "entry", "author": {"type": "card", "name",
    "url", "photo"}, "url", "published" (or null), "wm-received", "wm-id", "wm-source",
    "wm-target", "wm-property": "in-reply-to"|"like-of"|"repost-of"|"mention-of"|
    "bookmark-of", "content": {"html", "text"}}`` (content only where the source has it).
    No token is needed to read the mentions of a target.
    """

    def __init__(self) -> None:
        self.mentions: list[dict[str, Any]] = []
        super().__init__()

    def mention(self, target: str, prop: str, name: str, text: str = "", at: str = "") -> None:
        with self.lock:
            wid = 1000 + len(self.mentions)
            m: dict[str, Any] = {
                "type": "entry", "author": {"type": "card", "name": name, "url": "", "photo": ""},
                "url": f"https://{name.split()[0].lower()}.example/{wid}", "published": at or None,
                "wm-received": "2026-11-22T09:00:00Z", "wm-id": wid, "wm-source": "",
                "wm-target": target, "wm-property": prop,
            }  # fmt: skip
            if text:
                m["content"] = {"html": f"<p>{text}</p>", "text": text}
            self.mentions.insert(0, m)

    def handle(self, req: Recorded) -> Reply:
        if req.path != "/api/mentions.jf2" or req.method != "GET":
            return Reply(404, {"error": "not_found"})
        target = req.query.get("target", [""])[0]
        per = int(req.query.get("per-page", ["20"])[0])
        page = int(req.query.get("page", ["0"])[0])
        found = [m for m in self.mentions if m["wm-target"] == target]
        children = found[page * per : (page + 1) * per]
        return Reply(200, {"type": "feed", "name": "Webmentions", "children": children})
