from pkm.core.markdown import render, render_document, to_plain


def test_extensions():
    html = render(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```\n\n- [x] done\n- [ ] todo\n\nA[^1]\n\n[^1]: foot\n"
    )
    assert "<table>" in html and "<td>1</td>" in html
    assert "<pre><code" in html and "x = 1" in html
    assert 'type="checkbox"' in html and "disabled" in html
    assert 'id="fn:1"' in html


def test_hostile_html_is_removed():
    html = render(
        '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'
        "<iframe src='http://evil'></iframe><style>body{}</style>"
    )
    for bad in ("<script", "alert(1)", "onerror", "javascript:", "<iframe", "<style"):
        assert bad not in html


def test_wiki_links_and_tags_render_as_links():
    html = render("See [[Q3 plan|the plan]] #strategy", resolver=lambda t: False)
    assert 'href="pkm://entry/Q3%20plan"' in html and ">the plan</a>" in html
    assert "not written yet" in html
    assert 'href="pkm://tag/strategy"' in html


def test_list_right_under_a_line():
    assert "<li>one</li>" in render("Points:\n- one\n- two")


def test_plain_text():
    assert to_plain("# Title\n**bold** [link](http://x) [[Page|alias]] ![img](y)") == (
        "Title\nbold link alias img"
    )


def test_document_escapes_title():
    doc = render_document("<Q3>", "body")
    assert "<title>&lt;Q3&gt;</title>" in doc and "<!DOCTYPE html>" in doc


def test_a_line_of_tags_is_not_a_heading():
    """CommonMark and Obsidian: a heading needs "# " (or nothing) after the hashes."""
    html = render("#strategy #operations")
    assert "<h1" not in html and html.startswith('<p><a href="pkm://tag/strategy"')
    assert "<h1" not in render("Notes\n#strategy\nmore") and "<h2" not in render("##nope")
    assert render("# Heading") == "<h1>Heading</h1>" and render("### Three ###") == "<h3>Three</h3>"
    assert render("#\tTabbed") == "<h1>Tabbed</h1>" and render("#5 bolt") == "<p>#5 bolt</p>"
    assert "<h2>Two</h2>" in render("# One\n## Two\ntext")


def test_plain_text_keeps_code_and_text_verbatim():
    text = 'cost < 4 else "buy & <wait>"'
    assert to_plain(text) == text
    assert to_plain("Run `a <b> **c**` now") == "Run a <b> **c** now"
    assert to_plain("```\n# not a heading\n- [x] **kept**\n```\n- item") == (
        "# not a heading\n- [x] **kept**\nitem"
    )
    assert to_plain("a <em>b</em> c &amp; d") == "a  b  c & d"  # real HTML and entities go
    assert to_plain("text `code` - not a bullet") == "text code - not a bullet"
