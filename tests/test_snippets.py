"""Highlighted snippets: escaping, stemming, prefixes, phrases, windows."""

from __future__ import annotations

from pkm.core.search.schema import analyze
from pkm.core.search.snippets import ELLIPSIS, make_snippet

FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 8


def test_escapes_html_and_bolds_matches() -> None:
    text = 'Budget <script>alert("x")</script> & more budget talk'
    out = make_snippet(text, stems={"budget"})
    assert out == (
        "<b>Budget</b> &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more "
        "<b>budget</b> talk"
    )
    assert "<script>" not in make_snippet(text)


def test_match_inside_markup_like_text_is_escaped_too() -> None:
    out = make_snippet("a <b>bold</b> claim", stems={"bold"})
    assert out == "a &lt;b&gt;<b>bold</b>&lt;/b&gt; claim"


def test_stemmed_words_light_up() -> None:
    out = make_snippet("She runs; they ran; we are running.", stems=set(analyze("run")))
    assert out == "She <b>runs</b>; they ran; we are <b>running</b>."


def test_prefix_matches() -> None:
    out = make_snippet("Smoking and smoke, but not asmoke.", prefixes={"smo"})
    assert out == "<b>Smoking</b> and <b>smoke</b>, but not asmoke."


def test_phrase_is_bold_only_where_adjacent() -> None:
    text = "Interest was high. Rates fell. Interest rates then rose."
    out = make_snippet(text, phrases=[tuple(analyze("interest rates"))])
    assert out == "Interest was high. Rates fell. <b>Interest rates</b> then rose."


def test_phrase_across_stopwords() -> None:
    out = make_snippet("The board of directors met.", phrases=[("board", "director")])
    assert out == "The <b>board of directors</b> met."


def test_no_match_gives_the_beginning() -> None:
    text = "First words here. " + FILLER
    out = make_snippet(text, stems={"zebra"})
    assert out.startswith("First words here.")
    assert out.endswith(ELLIPSIS)
    assert 150 <= len(out) <= 240
    assert "<b>" not in out


def test_window_around_a_late_match_has_ellipses_and_whole_words() -> None:
    text = FILLER + "The decisive budget meeting happened. " + FILLER
    out = make_snippet(text, stems={"budget"})
    assert out.startswith(ELLIPSIS) and out.endswith(ELLIPSIS)
    assert "<b>budget</b>" in out
    assert len(out.replace("<b>", "").replace("</b>", "")) <= 240
    body = out.strip(ELLIPSIS)
    for word in body.replace("<b>", "").replace("</b>", "").split():
        assert word.strip(".,") in text  # no word cut in half


def test_densest_window_wins() -> None:
    text = "budget " + FILLER + "budget hiring plan, hiring budget. " + FILLER
    out = make_snippet(text, stems={"budget", "hire"})
    assert "<b>hiring</b>" in out and out.count("<b>") >= 4


def test_whitespace_is_collapsed() -> None:
    assert make_snippet("line one\n\n  line   two", stems={"two"}) == "line one line <b>two</b>"


def test_whole_text_for_titles() -> None:
    title = "A <very> long title about budgets " + "x" * 300
    out = make_snippet(title, stems={"budget"}, width=0)
    assert out.startswith("A &lt;very&gt; long title about <b>budgets</b>")
    assert ELLIPSIS not in out


def test_empty_text() -> None:
    assert make_snippet("", stems={"x"}) == ""
