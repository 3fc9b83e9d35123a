"""The network boundary and where a password goes, against real servers on loopback.

Every server here is on 127.0.0.0/8, and nothing is ever sent elsewhere: the
addresses that must be refused (10.0.0.5, 169.254.169.254, ...) are refused
before any connection is made. To have a "public" server at all, the tests
give the fetcher a classifier (`Fetcher(private=...)`, the same hook the
real `is_private` fills) under which 127.0.0.1 counts as public and the
rest of 127.0.0.0/8 keeps its real, private meaning. So: `server` on
127.0.0.1 plays a public site; `inner` on 127.0.0.2 plays an intranet host.
"""

import pytest

from pkm.core.feeds.fetch import Fetcher, FetchError, Limits
from pkm.core.feeds.transport import is_private
from tests.feeds.conftest import FeedServer, data

LIMITS = Limits(connect_timeout=2, read_timeout=1, deadline=3, max_redirects=3)


def public_loopback(address: str) -> bool:
    """127.0.0.1 stands in for a public address; every other address is judged for real."""
    return address != "127.0.0.1" and is_private(address)


@pytest.fixture
def fetcher():
    with Fetcher(LIMITS, max_connections=4, private=public_loopback) as f:
        yield f


@pytest.fixture
def inner():
    s = FeedServer("127.0.0.2")
    yield s
    s.close()


