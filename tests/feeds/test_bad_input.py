"""Bad input is contained: one bad link, line or member never stops a feed, a refresh or an import."""

import gzip
import zlib

import pytest

from pkm.core.feeds.parse import parse_feed, strip_doctype
from pkm.core.feeds.transport import Inflater
from tests.feeds.conftest import data


def rss(*links: str, title: str = "Bad links") -> bytes:
    items = "".join(
        f"<item><title>Item {n}</title><guid>g{n}</guid><link>{link}</link>"
        f"<description>&lt;p&gt;Body {n} &lt;a href='{link}'&gt;here&lt;/a&gt;&lt;/p&gt;"
        "</description></item>"
        for n, link in enumerate(links)
    )
    return (
        f"<rss version='2.0'><channel><title>{title}</title><link>https://x.example/</link>"
        f"{items}</channel></rss>"
    ).encode()


BAD_LINKS = ("// Author: crlf", "http://[::1]:8080/x", "http://[::1/x", "http://h:99999/x")


def test_bad_item_links_drop_only_that_link():
    feed = parse_feed(
        rss("https://ok.example/a", *BAD_LINKS, "https://ok.example/b"), {}, "http://127.0.0.1/f"
    )
    assert len(feed.items) == 2 + len(BAD_LINKS)  # every item kept
    assert (
        feed.items[0].url == "https://ok.example/a" and feed.items[-1].url == "https://ok.example/b"
    )
    from pkm.core.feeds.urls import item_key

    for item in feed.items:  # whatever was kept as a link can be keyed without raising
        item_key(item.url)


def test_a_feed_with_bad_links_is_stored_and_the_others_refresh(server, feeds):
    bad = feeds.add(server.serve("/bad.xml", rss("https://ok.example/a"))).feed
    good = feeds.add(server.serve("/good.xml", rss("https://ok.example/g", title="Good"))).feed
    server.serve("/bad.xml", rss("https://ok.example/a", *BAD_LINKS))
    server.serve("/good.xml", rss("https://ok.example/g", "https://ok.example/h", title="Good"))
    for _ in range(2):  # and the next refresh too
        report = feeds.refresh()
        results = {r.feed_id: r for r in report.results}
        assert results[bad.id].status == "ok" and results[good.id].status == "ok"
    assert len(feeds.items(feed_id=bad.id)) == 1 + len(BAD_LINKS)
    assert len(feeds.items(feed_id=good.id)) == 2


def test_ipv6_feed_address_keeps_its_brackets():
    from pkm.core.feeds.urls import check_url, feed_key

    url = check_url("http://[::1]:8080/x")
    assert url == "http://[::1]:8080/x"
    assert feed_key(url) == "[::1]:8080/x"
    assert check_url("http://[2001:db8::1]/feed") == "http://[2001:db8::1]/feed"


def test_one_bad_opml_line_is_refused_and_the_rest_imported(server, feeds):
    good = [server.url(f"/f{n}.xml") for n in range(3)]
    lines = [f'<outline type="rss" text="Good {n}" xmlUrl="{u}"/>' for n, u in enumerate(good)]
    lines.insert(1, '<outline type="rss" text="Bad port" xmlUrl="http://h: crlf/x"/>')
    lines.insert(2, '<outline type="rss" text="Bad v6" xmlUrl="http://[::1/x"/>')
    lines.insert(3, '<outline type="rss" text="v6" xmlUrl="http://[::1]:8080/x"/>')
    body = f"<opml version='2.0'><body>{''.join(lines)}</body></opml>".encode()
    report = feeds.import_opml(body)
    assert sorted(f.title for f in report.added) == ["Good 0", "Good 1", "Good 2", "v6"]
    assert {u for u, _ in report.refused} == {"http://h: crlf/x", "http://[::1/x"}
    assert {f.url for f in feeds.list()} >= {*good, "http://[::1]:8080/x"}


# ---- gzip -------------------------------------------------------------------------------


def test_multi_member_gzip_is_read_whole():
    members = b"".join(gzip.compress(b"member %d;" % n) for n in range(5000))
    out = Inflater("gzip").feed(members, 1 << 20)
    assert out == b"".join(b"member %d;" % n for n in range(5000))


def test_multi_member_gzip_bomb_is_still_bounded():
    bomb = gzip.compress(b"\0" * (4 << 20)) * 20  # 80 MB in 20 members
    from pkm.core.feeds.transport import TooBig

    with pytest.raises(TooBig):
        Inflater("gzip").feed(bomb, 1 << 20)


def test_multi_member_gzip_over_http(server):
    from pkm.core.feeds.fetch import Fetcher

    body = data("rss20.xml")
    half = len(body) // 2
    zipped = gzip.compress(body[:half]) + gzip.compress(body[half:])
    url = server.serve("/m.xml", zipped, headers={"Content-Encoding": "gzip"})
    with Fetcher() as fetcher:
        assert fetcher.get(url).body == body


def test_damaged_second_member_is_an_error_not_a_crash():
    with pytest.raises(zlib.error):
        Inflater("gzip").feed(gzip.compress(b"one") + b"\x1f\x8b\x08garbage", 1000)


# ---- DOCTYPE ----------------------------------------------------------------------------


