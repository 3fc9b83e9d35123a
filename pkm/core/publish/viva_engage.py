"""Viva Engage (formerly Yammer): POST /api/v1/messages.json to a group, bearer token.

The classic REST API takes form fields: `body`, `group_id`, and
`replied_to_id` for a reply (the group is then inferred). It answers 201
with {"messages": [{"id", "thread_id", "web_url"}]}. Messages cannot be
edited through the API, so publishing again posts the new text as a reply in
the same thread, and only when the user asks (`--as-new`).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from pkm.core.publish.base import (
    REDACTED,
    Adapter,
    Post,
    PublishError,
    Remote,
    RemoteGone,
    Request,
    Response,
)
from pkm.core.publish.http import raise_for_status
from pkm.core.publish.render import hashtags

DEFAULT_URL = "https://www.yammer.com"

NEW_TOKEN = (
    "Create a new access token for your Viva Engage app and run "
    "'pkm targets add NAME --kind viva-engage --option group_id=… --secret-stdin --replace' again."
)


class VivaEngageAdapter(Adapter):
    kind = "viva-engage"
    label = "Viva Engage"
    needs_url = False
    secret_label = "access token"
    can_edit = False
    again_label = "post the new text as a reply in the same thread"
    options_help = {"group_id": "the numeric id of the community (group) to post to"}
    required_options = ("group_id",)

    @classmethod
    def normalize_url(cls, url: str) -> str:
        return super().normalize_url(url or DEFAULT_URL)

    @classmethod
    def check_options(cls, options, user) -> None:
        super().check_options(options, user)
        if not options["group_id"].isdigit():
            from pkm.core.errors import BadInput

            raise BadInput(
                "group_id must be the community's number (in its web address, feedId=… "
                "decoded, or from /api/v1/groups.json)."
            )

    @property
    def hints(self) -> dict[int, str]:
        return {
            401: "The access token was not accepted (expired or revoked). " + NEW_TOKEN,
            403: f"The account may not post to community {self.config.option('group_id')}; "
            "join it, or check the app's permissions.",
            404: f"There is no community {self.config.option('group_id')} (or it was deleted); "
            "check --option group_id.",
        }

    def _api(self, path: str) -> str:
        return self.config.url.rstrip("/") + "/api/v1/" + path

    def _headers(self, secret: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {secret}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }

    def _fields(self, post: Post, reply_to: str = "") -> dict[str, str]:
        tags = hashtags(post, post.plain)
        body = f"{post.title}\n\n{post.plain}" + (f"\n\n{tags}" if tags else "")
        if reply_to:
            return {"body": "Updated: " + body, "replied_to_id": reply_to}
        return {"body": body, "group_id": self.config.option("group_id")}

    def _request(self, post: Post, reply_to: str = "") -> Request:
        headers = self._headers(REDACTED)
        return Request(
            "POST", self._api("messages.json"), headers, urlencode(self._fields(post, reply_to))
        )

    def plan(self, post: Post, *, remote: Remote | None, draft: bool, key: str) -> list[Request]:
        return [self._request(post, remote.remote_id if remote else "")]

    def _send(self, post: Post, reply_to: str = "") -> Remote:
        req = self._request(post, reply_to)
        self.say("Posting to Viva Engage…")
        reply = self.http.request(
            "POST",
            req.url,
            where=self.where,
            headers=self._headers(self.secret or ""),
            content=req.body,
        )
        raise_for_status(reply, self.where, what="the message", hints=self.hints, creating=True)
        data = reply.json(self.where)
        try:
            msg = data["messages"][0]
        except (KeyError, IndexError, TypeError):
            raise PublishError(
                f"{self.where} accepted the message but answered without its id; "
                "check the community before posting again.",
                uncertain=True,
            ) from None
        thread = str(msg.get("thread_id") or msg.get("id"))
        return Remote(thread, str(msg.get("web_url") or ""), "posted")

    def create(self, post: Post, *, draft: bool, key: str) -> Remote:
        return self._send(post)

    def again(self, post: Post, remote: Remote, *, key: str) -> Remote:
        return self._send(post, reply_to=remote.remote_id) if remote.remote_id else self._send(post)

    # ---- hearing back ----------------------------------------------------------------

    responses_note = ""
    MAX_PAGES = 10  # of 20 messages each

    def _get(self, path: str, what: str, params: dict[str, str] | None = None) -> object:
        reply = self.http.request(
            "GET",
            self._api(path),
            where=self.where,
            headers={"Authorization": f"Bearer {self.secret}", "Accept": "application/json"},
            params=params,
        )
        if reply.status == 404 and path.startswith("messages/in_thread/"):
            raise RemoteGone(
                f"The conversation this entry was posted as no longer exists on {self.where}; "
                "it was deleted.",
                status=404,
            )
        raise_for_status(reply, self.where, what=what, hints=self.hints)
        return reply.json(self.where)

    def responses(self, remote: Remote) -> list[Response]:
        """Replies in the thread and likes of the first message, with who.

        Endpoint: GET /api/v1/messages/in_thread/{thread_id}.json (20 messages a page,
        newest first, older pages with ?older_than=ID while meta.older_available): each
        message has sender_id, created_at ("2026/12/01 09:30:00 +0000"), body.plain,
        web_url and liked_by {count, names: [{full_name, user_id, permalink}]}; the
        senders' names are in `references` (type "user"). pkm's own messages (the post, its
        "Updated:" replies) are left out; likes are those of the post itself.
        """
        me = self._get("users/current.json", "signing in") or {}
        my_id = me.get("id") if isinstance(me, dict) else None
        thread = remote.remote_id
        names: dict[object, str] = {}
        messages: list[dict] = []
        params: dict[str, str] = {}
        for _ in range(self.MAX_PAGES):
            data = self._get(
                f"messages/in_thread/{thread}.json", "reading the conversation", params
            )
            data = data if isinstance(data, dict) else {}
            for ref in data.get("references") or []:
                if isinstance(ref, dict) and ref.get("type") == "user":
                    names[ref.get("id")] = str(ref.get("full_name") or ref.get("name") or "")
            page = [m for m in data.get("messages") or [] if isinstance(m, dict) and m.get("id")]
            messages += page
            if not page or not (data.get("meta") or {}).get("older_available"):
                break
            params = {"older_than": str(min(int(m["id"]) for m in page))}
        out: list[Response] = []
        for m in messages:
            if str(m["id"]) == thread:
                for who in (m.get("liked_by") or {}).get("names") or []:
                    if isinstance(who, dict) and who.get("user_id"):
                        out.append(Response("like", str(who["user_id"]), str(who.get("full_name") or ""),
                                            url=str(who.get("permalink") or "")))  # fmt: skip
            elif m.get("sender_id") != my_id:
                out.append(
                    Response(
                        "reply",
                        str(m["id"]),
                        names.get(m.get("sender_id"), ""),
                        str((m.get("body") or {}).get("plain") or "").strip(),
                        str(m.get("web_url") or ""),
                        _utc(m.get("created_at")),
                    )
                )
        return out

    def test(self) -> str:
        reply = self.http.request(
            "GET",
            self._api("users/current.json"),
            where=self.where,
            headers={"Authorization": f"Bearer {self.secret}", "Accept": "application/json"},
        )
        raise_for_status(reply, self.where, what="signing in", hints=self.hints)
        me = reply.json(self.where) or {}
        group = self.config.option("group_id")
        reply = self.http.request(
            "GET",
            self._api(f"groups/{group}.json"),
            where=self.where,
            headers={"Authorization": f"Bearer {self.secret}", "Accept": "application/json"},
        )
        raise_for_status(reply, self.where, what=f"reading community {group}", hints=self.hints)
        name = (reply.json(self.where) or {}).get("full_name") or group
        return f"Signed in to Viva Engage as {me.get('full_name') or me.get('name')}; posting to '{name}'."


def _utc(value: object) -> str:
    """Yammer's "2026/12/01 09:30:00 +0000" as ISO UTC ("" if it is not that)."""
    try:
        when = dt.datetime.strptime(str(value or ""), "%Y/%m/%d %H:%M:%S %z")
    except ValueError:
        return ""
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")
