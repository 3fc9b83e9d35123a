"""The styled editor's line parser: what is drawn as a chip is what the journal extracts."""

from __future__ import annotations

import pytest

from pkm.core.syntax import extract_links, extract_tags
from pkm.gui.sense.md_spans import parse_line

LINES = [
    "Met #sales about [[Q3 plan]] and [[Board|the board]], see `#define` and a#b.",
    "# Heading #strategy",
    "> Quoted [[Note]] #ai/ethics, url https://x.com/page#frag",
    "- [ ] Call #anna about [memo](https://example.com/#notatag)",
    "#123 is not a tag but #q3-plan is",
]


@pytest.mark.parametrize("line", LINES)
def test_chips_are_exactly_the_tags_and_links_extraction_finds(line):
    style = parse_line(line)
    tags = [s.data for s in style.spans if s.kind == "tag"]
    links = [s.data for s in style.spans if s.kind == "wiki"]
    assert tags == extract_tags(line)
    assert links == list(extract_links(line).values())


def test_block_looks():
    assert parse_line("## Plans").base == "h2"
    assert parse_line("#tag line").base == ""  # a heading needs "# "
    assert parse_line("> quote").base == "quote"
    assert parse_line("---").base == "rule"
    assert parse_line("```python").in_fence
    inside = parse_line("#notatag [[nolink]]", True)
    assert inside.base == "fence" and inside.spans == []
    task = parse_line("- [x] Done it")
    assert [(s.kind, s.data) for s in task.spans if s.kind == "checkbox"] == [("checkbox", "x")]
    image = parse_line("![photo](media/" + "a" * 64 + ".jpg)")
    assert image.base == "image" and image.image.startswith("media/")
    assert parse_line("![remote](https://example.com/a.png)").base == ""  # never fetched


def test_a_link_folds_its_address_and_reveals_it_around_the_cursor():
    line = "See [the memo](https://example.com/long) now"
    style = parse_line(line)
    folds = [line[s.start : s.end] for s in style.spans if s.kind == "fold"]
    assert folds == ["[", "](https://example.com/long)"]
    link = next(s for s in style.spans if s.kind == "link")
    assert line[link.start : link.end] == "the memo" and link.data == "https://example.com/long"
    assert style.reveal_at(line.index("memo")) == (0,)
    assert style.reveal_at(len(line)) == ()


def test_emphasis():
    style = parse_line("**bold** and *it* and _it_ but not snake_case_name or 2*3*4")
    kinds = [s.kind for s in style.spans if s.kind in ("bold", "italic")]
    assert kinds == ["bold", "italic", "italic"]
