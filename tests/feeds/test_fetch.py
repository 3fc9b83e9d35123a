"""The fetcher against a real local server: etiquette, conditional GET, redirects and limits."""

import gzip
import zlib

import pytest

from pkm.core.feeds.fetch import Fetcher, FetchError, Limits, retry_after_seconds
from tests.feeds.conftest import data, dribble

LIMITS = Limits(
    connect_timeout=2, read_timeout=1, deadline=2, max_bytes=256 * 1024, max_redirects=3
)


@pytest.fixture
def fetcher():
    with Fetcher(LIMITS, max_connections=4) as f:
        yield f


def test_plain_get_with_polite_headers_and_no_cookies(server, fetcher):
    url = server.serve_file("/feed.xml", "rss20.xml", headers={"Set-Cookie": "track=1; Path=/"})
    first = fetcher.get(url)
    assert first.status == 200 and first.body == data("rss20.xml")
    fetcher.get(url)
    a, b = server.seen("/feed.xml")
    assert a.method == b.method == "GET"
    assert a.headers["user-agent"].startswith("pkm/") and "feed reader" in a.headers["user-agent"]
    assert "referer" not in a.headers
    assert "cookie" not in b.headers  # the cookie the server set was never kept
    assert "gzip" in a.headers["accept-encoding"]


def test_conditional_get_sends_validators_back_verbatim(server, fetcher):
    etag, modified = 'W/"5f3a-1700000000"', "Fri, 20 Nov 2026 08:12:44 GMT"
    url = server.serve_file("/feed.xml", "rss20.xml", etag=etag, last_modified=modified)
    first = fetcher.get(url)
    assert first.headers["etag"] == etag and first.headers["last-modified"] == modified
    again = fetcher.get(url, etag=etag, last_modified=modified)
    assert again.status == 304 and again.body == b""
    seen = server.seen("/feed.xml")[-1].headers
    assert seen["if-none-match"] == etag and seen["if-modified-since"] == modified


def test_gzip_and_deflate_bodies_are_decoded(server, fetcher):
    body = data("atom.xml")
    g = server.serve("/g", gzip.compress(body), headers={"Content-Encoding": "gzip"})
    d = server.serve("/d", zlib.compress(body), headers={"Content-Encoding": "deflate"})
    raw = zlib.compressobj(wbits=-15)
    r = server.serve(
        "/r", raw.compress(body) + raw.flush(), headers={"Content-Encoding": "deflate"}
    )
    assert fetcher.get(g).body == fetcher.get(d).body == fetcher.get(r).body == body


def test_gzip_bomb_stops_at_the_limit_after_decompression(server, fetcher):
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024))  # 50 MB of zeros in ~50 KB
    assert len(bomb) < LIMITS.max_bytes
    url = server.serve("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="after decompression") as err:
        fetcher.get(url)
    assert err.value.kind == "too_big"


def test_huge_body_is_refused(server, fetcher):
    url = server.serve("/huge", b"<rss>" + b"x" * (LIMITS.max_bytes + 10))
    with pytest.raises(FetchError, match="sent more than"):
        fetcher.get(url)

    def no_length(h):  # the size is only known by reading
        h.send_response(200)
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(b"x" * (LIMITS.max_bytes + 1))
        h.close_connection = True

    with pytest.raises(FetchError, match="sent more than"):
        fetcher.get(server.handle("/chunked", no_length))


def test_unsupported_encoding_is_refused(server, fetcher):
    url = server.serve("/br", b"\x00\x01", headers={"Content-Encoding": "br"})
    with pytest.raises(FetchError, match="'br'"):
        fetcher.get(url)


def test_slow_dribbling_body_is_cut_by_the_overall_deadline(server, fetcher):
    url = server.handle("/slow", dribble(server))
    with pytest.raises(FetchError, match="longer than 2 seconds in all") as err:
        fetcher.get(url)
    assert err.value.kind == "timeout"


def test_slow_dribbling_headers_are_cut_by_the_overall_deadline(server, fetcher):
    url = server.handle("/slow-headers", dribble(server, headers_first=False))
    with pytest.raises(FetchError, match="longer than 2 seconds in all"):
        fetcher.get(url)


def test_silent_server_hits_the_read_timeout(server, fetcher):
    def silent(h):
        server.stopping.wait(5)

    with pytest.raises(FetchError, match="did not answer within 1 seconds"):
        fetcher.get(server.handle("/silent", silent))


def test_redirects_are_followed_and_permanent_ones_reported(server, fetcher):
    target = server.serve_file("/new.xml", "rss20.xml")
    server.serve("/old.xml", status=301, headers={"Location": "/mid.xml"})
    server.serve("/mid.xml", status=308, headers={"Location": target})
    got = fetcher.get(server.url("/old.xml"))
    assert got.status == 200 and got.url == target and got.permanent_url == target
    server.serve("/temp.xml", status=302, headers={"Location": "/old.xml"})
    got = fetcher.get(server.url("/temp.xml"))
    assert got.url == target and got.permanent_url is None  # a temporary hop on the way


def test_too_many_redirects(server, fetcher):
    server.serve("/loop", status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchError, match="redirected more than 3 times"):
        fetcher.get(server.url("/loop"))
    assert len(server.seen("/loop")) == 4


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "ftp://ftp.example.com/feed", "javascript:alert(1)"]
)
def test_redirect_to_a_non_web_address_is_refused(server, fetcher, location):
    url = server.serve("/evil", status=301, headers={"Location": location})
    with pytest.raises(FetchError, match="non-web address") as err:
        fetcher.get(url)
    assert "root:" not in str(err.value)


def test_credentials_are_not_sent_to_another_origin(server, fetcher):
    from tests.feeds.conftest import FeedServer

    other = FeedServer()
    try:
        target = other.serve_file("/feed.xml", "rss20.xml")
        url = server.serve("/private", status=302, headers={"Location": target})
        fetcher.get(url, auth=("ann", "s3cret"))
        assert server.seen("/private")[0].headers["authorization"].startswith("Basic ")
        assert "authorization" not in other.seen("/feed.xml")[0].headers
    finally:
        other.close()


@pytest.mark.parametrize(
    ("status", "kind", "text"),
    [
        (404, "http", "not found"),
        (410, "gone", "gone"),
        (401, "auth", "--user"),
        (403, "http", "refused access"),
        (500, "backoff", "server error"),
        (429, "backoff", "slow down"),
        (418, "http", "418"),
    ],
)
def test_http_errors_have_clear_messages(server, fetcher, status, kind, text):
    url = server.serve("/x", status=status, headers={"Retry-After": "120"})
    with pytest.raises(FetchError, match=text) as err:
        fetcher.get(url)
    assert err.value.kind == kind and err.value.status == status
    if kind == "backoff":
        assert err.value.retry_after == 120


def test_connection_refused_message(fetcher):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(FetchError, match=r"connection refused\. Check the address"):
        fetcher.get(f"http://127.0.0.1:{port}/feed")


def test_retry_after_as_date_and_seconds():
    import datetime as dt

    now = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("90") == 90
    assert retry_after_seconds("Sun, 22 Nov 2026 10:05:00 GMT", now) == 300
    assert retry_after_seconds("soon") is None
