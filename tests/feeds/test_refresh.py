"""Refreshing: per-feed outcomes, conditional GET, updates, redirects, gone feeds, backoff."""

import threading

import pytest

from tests.feeds.conftest import data, dribble


def by_id(report):
    return {r.feed_id: r for r in report.results}


def test_refresh_reports_new_updated_not_modified_and_errors(server, feeds):
    a = feeds.add(server.serve_file("/a.xml", "rss20.xml", etag='W/"a1"')).feed
    b = feeds.add(server.serve_file("/b.xml", "atom.xml")).feed
    c = feeds.add(server.serve_file("/c.json", "jsonfeed11.json")).feed
    server.serve("/b.xml", data("atom.xml").replace(b"never alone", b"never, ever alone"))
    server.serve("/c.json", status=500)
    report = feeds.refresh()
    results = by_id(report)
    assert results[a.id].status == "not_modified"
    assert results[b.id].status == "ok" and (results[b.id].new, results[b.id].updated) == (0, 1)
    assert results[c.id].status == "error" and "server error (500)" in results[c.id].error
    assert report.errors == 1
    listed = {f.id: f for f in feeds.list()}
    assert "server error" in listed[c.id].last_error and listed[c.id].last_error_at
    assert listed[a.id].last_error == "" and listed[a.id].unread == 3
    assert report.change.feeds == {a.id, b.id, c.id}


def test_one_broken_feed_never_stops_the_others(server, feeds):
    good = feeds.add(server.serve_file("/good.xml", "rss20.xml")).feed
    # subscribe through OPML so broken feeds can be followed at all
    opml = data("subscriptions.opml").replace(b"SERVER", server.base.encode())
    feeds.import_opml(opml)
    server.handle("/atom.xml", dribble(server))  # slow
    server.serve("/feed.json", b"{not json", headers={"Content-Type": "application/json"})
    server.serve("/rss20.xml", status=503, headers={"Retry-After": "3600"})
    server.serve("/good.xml", data("rss20.xml").replace(b"<title>Five", b"<title>Six"))
    report = feeds.refresh()
    results = by_id(report)
    assert results[good.id].status == "ok" and results[good.id].updated == 1
    assert sum(r.status == "error" for r in report.results) == 3
    backing_off = [f for f in feeds.list() if f.url.endswith("/rss20.xml")]
    assert backing_off[0].backoff_until and "server error (503)" in backing_off[0].last_error
    assert any("in all" in r.error for r in report.results)  # the slow one hit the deadline
    assert any("JSON that cannot be read" in r.error for r in report.results)


def test_updated_items_keep_their_read_state(server, feeds):
    feed = feeds.add(server.serve_file("/a.xml", "rss20.xml")).feed
    item = next(i for i in feeds.items() if i.title.startswith("Why the best"))
    feeds.mark_read([item.id])
    server.serve("/a.xml", data("rss20.xml").replace(b"long meeting.", b"long, long meeting."))
    result = feeds.refresh([feed.id]).results[0]
    assert (result.new, result.updated) == (0, 1)
    again = feeds.item(item.id)
    assert again.read and "long, long meeting" in again.text and again.updated_at


def test_permanent_redirect_updates_the_stored_address(server, feeds):
    feed = feeds.add(server.serve_file("/old.xml", "rss20.xml")).feed
    new = server.serve_file("/new.xml", "rss20.xml")
    server.serve("/old.xml", status=301, headers={"Location": "/new.xml"})
    result = feeds.refresh().results[0]
    assert result.moved_to == new and "moved permanently" in result.describe()
    assert feeds.get(feed.id).url == new
    server.serve("/new.xml", status=302, headers={"Location": "/old-again.xml"})
    server.serve_file("/old-again.xml", "rss20.xml")
    feeds.refresh()
    assert feeds.get(feed.id).url == new  # temporary: the address stays


def test_gone_feed_stops_polling_and_says_so(server, feeds):
    feed = feeds.add(server.serve_file("/a.xml", "rss20.xml")).feed
    server.serve("/a.xml", status=410)
    result = feeds.refresh().results[0]
    assert result.status == "gone"
    shown = feeds.get(feed.id)
    assert shown.status == "gone" and "gone (410)" in shown.last_error
    before = len(server.seen("/a.xml"))
    assert feeds.refresh().results == []  # no longer polled
    assert len(server.seen("/a.xml")) == before
    server.serve_file("/a.xml", "rss20.xml")  # the publisher brought it back
    assert feeds.refresh([feed.id]).results[0].status == "ok"
    assert feeds.get(feed.id).status == "active"