@pytest.fixture
def public_feeds(feeds, monkeypatch):
    """The workspace's feeds, fetching with the classifier above."""
    import pkm.core.feeds.fetch as fetch

    real = fetch.Fetcher

    def made(*args, **kw):
        kw.setdefault("private", public_loopback)
        return real(*args, **kw)

    monkeypatch.setattr(fetch, "Fetcher", made)
    return feeds


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.5", "172.16.3.4", "192.168.1.1", "169.254.169.254", "0.0.0.0", "::1",
     "::", "fe80::1", "fc00::5", "::ffff:10.0.0.5", "224.0.0.1", "100.64.0.1"],
)  # fmt: skip
def test_inward_addresses(address):
    assert is_private(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::6810:84e5", "8.8.8.8"])
def test_public_addresses(address):
    assert not is_private(address)


@pytest.mark.parametrize(
    "target", ["http://10.0.0.5/feed", "http://169.254.169.254/latest/meta-data/",
               "http://[::1]:{port}/feed", "http://0.0.0.0:{port}/feed",
               "http://127.0.0.2:{port}/feed"],
)  # fmt: skip
def test_a_public_feed_cannot_redirect_inward(server, inner, fetcher, target):
    target = target.format(port=inner.port)
    url = server.serve("/feed", status=302, headers={"Location": target})
    inner.serve_file("/feed", "rss20.xml")
    with pytest.raises(FetchError, match="redirected to a private network address") as err:
        fetcher.get(url)
    assert err.value.kind == "private"
    assert "If this feed really lives on your intranet, add it by that address." in str(err.value)
    assert "\n" not in str(err.value)
    assert inner.requests == []


def test_a_name_is_judged_by_the_address_it_reaches():
    """A redirect to a name ('localhost'), not an IP literal: the name is resolved, and the
    address it gives (127.0.0.1, private under this classifier, where 127.0.0.3 plays the
    public site) is refused before any connection. The socket would connect to that very
    address, so a name that resolves differently a second time cannot slip through."""
    with Fetcher(LIMITS, private=lambda a: a != "127.0.0.3") as strict:
        local = FeedServer("127.0.0.1")
        try:
            local.serve_file("/feed", "rss20.xml")
            origin = FeedServer("127.0.0.3")
            try:
                url = origin.serve(
                    "/r", status=301, headers={"Location": f"http://localhost:{local.port}/feed"}
                )
                with pytest.raises(FetchError, match=r"private network address \(127\.0\.0\.1\)"):
                    strict.get(url)
                assert local.requests == []
            finally:
                origin.close()
        finally:
            local.close()


def test_a_pooled_intranet_connection_is_not_reused_by_a_public_feed(server, inner, fetcher):
    inner.serve_file("/feed", "rss20.xml")
    assert fetcher.get(inner.url("/feed")).inward  # typed: the intranet feed works
    url = server.serve("/feed", status=302, headers={"Location": inner.url("/feed")})
    with pytest.raises(FetchError, match="private network address"):
        fetcher.get(url)
    assert len(inner.requests) == 1


def test_an_intranet_feed_may_redirect_within_the_intranet(inner, fetcher):
    target = inner.serve_file("/new", "rss20.xml")
    url = inner.serve("/old", status=301, headers={"Location": target})
    got = fetcher.get(url)
    assert got.body == data("rss20.xml") and got.inward


def test_a_public_page_cannot_link_inward(server, inner, public_feeds):
    inner.serve_file("/feed.xml", "rss20.xml")
    page = data("page.html").replace(b'href="/feed/"', f'href="{inner.url("/feed.xml")}"'.encode())
    assert inner.url("/feed.xml").encode() in page
    url = server.serve("/", page, headers={"Content-Type": "text/html"})
    with pytest.raises(Exception, match="private network address") as err:
        public_feeds.add(url)
    assert "add it by that address" in str(err.value)
    assert inner.requests == []
    # typed by the user, the same intranet address is fine
    assert public_feeds.add(inner.url("/feed.xml")).created


def test_an_intranet_page_may_link_within_the_intranet(inner, public_feeds):
    inner.serve_file("/feed/", "rss20.xml")
    url = inner.serve("/", data("page.html"), headers={"Content-Type": "text/html"})
    assert public_feeds.add(url).feed.url == inner.url("/feed/")


def test_a_refresh_refuses_a_redirect_inward_and_says_so(server, inner, public_feeds):
    feed = public_feeds.add(server.serve_file("/feed", "rss20.xml")).feed
    inner.serve_file("/feed", "rss20.xml")
    server.serve("/feed", status=301, headers={"Location": "http://169.254.169.254/x"})
    result = public_feeds.refresh().results[0]
    assert result.status == "error" and "private network address (169.254.169.254)" in result.error
    assert public_feeds.get(feed.id).url == server.url("/feed")  # not moved there


# ---- credentials ----------------------------------------------------------------------------


def test_a_page_password_is_not_sent_to_the_feed_it_links_elsewhere(server, feeds):
    other = FeedServer("127.0.0.2")
    try:
        other.serve_file("/feed.xml", "rss20.xml")
        page = data("page.html").replace(
            b'href="/feed/"', f'href="{other.url("/feed.xml")}"'.encode()
        )
        url = server.serve("/", page, headers={"Content-Type": "text/html"})
        added = feeds.add(url, username="alice", password="s3cret").feed
        assert server.seen("/")[0].headers["authorization"].startswith("Basic ")
        assert "authorization" not in other.seen("/feed.xml")[0].headers
        # nor on later refreshes: the password is kept only for the origin it was given for
        assert added.username == ""
        feeds.refresh()
        assert all("authorization" not in r.headers for r in other.requests)
    finally:
        other.close()


def test_a_password_is_not_sent_on_a_redirect_to_another_port(server, fetcher):
    other = FeedServer("127.0.0.1")
    try:
        target = other.serve_file("/feed.xml", "rss20.xml")
        url = server.serve("/f", status=301, headers={"Location": target})
        fetcher.get(url, auth=("alice", "s3cret"))
        assert "authorization" not in other.seen("/feed.xml")[0].headers
    finally:
        other.close()


def test_a_permanent_move_elsewhere_does_not_carry_the_password(server, feeds):
    other = FeedServer("127.0.0.2")
    try:
        feed = feeds.add(
            server.serve_file("/f", "rss20.xml"), username="alice", password="s3cret"
        ).feed
        target = other.serve_file("/feed.xml", "rss20.xml")
        server.serve("/f", status=301, headers={"Location": target})
        feeds.refresh()
        feeds.refresh()
        assert all("authorization" not in r.headers for r in other.requests)
        assert feeds.get(feed.id).url == server.url("/f")  # stays where the password belongs
    finally:
        other.close()


def test_credentials_in_a_redirect_are_neither_sent_nor_stored(server, feeds):
    feed = feeds.add(server.serve_file("/f", "rss20.xml")).feed
    target = f"http://mallory:pw@127.0.0.1:{server.port}/new.xml"
    server.serve_file("/new.xml", "rss20.xml")
    server.serve("/f", status=301, headers={"Location": target})
    result = feeds.refresh().results[0]
    assert result.status == "ok"
    assert "authorization" not in server.seen("/new.xml")[0].headers
    assert feeds.get(feed.id).url == server.url("/new.xml")
    assert "mallory" not in feeds.get(feed.id).url
