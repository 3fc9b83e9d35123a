"""Feed HTML is hostile: what survives sanitizing, and what the index gets as text."""

from pkm.core.feeds.parse import parse_feed
from pkm.core.feeds.sanitize import clean_feed_html, excerpt, html_to_text, is_tracker, plain_text
from tests.feeds.conftest import data

BASE = "https://blog.example.com/posts/1/"


def _hostile_html() -> str:
    feed = parse_feed(data("hostile.xml"), {"content-type": "application/rss+xml"}, BASE)
    return feed.items[0].html


def test_scripts_handlers_and_styles_are_gone():
    html = _hostile_html().lower()
    for bad in ("<script", "onerror", "onclick", "onload", "onmouseover", "style=", "<style",
                "alert(", "document.cookie", "@import", "position:fixed"):  # fmt: skip
        assert bad not in html, bad


def test_dangerous_urls_are_dropped_whatever_the_spelling():
    html = _hostile_html().lower()
    for scheme in ("javascript:", "vbscript:", "data:", "file:"):
        assert scheme not in html, scheme
    # the link text stays readable, only the href goes
    assert ">tab trick</a>" in html and ">entity trick</a>" in html


def test_embedded_content_forms_and_page_level_tags_are_removed():
    html = _hostile_html().lower()
    for tag in ("<iframe", "<object", "<embed", "<svg", "<form", "<input", "<button", "<meta",
                "<base", "<link", "<!--"):  # fmt: skip
        assert tag not in html, tag
    assert "iframe fallback" not in html and "svg text" not in html


def test_tracking_pixels_dropped_real_images_kept():
    html = _hostile_html()
    assert "feedburner" not in html and "google-analytics" not in html
    assert "pixel.gif" not in html and "spacer.gif" not in html
    assert '<img src="https://legit.example.com/photo.jpg"' in html
    assert 'alt="a real photo"' in html


def test_relative_urls_become_absolute_against_the_item_link():
    html = _hostile_html()
    assert 'href="https://legit.example.com/relative/path"' in html
    assert 'href="https://cdn.legit.example.com/x"' in html
    assert 'src="https://legit.example.com/news/x.png"' in html  # relative to the item link


def test_links_open_without_referrer_or_opener():
    html = clean_feed_html('<a href="https://x.example/">x</a>', BASE)
    assert 'rel="noopener noreferrer nofollow"' in html


def test_every_remaining_url_is_absolute_http():
    import re

    html = _hostile_html()
    urls = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert urls and all(u.startswith(("http://", "https://")) for u in urls)


def test_tracker_detection():
    assert is_tracker("https://pixel.wp.com/g.gif?x=1")
    assert is_tracker("https://stats.wordpress.com/b.gif")
    assert is_tracker("https://feeds.feedburner.com/~r/Blog/~4/xyz")
    assert is_tracker("https://us3.list-manage.com/track/open.php?u=1")
    assert not is_tracker("https://feeds.feedburner.com/Blog")
    assert not is_tracker("https://images.example.com/photo.jpg")


def test_text_extraction_keeps_blocks_apart_and_unescapes():
    html = "<h2>Title</h2><p>One &amp; two</p><ul><li>a</li><li>b</li></ul>x<br>y"
    assert html_to_text(html) == "Title\n\nOne & two\n\na\nb\n\nx\ny"


def test_titles_become_one_line_of_text():
    assert plain_text("<b>Bold</b> &amp;   <i>italic</i>\n title") == "Bold & italic title"
    assert plain_text("AT&amp;T") == "AT&T"
    assert len(plain_text("x" * 1000)) == 500


def test_excerpt_cuts_at_a_sentence_or_word():
    text = "First sentence here. " + "word " * 100
    assert excerpt(text, 35) == "First sentence here."
    assert excerpt("short", 60) == "short"
    assert excerpt("a " * 100, 21).endswith("…")