def test_retry_after_is_honored_even_for_manual_refresh(server, feeds, clock):
    feed = feeds.add(server.serve_file("/a.xml", "rss20.xml")).feed
    server.serve("/a.xml", status=429, headers={"Retry-After": "600"})
    assert feeds.refresh().results[0].status == "error"
    asked = len(server.seen("/a.xml"))
    skipped = feeds.refresh().results[0]
    assert skipped.status == "skipped" and "Retry-After" in skipped.error
    assert len(server.seen("/a.xml")) == asked
    clock.advance(minutes=11)
    server.serve_file("/a.xml", "rss20.xml")
    assert feeds.refresh().results[0].status == "ok"
    assert feeds.get(feed.id).last_error == ""
    assert feeds.get(feed.id).backoff_until is None


def test_server_errors_back_off_the_schedule(server, feeds, clock):
    feed = feeds.add(server.serve_file("/a.xml", "rss20.xml")).feed
    assert feeds.refresh(due_only=True).results == []  # fetched on add: not due for an hour
    clock.advance(minutes=61)
    server.serve("/a.xml", status=502)
    assert feeds.refresh(due_only=True).results[0].status == "error"
    clock.advance(minutes=61)
    assert feeds.refresh(due_only=True).results == []  # backing off: 2 hours now
    clock.advance(minutes=60)
    assert len(feeds.refresh(due_only=True).results) == 1
    assert feeds.get(feed.id).error_count == 2


def test_title_from_the_feed_unless_the_user_renamed_it(server, feeds):
    feed = feeds.add(server.serve_file("/a.xml", "rss20.xml")).feed
    server.serve("/a.xml", data("rss20.xml").replace(b"Weekly</title>", b"Daily</title>"))
    feeds.refresh()
    assert feeds.get(feed.id).title == "Strategy & Leadership Daily"
    feeds.rename(feed.id, "My leadership reading")
    server.serve("/a.xml", data("rss20.xml").replace(b"Weekly</title>", b"Monthly</title>"))
    feeds.refresh()
    assert feeds.get(feed.id).title == "My leadership reading"
    assert {i.feed_title for i in feeds.items(feed_id=feed.id)} == {"My leadership reading"}


def test_hostile_inputs_through_a_whole_refresh(server, feeds):
    import gzip

    feeds.import_opml(
        b"<opml version='2.0'><body>"
        + b"".join(
            f"<outline type='rss' text='{n}' xmlUrl='{server.url('/' + n)}'/>".encode()
            for n in ("laughs", "xxe", "bomb", "hostile", "huge", "passwd")
        )
        + b"</body></opml>"
    )
    server.serve_file("/laughs", "billion_laughs.xml")
    server.serve_file("/xxe", "xxe.xml")
    server.serve("/bomb", gzip.compress(b" " * 20_000_000), headers={"Content-Encoding": "gzip"})
    server.serve_file("/hostile", "hostile.xml")
    server.serve("/huge", b"<rss>" + b"<item/>" * 200_000)
    server.serve("/passwd", b"/etc/passwd")
    report = feeds.refresh()
    status = {r.url.rsplit("/", 1)[1]: r for r in report.results}
    assert status["laughs"].status == status["xxe"].status == status["hostile"].status == "ok"
    assert status["bomb"].status == status["huge"].status == "error"
    assert "after decompression" in status["bomb"].error
    assert status["passwd"].status == "error" and "not a feed" in status["passwd"].error
    for item in feeds.items(limit=100):
        full = feeds.item(item.id)
        assert "lollol" not in full.text and "root:" not in full.text
        assert "<script" not in full.html and "javascript:" not in full.html
    assert "root:" not in str([f.as_dict() for f in feeds.list()])


def test_progress_cancel_and_a_worker_thread(server, feeds):
    for n in range(6):
        feeds.import_opml(
            f"<opml version='2.0'><body><outline xmlUrl='{server.url(f'/f{n}')}'/></body></opml>".encode()
        )
        server.serve_file(f"/f{n}", "rss20.xml")
    seen = []

    def progress(done, total, result):
        seen.append((done, total, result.status))

    out = {}
    worker = threading.Thread(target=lambda: out.setdefault("r", feeds.refresh(progress=progress)))
    worker.start()
    worker.join(30)
    assert out["r"].cancelled is False and len(out["r"].results) == 6
    assert [d for d, _, _ in seen] == [1, 2, 3, 4, 5, 6] and {t for _, t, _ in seen} == {6}

    calls = []

    def cancel():
        calls.append(1)
        return len(seen) >= 8  # stop after two more feeds

    report = feeds.refresh(progress=progress, cancel=cancel)
    assert report.cancelled and len(report.results) < 6


def test_refresh_of_an_unknown_feed_is_a_clear_error(feeds):
    from pkm.core.errors import NotFound

    with pytest.raises(NotFound, match="no feed 99"):
        feeds.refresh([99])
