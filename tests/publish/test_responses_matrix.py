"""Hearing back from the real Synapse (.ci/synapse-setup): replies and reactions by another user."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.integration


def test_a_reply_a_thread_reply_and_a_reaction_by_bob_show_up(ws, pub, synapse, entry, cli):
    room = synapse.create_room("anna", "Hear back")
    path = f"/rooms/{quote(room, safe='')}"
    synapse.api("anna", "POST", f"{path}/invite", json={"user_id": "@bob:localhost"})
    synapse.api("bob", "POST", f"{path}/join", json={})
    synapse.api("bob", "PUT", "/profile/@bob:localhost/displayname", json={"displayname": "Bob"})
    pub.add_target("room", "matrix", url=synapse.url, options={"room": room},
                   secret=synapse.tokens["anna"])  # fmt: skip
    event = pub.publish(entry.id, "room").remote_id

    def send(user: str, txn: str, kind: str, content: dict) -> str:
        r = synapse.api(user, "PUT", f"{path}/send/{kind}/{txn}", json=content)
        return r.json()["event_id"]

    reply = send("bob", "r1", "m.room.message", {
        "msgtype": "m.text", "body": "We tried this in the board meeting: it worked.",
        "m.relates_to": {"m.in_reply_to": {"event_id": event}}})  # fmt: skip
    threaded = send("bob", "t1", "m.room.message", {
        "msgtype": "m.text", "body": "A question in the thread: how long did it take?",
        "m.relates_to": {"rel_type": "m.thread", "event_id": event, "is_falling_back": True,
                         "m.in_reply_to": {"event_id": event}}})  # fmt: skip
    reaction = send("bob", "x1", "m.reaction", {
        "m.relates_to": {"rel_type": "m.annotation", "event_id": event, "key": "👍"}})  # fmt: skip
    send("anna", "a1", "m.room.message", {  # the author's own answer is no response
        "msgtype": "m.text", "body": "Thanks!", "m.relates_to": {"m.in_reply_to": {"event_id": event}}})  # fmt: skip
    send("bob", "o1", "m.room.message", {"msgtype": "m.text", "body": "Unrelated chatter"})

    r = cli("responses", "refresh", str(entry.id))
    assert r.code == 0, r.err
    got = {d["url"].split("/")[-1].split("?")[0]: d for d in json.loads(
        cli("responses", "list", str(entry.id), "--json").out)}  # fmt: skip
    assert set(got) == {
        quote(reply, safe="$"),
        quote(threaded, safe="$"),
        quote(reaction, safe="$"),
    }
    by_kind = sorted((d["kind"], d["text"]) for d in got.values())
    assert by_kind == [
        ("reaction", "👍"),
        ("reply", "A question in the thread: how long did it take?"),
        ("reply", "We tried this in the board meeting: it worked."),
    ]
    assert {d["author"] for d in got.values()} == {"Bob (@bob:localhost)"}
    assert all(d["at"].endswith("+00:00") for d in got.values())
    assert [(x.new, x.total) for x in ws.responses.refresh(entry.id)] == [(0, 3)]
