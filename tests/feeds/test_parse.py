"""Feed formats and item identity: RSS 0.91/1.0/2.0, Atom, JSON Feed 1.0/1.1, broken and hostile XML."""

import pytest

from pkm.core.feeds.parse import NotAFeed, parse_feed, strip_doctype
from tests.feeds.conftest import data

URL = "https://feeds.example.com/feed"


def parse(name: str, ctype: str = "application/xml"):
    return parse_feed(data(name), {"content-type": ctype}, URL)


def test_rss20_items_with_creator_dates_and_identity():
    feed = parse("rss20.xml")
    assert feed.title == "Strategy & Leadership Weekly"
    assert feed.site_url == "https://leadership.example.com/"
    first, second, third = feed.items
    assert first.guid == "https://leadership.example.com/?p=4411"  # guid wins
    assert first.author == "Maria Okafor"
    assert first.published == "2026-11-20T08:00:00+00:00"
    assert "thinking made visible" in first.text
    assert 'src="https://leadership.example.com/wp-content/uploads/2026/11/memo.jpg"' in first.html
    assert "pixel.wp.com" not in first.html and "open.gif" not in first.html
    assert second.guid == second.url  # no guid: the link
    assert third.guid.startswith("sha256:") and third.url == ""  # neither: a hash


def test_atom_with_xml_base_html_and_xhtml_content():
    feed = parse("atom.xml")
    assert feed.kind == "atom10"
    a, b = feed.items
    assert a.title == "Scaling search to a billion documents"
    assert a.url == "https://tech.example.net/blog/posts/scaling-search/"
    assert 'href="https://tech.example.net/blog/posts/un-sharding/"' in a.html
    assert a.author == "Priya Raman"
    assert b.text == "Rotations of one week, never alone."
    assert b.published == "2026-11-14T07:00:00+00:00"  # +01:00 converted to UTC
    assert b.author == "Example Engineering"  # inherited from the feed


def test_rss10_and_rss091_with_netscape_doctype():
    rdf = parse("rss10.xml")
    assert rdf.items[0].author == "A. Researcher" and rdf.items[0].published.startswith(
        "2026-11-10"
    )
    old = parse("rss091.xml")
    assert old.items[0].title == "Café opening"
    assert "5 €" in old.items[0].text


def test_json_feed_11():
    feed = parse("jsonfeed11.json", "application/feed+json")
    assert feed.kind == "json11" and feed.title == "Indie Thoughts"
    small, note, link, bad = feed.items  # the string entry is skipped
    assert small.author == "Jo Writer"  # the feed's author
    assert small.published == "2026-11-18T14:00:00+00:00"
    assert 'src="https://indie.example.com/img/team.png"' in small.html
    assert "<script" not in small.html
    assert note.title.startswith("A short note") and note.author == "Guest Author"
    assert "<p>Second paragraph.</p>" in note.html
    assert link.guid == "12345" and link.url == "https://elsewhere.example.org/article"
    assert bad.title == "Untitled" and bad.html == ""


def test_json_feed_10_detected_without_content_type():
    feed = parse("jsonfeed10.json", "text/plain")
    assert feed.kind == "json10"
    assert feed.items[0].author == "Classic Author"
    assert feed.items[0].text == "Hello from JSON Feed 1.0"


@pytest.mark.parametrize(
    "body",
    [b'{"version": "1", "items": []}', b"[1, 2]", b"{not json", b"[" * 100_000 + b"]" * 100_000],
)
def test_json_that_is_not_a_json_feed_is_refused(body):
    with pytest.raises(NotAFeed):
        parse_feed(body, {"content-type": "application/json"}, URL)


def test_malformed_xml_is_salvaged():
    feed = parse("malformed.xml")
    assert [i.title for i in feed.items] == [
        "Unescaped ampersand & a bold title",
        "Second item survives",
    ]
    assert feed.items[0].published is None  # the bad date is ignored


def test_billion_laughs_expands_nothing():
    feed = parse("billion_laughs.xml")
    item = feed.items[0]
    assert "lollol" not in item.text and "lollol" not in feed.title
    assert "AAAA" not in item.text
    assert len(item.text) < 200


def test_external_entities_are_not_resolved():
    feed = parse("xxe.xml")
    everything = feed.title + "".join(i.title + i.text + i.html for i in feed.items)
    assert "root:" not in everything
    assert feed.items[0].text == "Contents: &xxe;"


def test_a_body_that_names_a_local_file_is_not_opened():
    # feedparser opens a str/bytes argument as a file name if it can: we never let it.
    with pytest.raises(NotAFeed):
        parse_feed(b"/etc/passwd", {"content-type": "application/rss+xml"}, URL)


def test_html_page_is_not_a_feed():
    with pytest.raises(NotAFeed, match="is not a feed"):
        parse("page.html", "text/html")
    with pytest.raises(NotAFeed, match="empty"):
        parse_feed(b"  \n", {}, URL)


def test_strip_doctype_handles_quotes_and_internal_subsets():
    doc = b'<?xml version="1.0"?>\n<!DOCTYPE x [ <!ENTITY a "]>"> ]><rss/>'
    assert strip_doctype(doc) == b'<?xml version="1.0"?>\n<rss/>'
    assert strip_doctype(b"<rss/>") == b"<rss/>"


def test_repeated_guid_keeps_the_first():
    body = (
        b"<rss version='2.0'><channel><title>t</title>"
        b"<item><guid>same</guid><title>one</title></item>"
        b"<item><guid>same</guid><title>two</title></item></channel></rss>"
    )
    assert [i.title for i in parse_feed(body, {}, URL).items] == ["one"]


def test_content_hash_changes_with_the_text_not_with_nothing():
    a = parse("rss20.xml").items[0]
    b = parse_feed(data("rss20.xml").replace(b"long meeting.", b"long meeting!"), {}, URL).items[0]
    assert a.guid == b.guid and a.content_hash != b.content_hash
    assert parse("rss20.xml").items[0].content_hash == a.content_hash


def test_defence_in_depth_feedparser_alone_expands_nothing_either():
    """Even without our DOCTYPE stripping, feedparser + expat resolve no entity bombs or files."""
    import io

    import feedparser

    for name in ("xxe.xml", "billion_laughs.xml"):
        d = feedparser.parse(io.BytesIO(data(name)), sanitize_html=False)
        text = repr(d.feed) + repr(d.entries)
        assert "root:" not in text and "lollollol" not in text, name


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("maria@northwind.example (Maria Lopez)", "Maria Lopez"),
        ("Maria Lopez <maria@northwind.example>", "Maria Lopez"),
        ("editor@northwind.example", "editor@northwind.example"),  # nothing better to show
        ("Maria Lopez (Northwind)", "Maria Lopez (Northwind)"),  # no address: as written
    ],
)
def test_rss_author_shows_the_persons_name_not_their_address(raw, shown):
    xml = (
        '<rss version="2.0"><channel><title>T</title><item><title>A</title>'
        f"<guid>a</guid><author>{raw.replace('<', '&lt;').replace('>', '&gt;')}</author>"
        "</item></channel></rss>"
    ).encode()
    (item,) = parse_feed(xml, {"content-type": "application/rss+xml"}, URL).items
    assert item.author == shown
