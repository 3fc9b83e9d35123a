"""Responses beside the post in Sense, Heard back in Share, the count on Share (issue 13).

Real windows, real clicks; the responses come from the Mastodon protocol
double, a Slack webhook says in words that it cannot be read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from pkm.gui.share.log_view import RESPONSES, TARGET
from pkm.gui.share.responses_panel import ResponseRow
from tests.gui import share_helpers as h
from tests.publish import doubles
from tests.publish.doubles import Mastodon

webhooks = h.webhooks
TOKEN = "mastodon-token-123"
SHOTS = Path(os.environ.get("PKM_SHOTS_DIR", "/tmp/pkm-shots"))


@pytest.fixture
def mastodon() -> Iterator[doubles.Mastodon]:
    server = doubles.Mastodon(limit=5000)  # long posts too (What resonated compares lengths)
    yield server
    server.close()


def _published(open_window, tmp_path, clock, mastodon, webhooks):
    state = {}

    def setup(ws) -> None:
        ws.publishing.add_target("social", "mastodon", url=mastodon.url, secret=TOKEN)
        ws.publishing.add_target("all-hands", "slack", secret=webhooks.url + webhooks.SLACK)
        post = ws.journal.create(
            kind="note", title="Share early", body="Trust grows when leaders share early."
        )
        state["sid"] = ws.publishing.publish(post.id, "social").remote_id
        ws.publishing.publish(post.id, "all-hands")
        state["post"] = post.id

    o = h.open_with_targets(open_window, tmp_path / "ws", clock, setup)
    sid = state["sid"]
    mastodon.reply(sid, Mastodon.account("bob@other.example", "Bob Reader", "501"),
                   "We tried this at the board: it changed the meeting.", "2026-11-22T08:15:00Z")  # fmt: skip
    mastodon.reply(sid, Mastodon.account("cfo", "Carla CFO", "502"),
                   "Can we talk about the numbers side on Tuesday?", "2026-11-22T09:00:00Z")  # fmt: skip
    mastodon.favourites[sid] = [
        Mastodon.account(f"fan{i}", f"Fan {i}", str(900 + i)) for i in range(3)
    ]
    return o, state["post"]


def _panel(o):
    return o.window.stages["share"].sense_responses


def test_check_now_shows_counts_replies_and_clips_one(
    open_window, tmp_path, clock, mastodon, webhooks
):
    o, post = _published(open_window, tmp_path, clock, mastodon, webhooks)
    o.sense.open_entry(post)
    panel = _panel(o)
    o.qtbot.waitUntil(lambda: panel.isVisible() and panel.view is not None, timeout=5000)
    assert "social</b>: no responses yet" in panel.summary.text()
    assert "Responses can&#x27;t be read from a Slack incoming webhook" in panel.summary.text()
    assert panel.findChildren(ResponseRow) == []

    with o.qtbot.waitSignal(panel.checked, timeout=10_000) as checked:
        o.qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    assert sum(r.new for r in checked.args[0]) == 5
    o.qtbot.waitUntil(lambda: len(panel.findChildren(ResponseRow)) == 2, timeout=5000)
    assert "5 new responses from social." in h.status_text(o)
    assert "social</b>: 2 replies, 3 likes" in panel.summary.text()
    rows = panel.findChildren(ResponseRow)
    assert [r.response.author for r in rows] == [
        "Carla CFO (@cfo)",
        "Bob Reader (@bob@other.example)",
    ]
    assert "social · 1 hour ago" in rows[1].head.text()
    assert "We tried this at the board" in rows[1].head.text()
    _shoot(panel, "responses-sense")

    o.qtbot.mouseClick(rows[1].open_button, Qt.MouseButton.LeftButton)
    assert o.opened_urls == [rows[1].response.url]

    today = o.ws.journal.today().id
    o.qtbot.mouseClick(rows[1].clip_button, Qt.MouseButton.LeftButton)
    o.wait_idle()
    body = o.saved_body(today)
    assert "> We tried this at the board: it changed the meeting." in body
    assert "Reply on “Share early”" in body and "Bob Reader (@bob@other.example)" in body
    assert "Clipped Bob Reader (@bob@other.example)’s reply into" in h.status_text(o)

    # The sidebar counts what is new; opening Share shows it there and clears the count.
    share_button = o.window.stage_button("share")
    o.qtbot.waitUntil(lambda: share_button.text() == "Share 5", timeout=5000)
    assert "5 new responses to your posts" in share_button.toolTip()
    o.qtbot.mouseClick(share_button, Qt.MouseButton.LeftButton)
    heard = o.window.stages["share"].heard_back
    o.qtbot.waitUntil(lambda: len(heard.findChildren(ResponseRow)) == 2, timeout=5000)
    assert "on “Share early”" in heard.findChildren(ResponseRow)[0].head.text()
    o.qtbot.waitUntil(lambda: share_button.text() == "Share", timeout=5000)
    _shoot(heard, "responses-share")
    # The publish log has a Responses column: counts, or in words that they can't be read.
    tree = o.window.stages["share"].log.tree
    o.qtbot.waitUntil(lambda: tree.topLevelItemCount() == 2, timeout=5000)
    said = {tree.topLevelItem(i).text(TARGET).split(" ·")[0]: tree.topLevelItem(i)
            for i in range(2)}  # fmt: skip
    assert said["social"].text(RESPONSES) == "2 replies, 3 likes"
    assert said["all-hands"].text(RESPONSES) == "can't be read"
    assert "Slack incoming webhook" in said["all-hands"].toolTip(RESPONSES)

    # The replies are in the search: Enter on one opens the post it answers.
    o.qtbot.waitUntil(lambda: o.window.ops.index_status == "ready", timeout=10_000)
    o.sense.open_today()
    o.qtbot.waitUntil(lambda: o.editor.entry_id not in (None, post), timeout=5000)
    o.wait_idle()
    o.window.activateWindow()  # the grab above left it inactive offscreen
    o.qtbot.waitUntil(o.window.isActiveWindow, timeout=5000)
    o.window.focus_search()
    o.qtbot.keyClicks(o.window.search, "board kind:response")
    box = o.window.search
    o.qtbot.waitUntil(lambda: box.popup.isVisible() and box.popup.model.rowCount() == 1)
    assert box.popup.current_hit().title == "Bob Reader (@bob@other.example) on Share early"
    o.qtbot.keyClick(box, Qt.Key.Key_Return)
    o.qtbot.waitUntil(lambda: o.editor.entry_id == post, timeout=5000)


def test_an_entry_without_a_published_post_shows_no_responses_section(main_window):
    panel = _panel(main_window)
    main_window.wait_idle()
    assert not panel.isVisible()


def _shoot(widget, name: str, *, readme: bool = True) -> None:
    """The real widget, offscreen, to look at (and for the README with PKM_SCREENSHOTS=1)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))
    if readme and os.environ.get("PKM_SCREENSHOTS") == "1":
        docs = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
        widget.grab().save(str(docs / f"{name}.png"))


