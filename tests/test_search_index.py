"""SearchIndex: ranking, the query language end to end, updates, rebuilds."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.scoring import BM25F

from pkm.core.errors import QueryError
from pkm.core.search import INDEX_VERSION, IndexDoc, SearchIndex, SearchResults
from pkm.core.search.index import VERSION_FILE, _BulkWriter
from pkm.core.search.query import Word, parse
from pkm.core.search.schema import (
    GRAM_FIELDS,
    TITLE_BOOST,
    PkmAnalyzer,
    analyze,
    build_schema,
    doc_fields,
    stem,
    words,
)

DOCS = [
    IndexDoc(
        "entry:1",
        ("entry", "daily"),
        "Board strategy offsite",
        "We discussed the strategy with the board. Running late again.",
        "2024-05-01",
        ("strategy", "board"),
    ),
    IndexDoc(
        "entry:2",
        ("entry", "note"),
        "Hiring plan",
        "The hiring plan mentions strategy once, interest plus rates.",
        "2024-05-20",
        ("hiring",),
    ),
    IndexDoc(
        "entry:3",
        ("entry", "clip"),
        "Customer interviews",
        "Customers ran the show: customer customer customer focus. Interest rates rose.",
        "2024-02-10",
        (),
        "Harvard Business Review",
    ),
    IndexDoc(
        "item:4",
        ("item",),
        "Markets wrap",
        "Financial markets rallied; the board of directors met. Smoking ban announced.",
        "2023-12-31",
        (),
        "Financial Times",
    ),
    IndexDoc(
        "item:5",
        ("item",),
        "Rates on hold",
        "Interest rates held steady at the central bank meeting. <script>alert(1)</script>",
        "2024-03-31",
        (),
        "FT",
    ),
    IndexDoc(
        "entry:6",
        ("entry", "daily"),
        "Quiet day",
        "Nothing about the topic. Walked the dog and read about internationalization.",
        "2024-01-15",
    ),
]
TEXTS = {d.key: d.body for d in DOCS}


def fetch(keys: Sequence[str]) -> dict[str, str]:
    return {k: TEXTS[k] for k in keys if k in TEXTS}


@pytest.fixture
def make(tmp_path: Path) -> Iterator[Callable[..., SearchIndex]]:
    """SearchIndex factory; every index is closed after the test."""
    made: list[SearchIndex] = []

    def factory(name: str = "index", docs: Sequence[IndexDoc] | None = None) -> SearchIndex:
        index = SearchIndex(tmp_path / name)
        made.append(index)
        if docs is not None:
            assert index.rebuild(docs) == len(docs)
        return index

    yield factory
    for index in made:
        index.close()


@pytest.fixture
def ix(make: Callable[..., SearchIndex]) -> SearchIndex:
    return make("index", DOCS)


def keys(index: SearchIndex, query: str, **kw: object) -> list[str]:
    return [h.key for h in index.search(query, fetch_text=fetch, **kw).hits]  # type: ignore[arg-type]


def test_empty_query_returns_no_hits(ix: SearchIndex) -> None:
    for q in ("", "   ", "the"):
        r = ix.search(q)
        assert isinstance(r, SearchResults)
        assert r.hits == [] and r.total == 0


def test_title_match_outranks_body_only_match(make: Callable[..., SearchIndex]) -> None:
    index = make(
        "t",
        [
            IndexDoc(
                "a", ("entry",), "Notes", "a long day; the budget came up in passing", "2024-01-01"
            ),
            IndexDoc(
                "b",
                ("entry",),
                "Budget",
                "a long day; nothing else came up in passing",
                "2024-01-01",
            ),
        ],
    )
    assert keys(index, "budget") == ["b", "a"]


def test_many_occurrences_outrank_one(make: Callable[..., SearchIndex]) -> None:
    index = make(
        "t",
        [
            IndexDoc("once", ("entry",), "x", "pricing and other things to review", "2024-01-01"),
            IndexDoc(
                "many", ("entry",), "y", "pricing pricing pricing and pricing review", "2024-01-01"
            ),
            IndexDoc("none", ("entry",), "z", "other things", "2024-01-01"),
        ],
    )
    r = index.search("pricing")
    assert [h.key for h in r.hits] == ["many", "once"]
    assert r.total == 2
    assert r.hits[0].score > r.hits[1].score > 0


def test_scores_equal_whoosh_bm25f(ix: SearchIndex) -> None:
    """The term-at-a-time engine computes Whoosh's own BM25F scores (here
    each stem has one word form, so Whoosh can run the same query)."""
    ours = {h.key: h.score for h in ix.search("interest rates", limit=50).hits}
    raw = whoosh_index.open_dir(str(ix.path))
    with raw.searcher(weighting=BM25F()) as s:
        q = wq.And(
            [
                wq.Or([wq.Term("title", t, boost=TITLE_BOOST), wq.Term("body", t)])
                for t in ("interest", "rates")
            ]
        )
        theirs = {h["key"]: h.score for h in s.search(q, limit=50)}
    assert ours.keys() == theirs.keys() == {"entry:2", "entry:3", "item:5"}
    for k in ours:
        assert math.isclose(ours[k], theirs[k], rel_tol=1e-5), k


def test_word_forms_count_as_one_stem(make: Callable[..., SearchIndex]) -> None:
    """Title and body hold words; a query stem sums the tf of all its forms
    (BM25 over stems): two forms of "run" beat one, and df counts docs once."""
    index = make(
        "t",
        [
            IndexDoc("two", ("entry",), "a", "runs running walk", "2024-01-01"),
            IndexDoc("one", ("entry",), "a", "run walk talk", "2024-01-01"),
            IndexDoc("none", ("entry",), "a", "walk talk sing", "2024-01-01"),
        ],
    )
    r = index.search("running")
    assert [h.key for h in r.hits] == ["two", "one"] and r.total == 2
    assert r.hits[0].score > r.hits[1].score


def test_stemming_and_case(ix: SearchIndex) -> None:
    assert keys(ix, "run") == ["entry:1"]  # "Running"
    assert set(keys(ix, "CUSTOMER")) == {"entry:3"}
    assert set(keys(ix, "strategies")) == {"entry:1", "entry:2"}


def test_phrase_adjacent_vs_not_adjacent(ix: SearchIndex) -> None:
    assert set(keys(ix, '"interest rates"')) == {"entry:3", "item:5"}  # adjacent
    assert keys(ix, '"rates interest"') == []
    assert set(keys(ix, "interest rates")) == {"entry:2", "entry:3", "item:5"}
    # stopwords are skipped: "board of directors" is "board director"
    assert keys(ix, '"board of directors"') == ["item:4"]
    assert keys(ix, '"strategy board"') == ["entry:1"]  # "strategy with the board"
    assert keys(ix, '"board running"') == ["entry:1"]  # sentences do not break phrases
    assert keys(ix, '"late board"') == []  # both in entry:1, not adjacent
    # title and body do not run into each other: "...offsite" + "We discussed..."
    assert keys(ix, '"offsite discussed"') == []
    assert keys(ix, 'title:"strategy offsite"') == ["entry:1"]
    assert keys(ix, 'title:"discussed strategy"') == []


def test_phrase_uses_pairs_for_common_words(make: Callable[..., SearchIndex]) -> None:
    """With 40 docs, "quarterly" and "results" are common: the phrase is one
    bigram lookup; it must agree with the verified path."""
    docs = []
    for i in range(40):
        body = "quarterly results looked fine" if i % 2 else "results quarterly looked fine"
        docs.append(
            IndexDoc(f"d{i}", ("entry",), f"day {i}", body + " quarterly results", "2024-01-01")
        )
    docs.append(IndexDoc("x", ("entry",), "other", "results plus quarterly", "2024-01-01"))
    index = make("t", docs)
    index.search("warm up")
    # The premise: both words count as common, so the phrase takes the pairs
    # path. Which words are common has no public view (it only changes speed),
    # so this one line reads the private set; the searches below are public.
    assert set(analyze("quarterly results")) <= index._common  # type: ignore[operator]
    r = index.search('"quarterly results"', limit=100)
    assert r.total == 40 and "x" not in [h.key for h in r.hits]
    assert index.search('"results quarterly"', limit=100).total == 20
    assert index.search('"quarterly results looked"', limit=100).total == 20


def test_prefix(ix: SearchIndex) -> None:
    assert keys(ix, "smo*") == ["item:4"]  # Smoking
    assert set(keys(ix, "cust*")) == {"entry:3"}
    assert set(keys(ix, "inter*")) == {"entry:2", "entry:3", "item:5", "entry:6"}
    # longer than the indexed n-grams: expanded over whole words, still exact
    assert keys(ix, "internationali*") == ["entry:6"]
    assert keys(ix, "interestx*") == []
    # one character
    assert set(keys(ix, "w*")) == {"item:4", "entry:6"}  # wrap, Walked ("we" is a stopword)
    assert keys(ix, "title:cust*") == ["entry:3"]


def test_fuzzy(ix: SearchIndex) -> None:
    assert keys(ix, "stratgy~") == ["entry:1", "entry:2"]
    assert keys(ix, "stratgy") == []
    assert keys(ix, "strtgy~") == []
    assert set(keys(ix, "strtgy~2")) == {"entry:1", "entry:2"}


def test_boolean(ix: SearchIndex) -> None:
    assert set(keys(ix, "hiring OR smoking")) == {"entry:2", "item:4"}
    assert set(keys(ix, "strategy NOT hiring")) == {"entry:1"}
    assert set(keys(ix, "strategy -hiring")) == {"entry:1"}
    assert set(keys(ix, "(hiring OR board) strategy")) == {"entry:1", "entry:2"}
    # a purely negative query lists everything else
    assert set(keys(ix, "-strategy")) == {"entry:3", "item:4", "item:5", "entry:6"}


def test_fields(ix: SearchIndex) -> None:
    assert keys(ix, "tag:strategy") == ["entry:1"]
    assert keys(ix, "tag:hir*") == ["entry:2"]
    assert set(keys(ix, "kind:item")) == {"item:4", "item:5"}
    assert set(keys(ix, "kind:journal")) == {"entry:1", "entry:2", "entry:3", "entry:6"}
    assert set(keys(ix, "kind:entry")) == set(keys(ix, "kind:journal"))
    assert keys(ix, "kind:note") == ["entry:2"]
    assert set(keys(ix, "kind:daily")) == {"entry:1", "entry:6"}
    assert keys(ix, "kind:clip") == ["entry:3"]
    assert keys(ix, 'source:"Financial Times"') == ["item:4"]
    assert keys(ix, "source:ft") == ["item:5"]
    assert keys(ix, "source:harvard customer") == ["entry:3"]
    assert keys(ix, "title:strategy") == ["entry:1"]  # entry:2 has it in the body only


def test_day_filters(ix: SearchIndex) -> None:
    assert keys(ix, "day:2024-05-01") == ["entry:1"]
    assert set(keys(ix, "day:2024-05")) == {"entry:1", "entry:2"}
    assert set(keys(ix, "day:2023")) == {"item:4"}
    assert set(keys(ix, "day:[2024-01-01 TO 2024-03-31]")) == {"entry:3", "item:5", "entry:6"}
    assert set(keys(ix, "after:2024-03-31")) == {"item:5", "entry:1", "entry:2"}
    assert set(keys(ix, "before:2024-01-15")) == {"item:4"}
    assert set(keys(ix, "after:2024-01-01 before:2024-02-01")) == {"entry:6"}
    assert set(keys(ix, "rates day:2024")) == {"entry:2", "entry:3", "item:5"}
    # a filter alone lists newest first
    assert keys(ix, "day:2024") == ["entry:2", "entry:1", "item:5", "entry:3", "entry:6"]


def test_sort_newest(ix: SearchIndex) -> None:
    assert keys(ix, "rates", sort="newest") == ["entry:2", "item:5", "entry:3"]
    with pytest.raises(ValueError):
        ix.search("rates", sort="oldest")


def test_as_you_type(ix: SearchIndex) -> None:
    assert keys(ix, "customer inter", as_you_type=True) == ["entry:3"]
    assert keys(ix, "customer inter") == []
    assert keys(ix, "strateg", as_you_type=True) == ["entry:1", "entry:2"]


def test_graceful_unbalanced_input(ix: SearchIndex) -> None:
    assert set(keys(ix, '"interest rates')) == {"entry:3", "item:5"}
    assert set(keys(ix, "(hiring OR smoking")) == {"entry:2", "item:4"}
    assert keys(ix, "hiring)") == ["entry:2"]


def test_query_error_for_meaningless_input(ix: SearchIndex) -> None:
    with pytest.raises(QueryError, match="day:notadate"):
        ix.search("day:notadate")


def test_hits_carry_stored_fields_snippets_and_exact_total(ix: SearchIndex) -> None:
    r = ix.search("rates", limit=1, fetch_text=fetch)
    assert r.total == 3 and len(r.hits) == 1 and r.elapsed_ms >= 0
    hit = r.hits[0]
    assert hit.kinds == ("item",) and hit.day == "2024-03-31" and hit.title == "Rates on hold"
    assert hit.title_html == "<b>Rates</b> on hold"
    assert "<b>rates</b>" in hit.snippet and "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert ix.search("rates", limit=1).hits[0].snippet == ""  # no fetch_text


def test_update_replaces_and_delete_removes(ix: SearchIndex) -> None:
    assert keys(ix, "smoking") == ["item:4"]
    ix.update([IndexDoc("item:4", ("item",), "Markets wrap", "Bonds slipped.", "2023-12-31")])
    assert keys(ix, "smoking") == []
    assert keys(ix, "bonds") == ["item:4"]
    assert ix.doc_count() == len(DOCS)
    ix.update([IndexDoc("entry:9", ("entry", "note"), "New", "zebra crossing", "2024-06-01")])
    assert keys(ix, "zebra") == ["entry:9"]
    assert ix.doc_count() == len(DOCS) + 1
    ix.update(delete_keys=["entry:9", "item:5"])
    assert keys(ix, "zebra") == [] and keys(ix, "steady") == []
    assert ix.doc_count() == len(DOCS) - 1
    # many small commits stay correct through Whoosh's small-segment merges
    for i in range(12):
        ix.update([IndexDoc(f"n:{i}", ("entry",), "t", f"walrus number{i}", "2024-06-01")])
    assert ix.search("walrus").total == 12
    assert ix.doc_count() == len(DOCS) - 1 + 12


def test_rebuild_wipes_stale_docs(ix: SearchIndex) -> None:
    ix.update([IndexDoc("entry:9", ("entry",), "New", "zebra", "2024-06-01")])
    assert ix.rebuild(DOCS[:2]) == 2
    assert keys(ix, "zebra") == [] and keys(ix, "smoking") == []
    assert ix.doc_count() == 2


def test_needs_rebuild(tmp_path: Path, make: Callable[..., SearchIndex]) -> None:
    index = make("new")
    assert (tmp_path / "new").is_dir()
    assert index.needs_rebuild()
    assert index.search("board").total == 0 and index.doc_count() == 0
    index.update([DOCS[0]])  # does nothing: the rebuild will include it
    assert index.needs_rebuild()
    index.rebuild(DOCS)
    assert not index.needs_rebuild()
    assert (tmp_path / "new" / VERSION_FILE).read_text().strip() == str(INDEX_VERSION)

    (tmp_path / "new" / VERSION_FILE).write_text("0+whoosh-reloaded-2.7.5")
    assert make("new").needs_rebuild()

    index.rebuild(DOCS)
    index.close()
    for f in (tmp_path / "new").iterdir():
        if f.suffix in (".pst", ".trm", ".seg"):
            f.unlink()
    fresh = make("new")
    assert fresh.needs_rebuild()
    assert fresh.search("board").total == 0


def test_rebuild_leaves_other_files_alone(tmp_path: Path, make: Callable[..., SearchIndex]) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "notes.db").write_text("precious")
    (tmp_path / "shared" / "sub").mkdir()
    index = make("shared", DOCS)
    index.rebuild(DOCS[:1])
    assert (tmp_path / "shared" / "notes.db").read_text() == "precious"
    assert (tmp_path / "shared" / "sub").is_dir()


def test_many_updates_and_merges_match_a_fresh_rebuild(make: Callable[..., SearchIndex]) -> None:
    """Small commits, merged by the fast merge path, find what a rebuild of
    the same documents finds."""
    words_ = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
    docs = {
        f"d:{i}": IndexDoc(
            f"d:{i}",
            ("entry",),
            words_[i % 10],
            " ".join(words_[(i * j) % 10] for j in range(1, 8)) + f" unique{i}",
            f"2024-01-{1 + i % 28:02d}",
        )
        for i in range(60)
    }
    live = make("live", list(docs.values())[:10])
    for i in range(10, 60):  # one commit per doc: Whoosh merges small segments
        live.update([docs[f"d:{i}"]])
    for i in range(0, 60, 7):  # edits and deletions hit old and merged segments
        d = docs[f"d:{i}"]
        docs[d.key] = IndexDoc(d.key, d.kinds, d.title, d.body + " edited", d.day)
        live.update([docs[d.key]], delete_keys=[f"d:{i + 3}"])
        docs.pop(f"d:{i + 3}", None)
    fresh = make("fresh", list(docs.values()))
    assert live.doc_count() == fresh.doc_count() == len(docs)
    for query in ("alpha", "gamma delta", '"beta gamma"', "edited", "eps*", "unique3*", "kapa~"):
        a = live.search(query, limit=100)
        b = fresh.search(query, limit=100)
        assert a.total == b.total, query
        assert {h.key for h in a.hits} == {h.key for h in b.hits}, query


def test_cancel_leaves_index_needing_rebuild(make: Callable[..., SearchIndex]) -> None:
    index = make()
    seen: list[int] = []
    docs = [IndexDoc(f"e:{i}", ("entry",), "t", f"word{i} board", "2024-01-01") for i in range(300)]
    n = index.rebuild(
        docs,
        total=300,
        progress=lambda done, total: seen.append(done),
        cancel=lambda: len(seen) > 0,
    )
    assert n < 300
    assert index.needs_rebuild()
    assert index.search("board").total == 0
    assert index.rebuild(docs, total=300, progress=lambda d, t: seen.append(d)) == 300
    assert seen[-1] == 300
    assert not index.needs_rebuild() and index.search("board").total == 300


def test_index_and_query_terms_are_the_same(ix: SearchIndex) -> None:
    """Index-time and query-time analysis agree: title/body hold the words of
    ``words()``; every word typed as a query becomes a stem those words have."""
    raw = whoosh_index.open_dir(str(ix.path))
    with raw.reader() as r:
        for field in ("title", "body"):
            lexicon = {t.decode() for t in r.lexicon(field)}
            assert lexicon == {w for d in DOCS for w in words(getattr(d, field))}
            stems = {stem(w) for w in lexicon}
            for d in DOCS:
                for typed in getattr(d, field).split():
                    node = parse(typed.upper())
                    if isinstance(node, Word):
                        assert node.stem in stems
        assert {t.decode() for t in r.lexicon("source")} == {
            s for d in DOCS for s in analyze(d.source)
        }
        # the Whoosh-compatible analyzers yield the same terms
        schema = build_schema()
        for d in DOCS:
            assert list(schema["body"].process_text(d.body)) == words(d.body)
            assert list(schema["source"].process_text(d.source)) == analyze(d.source)
            assert [t.text for t in PkmAnalyzer(stemmed=True)(d.body)] == analyze(d.body)


def _same_index(a, b, n: int) -> None:  # two Whoosh readers of the same n docs
    assert a.doc_count() == b.doc_count() == n
    schema = build_schema()
    for field in schema.names():
        if not schema[field].indexed:
            continue
        assert list(a.lexicon(field)) == list(b.lexicon(field)), field
        for term in b.lexicon(field):
            pa, pb = a.postings(field, term), b.postings(field, term)
            wa, wb = [], []
            for m, ws in ((pa, wa), (pb, wb)):
                while m.is_active():
                    ws.append((m.id(), m.weight()))
                    m.next()
            assert wa == wb, (field, term)
            assert a.doc_frequency(field, term) == b.doc_frequency(field, term)
        if schema[field].scorable:
            assert a.field_length(field) == b.field_length(field), field
            assert a.min_field_length(field) == b.min_field_length(field), field
            assert a.max_field_length(field) == b.max_field_length(field), field
            for d in range(n):
                assert a.doc_field_length(d, field) == b.doc_field_length(d, field), (field, d)
    for d in range(n):
        assert a.stored_fields(d) == b.stored_fields(d)
        for col in ("newest", "seq"):
            assert a.column_reader(col)[d] == b.column_reader(col)[d]


def test_bulk_writer_writes_what_whoosh_writer_writes(tmp_path: Path) -> None:
    """Both fast paths write what Whoosh's own writer writes: postings,
    lengths, stored fields and columns. The rebuild's writer derives the
    prefix-gram fields from the word postings; update()'s is given them.

    This one drives the private ``_BulkWriter`` directly: the thing under
    test is that its files equal Whoosh's for the same documents, docnum by
    docnum, including per-doc data written a part at a time (as a merge
    does), which needs the same docs, common words and order on both sides.
    Searching through ``SearchIndex`` is tested by every other test here."""
    docs = DOCS * 3 + [
        IndexDoc(f"k{i}", ("entry",), "x y", "x " * i, "2024-01-01") for i in range(700)
    ]
    docs += [
        IndexDoc(
            "u",
            ("item",),
            "Über naïve",
            "éclair über überall ab abc abd b2 日本語 日本",
            "2024-02-02",
        ),
        IndexDoc("empty", ("entry",), "", "", "2024-02-03"),
        IndexDoc("heavy", ("entry",), "x y", "x y " * 1500, "2024-02-04"),  # weights > 1023
    ]
    docs = [IndexDoc(f"{d.key}-{i}", *list(d.__dict__.values())[1:]) for i, d in enumerate(docs)]
    common = frozenset({"x", "y", "rate", "interest"})
    readers = {}
    for name in ("plain", "update", "rebuild"):
        (tmp_path / name).mkdir()
        raw = whoosh_index.create_in(str(tmp_path / name), build_schema())
        if name == "plain":
            writer = raw.writer()
        else:
            writer = _BulkWriter(raw, derive=GRAM_FIELDS if name == "rebuild" else None)
        for i, d in enumerate(docs):
            writer.add_document(**doc_fields(d, common, with_grams=name != "rebuild"))
            if name == "update" and i % 97 == 0:  # per-doc data written a part at a time too
                writer._write_perdoc()
        writer.commit()
        readers[name] = raw.reader()
    _same_index(readers["update"], readers["plain"], len(docs))
    _same_index(readers["rebuild"], readers["plain"], len(docs))
    for r in readers.values():
        r.close()


def test_search_from_another_thread_while_updating(ix: SearchIndex) -> None:
    errors: list[BaseException] = []
    stop = threading.Event()

    def searcher() -> None:
        try:
            while not stop.is_set():
                assert ix.search("rates", fetch_text=fetch).total >= 3
        except BaseException as e:
            errors.append(e)

    t = threading.Thread(target=searcher)
    t.start()
    for i in range(10):
        ix.update([IndexDoc(f"u:{i}", ("entry",), "rates", "rates again", "2024-01-01")])
    stop.set()
    t.join()
    assert not errors
    assert ix.search("rates").total == 13


def test_update_after_rebuilding_an_empty_index(tmp_path):
    """A new workspace builds an empty index first; the first save must then be searchable."""
    ix = SearchIndex(tmp_path / "ix")
    assert ix.rebuild([]) == 0
    assert ix.search("zebra").hits == []
    ix.update(
        [
            IndexDoc(
                key="entry:1",
                kinds=("entry", "note"),
                title="Zebra",
                body="stripes",
                day="2026-01-01",
            )
        ]
    )
    assert [h.key for h in ix.search("zebra").hits] == ["entry:1"]
    ix.close()
