"""One rendering, adapted per target: public HTML, Markdown, mrkdwn, plain text, length limits."""

from __future__ import annotations

from pkm.core.publish.render import (
    build_post,
    chunks,
    counted_length,
    fit,
    plain_with_links,
    public_markdown,
    slack_mrkdwn,
)
from pkm.core.publish.teams import card_blocks


def test_public_html_drops_private_links_and_keeps_web_links(entry):
    post = build_post(entry)
    assert "pkm://" not in post.html
    assert "Strategy notes" in post.html and "#leadership" in post.html
    assert '<a href="https://example.com/wol"' in post.html
    assert "<strong>working out loud</strong>" in post.html


def test_public_html_is_sanitized(ws):
    e = ws.journal.create(
        title="x", body="hi <script>alert(1)</script> <img src=x onerror=alert(1)>"
    )
    html = build_post(e).html
    assert "<script" not in html and "onerror" not in html and "alert(1)</" not in html


def test_public_markdown_turns_wiki_links_into_text():
    assert public_markdown("See [[A]] and [[B|the b note]].") == "See A and the b note."


def test_plain_text_keeps_link_targets():
    text = plain_with_links("Read [the book](https://example.com/wol) and https://x.example.")
    assert text == "Read the book (https://example.com/wol) and https://x.example."


def test_slack_mrkdwn_conversion():
    md = "# Title\n\n**bold** and *it* and ~~gone~~ with <tags> & [a link](https://e.x/a)\n\n- one\n- [x] done"
    out = slack_mrkdwn(md)
    assert out.splitlines()[0] == "*Title*"
    assert "*bold* and _it_ and ~gone~ with &lt;tags&gt; &amp; <https://e.x/a|a link>" in out
    assert "• one" in out and "☑ done" in out


def test_slack_code_blocks_are_kept_verbatim():
    out = slack_mrkdwn("text\n\n```\n**not bold** <x>\n```\n")
    assert "```\n**not bold** &lt;x&gt;\n```" in out


def test_mastodon_counts_every_link_as_23():
    assert counted_length("see https://example.com/a/very/long/path/indeed") == 4 + 23


def test_fit_cuts_at_a_word_and_adds_the_link():
    text = "word " * 200
    out = fit(text, 100, "https://blog.example/p/1")
    assert counted_length(out) <= 100
    assert out.endswith("…\n\nhttps://blog.example/p/1")
    assert " wor…" not in out  # never mid-word
    assert fit("short", 100, "https://x") == "short"


def test_chunks_respect_the_size_and_keep_all_text():
    text = "\n\n".join(f"Paragraph {i} " + "x" * 90 for i in range(50))
    parts = chunks(text, 300)
    assert all(len(p) <= 300 for p in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(
        " ", ""
    )


def test_adaptive_card_blocks():
    blocks = card_blocks("## Heading\n\nText with **bold**.\n\n- [x] done\n- [ ] todo")
    assert blocks[0]["weight"] == "Bolder" and blocks[0]["text"] == "Heading"
    assert blocks[1]["text"] == "Text with **bold**."
    assert blocks[2]["text"] == "- ☑ done\n- ☐ todo"