def test_doctype_in_a_comment_or_cdata_is_text():
    doc = data("item_description_not_a_doctype2.xml")  # as feedparser's own test file
    assert strip_doctype(doc) == doc  # nothing in it is a declaration
    feed = parse_feed(doc, {}, "https://x.example/f")
    assert [i.title for i in feed.items] == ["First", "Second", "Third"]
    assert "DOCTYPE" in feed.items[1].text and feed.items[2].text == "still here"


def test_only_a_prolog_doctype_is_stripped():
    doc = (
        b'<?xml version="1.0"?>\n<!-- a comment -->\n<?pi x?>\n'
        b'<!DOCTYPE rss [<!ENTITY a "aaaa">]>\n<rss><c><![CDATA[<!DOCTYPE x>]]></c>'
        b"<!-- <!DOCTYPE y --></rss>"
    )
    out = strip_doctype(doc)
    assert b"ENTITY" not in out
    assert out.endswith(b"<rss><c><![CDATA[<!DOCTYPE x>]]></c><!-- <!DOCTYPE y --></rss>")
    assert strip_doctype(b"<rss><!-- <!DOCTYPE") == b"<rss><!-- <!DOCTYPE"


# ---- deep nesting -------------------------------------------------------------------------


def test_deeply_nested_html_is_flattened_before_cleaning():
    """The HTML parser's work grows with size x depth (200,000 nested <div> took 230 s):
    beyond MAX_DEPTH levels the tags go and the text stays, so the work is linear."""
    from pkm.core.feeds.sanitize import MAX_DEPTH

    n = 5000
    inner = "<div>" * n + "deep" + "</div>" * n
    body = (
        "<rss version='2.0'><channel><title>Deep</title><item><title>x</title><guid>g</guid>"
        f"<description><![CDATA[<p>before</p>{inner}<p>after</p>]]></description></item>"
        "<item><title>y</title><guid>h</guid><description>fine</description></item>"
        "</channel></rss>"
    ).encode()
    first, second = parse_feed(body, {}, "https://x.example/f").items
    assert first.html.count("<div>") <= MAX_DEPTH
    assert "deep" in first.text and "before" in first.text and "after" in first.text
    assert second.text == "fine"


def test_deeply_nested_title_is_plain_text():
    from pkm.core.feeds.sanitize import plain_text

    assert plain_text("<b>" * 5000 + "Title" + "</b>" * 5000) == "Title"


def test_ordinary_nesting_is_left_as_it_is():
    from pkm.core.feeds.sanitize import flatten_deep

    html = "<div>" * 50 + "<p>text<br>more</p><ul><li>a<li>b</ul>" + "</div>" * 50
    assert flatten_deep(html, 60) == html
    flat = flatten_deep(html, 10)
    assert flat.count("<div>") == flat.count("</div>") == 10 and "textmoreab" in flat


def test_a_feed_that_fails_while_being_stored_fails_alone(server, feeds, monkeypatch):
    """Whatever slips past the parser and raises while storing stays that feed's error."""
    import pkm.core.feeds.refresh as refresh

    bad = feeds.add(server.serve("/bad.xml", rss("https://ok.example/a"))).feed
    good = feeds.add(server.serve("/good.xml", rss("https://ok.example/g", title="Good"))).feed
    server.serve("/bad.xml", rss("https://ok.example/a", "https://ok.example/boom"))
    server.serve("/good.xml", rss("https://ok.example/g", "https://ok.example/h", title="Good"))
    real = refresh.store_items

    def store(conn, feed_id, *args):
        if feed_id == bad.id:
            conn.execute("UPDATE feeds SET title = 'half-written' WHERE id = ?", (feed_id,))
            raise ValueError("Port could not be cast to integer value as ' crlf'")
        return real(conn, feed_id, *args)

    monkeypatch.setattr(refresh, "store_items", store)
    results = {r.feed_id: r for r in feeds.refresh().results}
    assert results[good.id].status == "ok" and results[good.id].new == 1
    assert results[bad.id].status == "error" and "could not be stored" in results[bad.id].error
    after = feeds.get(bad.id)
    assert after.title != "half-written" and "could not be stored" in after.last_error


def test_a_feed_of_too_many_elements_is_refused_before_parsing():
    """feedparser's time grows with the count of XML elements (2.8 MB of 200,000 xhtml
    spans took ~19 s): past MAX_MARKUP tags, the feed is refused with a message."""
    from pkm.core.feeds.parse import MAX_MARKUP, NotAFeed, markup_count

    spans = "<span>x</span>" * (MAX_MARKUP // 2 + 10)
    body = (
        "<feed xmlns='http://www.w3.org/2005/Atom'><title>Flat</title><entry><title>x</title>"
        f"<id>g</id><content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>{spans}"
        "</div></content></entry></feed>"
    ).encode()
    with pytest.raises(NotAFeed, match="too complex to read"):
        parse_feed(body, {}, "https://x.example/f")
    # HTML in CDATA is not XML markup: a long article there is fine
    article = "<p><b>x</b></p>" * MAX_MARKUP
    cdata = (
        "<rss version='2.0'><channel><title>Long</title><item><title>x</title><guid>g</guid>"
        f"<description><![CDATA[{article}]]></description></item></channel></rss>"
    ).encode()
    assert markup_count(cdata) < 20
    assert parse_feed(cdata, {}, "https://x.example/f").items[0].text.startswith("x")