def test_what_resonated_draws_posts_by_responses_place_and_length(
    open_window, tmp_path, clock, mastodon, webhooks
):
    def setup(ws) -> None:
        ws.publishing.add_target("social", "mastodon", url=mastodon.url, secret=TOKEN)
        ws.publishing.add_target("all-hands", "slack", secret=webhooks.url + webhooks.SLACK)
        posts = [
            ("Share early", "Trust grows when leaders share early."),
            ("Say no kindly", "A clear no frees the team."),
            ("Our pricing review", " ".join(["The long version of the pricing argument."] * 30)),
            ("Quarterly outlook", " ".join(["Every market, one by one, in detail."] * 40)),
        ]
        for i, (title, body) in enumerate(posts):
            clock.advance(hours=1)
            post = ws.journal.create(kind="note", title=title, body=body)
            sid = ws.publishing.publish(post.id, "social").remote_id
            ws.publishing.publish(post.id, "all-hands")
            for n in range(3 - i if i < 2 else i - 2):
                who = Mastodon.account(f"reader{n}", f"Reader {n}", str(700 + 10 * i + n))
                mastodon.reply(sid, who, f"Answer {n}", "2026-11-22T10:00:00Z")
            mastodon.favourites[sid] = [Mastodon.account("fan", "Fan", "999")] if i < 2 else []
        ws.responses.refresh()

    o = h.open_with_targets(open_window, tmp_path / "ws", clock, setup)
    o.window.show_stage("share")
    stage = o.window.stages["share"]
    bar = stage.tabs.tabBar()
    with o.qtbot.waitSignal(stage.resonance.loaded, timeout=5000) as loaded:
        o.qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    posts = loaded.args[0]
    assert [p.title for p in posts] == [
        "Quarterly outlook", "Our pricing review", "Say no kindly", "Share early",
    ]  # fmt: skip
    assert [(p.total, p.by_target) for p in posts] == [
        (1, {"social": 1}), (0, {}), (3, {"social": 3}), (4, {"social": 4}),
    ]  # fmt: skip
    assert posts[0].words == 280 and posts[3].words == 6
    summary = stage.resonance.summary.text()
    assert "Shorter posts drew more: 3.5 responses each, against 0.5 for longer ones" in summary
    assert stage.resonance.chart.targets == ["social"]
    o.window.resize(1300, 800)
    o.qtbot.waitUntil(lambda: len(stage.targets_panel.cards) == 2, timeout=5000)
    o.wait_idle()
    _shoot(stage.resonance, "what-resonated")
    _shoot(stage, "share-with-responses", readme=False)
