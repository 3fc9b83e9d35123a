"""Subscribing: by feed address, by page (autodiscovery), private feeds, refused addresses."""

import pytest

from pkm.core.errors import BadInput, PkmError
from pkm.core.feeds.urls import check_url, feed_key, item_key


def test_add_by_feed_url_fetches_and_stores_items(server, feeds):
    url = server.serve_file("/rss20.xml", "rss20.xml", etag='"v1"')
    result = feeds.add(url, folder="Leadership")
    assert result.created
    feed = result.feed
    assert feed.title == "Strategy & Leadership Weekly" and feed.folder == "Leadership"
    assert feed.unread == feed.total == 3
    assert feed.site_url == "https://leadership.example.com/"
    assert result.change.feeds == {feed.id} and len(result.change.items) == 3


def test_adding_again_says_so_instead_of_duplicating(server, feeds):
    url = server.serve_file("/rss20.xml", "rss20.xml")
    first = feeds.add(url)
    for spelling in (url, url + "/", url.replace("http://", "HTTP://"), url + "#top"):
        again = feeds.add(spelling)
        assert not again.created and again.feed.id == first.feed.id
    assert len(feeds.list()) == 1
    assert len(server.seen("/rss20.xml")) == 1  # known addresses are not even fetched


def test_autodiscovery_from_link_alternate(server, feeds):
    server.serve_file("/feed/", "rss20.xml")
    server.serve_file("/comments/feed/", "atom.xml")
    page = server.serve_file("/", "page.html", headers={"Content-Type": "text/html; charset=utf-8"})
    feed = feeds.add(page).feed
    assert feed.url == server.url("/feed/")  # the first announced feed, not the comments
    assert feed.title == "Strategy & Leadership Weekly"
    # the page address and the feed address are now both "already subscribed"
    assert not feeds.add(server.url("/feed/")).created


def test_autodiscovery_falls_back_to_common_paths(server, feeds):
    server.serve_file("/blog/", "page_nolink.html", headers={"Content-Type": "text/html"})
    server.serve_file(
        "/blog/index.xml", "atom.xml", headers={"Content-Type": "application/atom+xml"}
    )
    feed = feeds.add(server.url("/blog/")).feed
    assert feed.url == server.url("/blog/index.xml")


def test_a_page_without_any_feed_is_explained(server, feeds):
    url = server.serve_file("/", "page_nolink.html", headers={"Content-Type": "text/html"})
    with pytest.raises(PkmError, match=r"No feed found .* links to no feed"):
        feeds.add(url)
    assert feeds.list() == []


def test_add_reports_unreachable_and_http_errors(server, feeds):
    with pytest.raises(PkmError, match=r"was not found \(404\)"):
        feeds.add(server.url("/missing.xml"))
    server.serve("/gone.xml", status=410)
    with pytest.raises(PkmError, match=r"is gone \(410\)"):
        feeds.add(server.url("/gone.xml"))
    assert feeds.list() == []


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("file:///etc/passwd", "'file:'"),
        ("ftp://ftp.example.com/feed.xml", "'ftp:'"),
        ("javascript:alert(1)", "'javascript:'"),
        ("|cat /etc/passwd", "not a web address"),
        ("", "empty"),
        ("https://user:pw@example.com/feed", "--user"),
        ("http://", "no host"),
    ],
)
def test_non_web_addresses_are_refused_before_any_network(feeds, url, why):
    with pytest.raises(BadInput, match=why):
        feeds.add(url)


def test_check_url_normalizes_friendly_spellings():
    assert check_url("example.com/feed") == "https://example.com/feed"
    assert check_url("feed://example.com/rss") == "http://example.com/rss"
    assert check_url("feed:https://example.com/rss") == "https://example.com/rss"
    assert check_url("HTTPS://Example.COM") == "https://example.com/"
    assert feed_key("https://Example.com:443/feed/") == feed_key("http://example.com/feed")
    assert item_key("https://www.x.com/a/?utm_source=rss&id=3#c") == item_key("http://x.com/a?id=3")


def test_private_feed_password_goes_to_the_keyring_only(server, feeds, ws, memory_keyring):
    import base64

    expected = "Basic " + base64.b64encode(b"ann:correct horse").decode()

    def private(h):
        if h.headers.get("Authorization") != expected:
            h.send_response(401)
            h.send_header("WWW-Authenticate", 'Basic realm="feeds"')
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        body = server.routes["/public"].body
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    server.serve_file("/public", "rss20.xml")
    url = server.handle("/private.xml", private)
    with pytest.raises(PkmError, match=r"needs a user name and password \(401\)"):
        feeds.add(url)
    with pytest.raises(PkmError, match="refused the user name or password"):
        feeds.add(url, username="ann", password="wrong")
    feed = feeds.add(url, username="ann", password="correct horse").feed
    assert feed.username == "ann" and feed.total == 3
    assert "correct horse" in memory_keyring.values()
    ws.store.conn.execute("PRAGMA wal_checkpoint(FULL)")
    raw = b"".join(p.read_bytes() for p in ws.home.glob("pkm.db*"))
    assert b"correct horse" not in raw
    # refresh uses the stored password
    result = feeds.refresh([feed.id]).results[0]
    assert result.status == "ok", result.error
    # unsubscribing forgets it
    feeds.remove(feed.id)
    assert "correct horse" not in memory_keyring.values()


def test_private_feed_without_keyring_is_refused_clearly(server, feeds):
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(PkmError, match="No system keyring"):
            feeds.add(server.serve_file("/f", "rss20.xml"), username="ann", password="pw")
    finally:
        keyring.set_keyring(previous)
    assert feeds.list() == [] and server.seen("/f") == []
