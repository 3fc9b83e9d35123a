"""The rebuild's building blocks: stemming, the stored-field encoding, gram
postings, hash tables and the GIL pause (no timing: the benchmark and the
large GUI tests measure speed and responsiveness)."""

from __future__ import annotations

import io
import random
import string
import threading
import zlib
from itertools import product
from pathlib import Path

import pytest
from whoosh.filedb.filetables import HashWriter, OrderedHashWriter
from whoosh.filedb.structfile import StructFile
from whoosh.lang import porter2

from pkm.core.search import IndexDoc, SearchIndex, perdoc, postings
from pkm.core.search.build import GilPause
from pkm.core.search.schema import fold, grams, tokenize
from pkm.core.search.stemming import stem


def test_stem_is_whooshs_porter2() -> None:
    bases = ["", "gener", "commun", "arsen", "nation", "hop", "run", "fly", "sky", "y", "bay"]
    suffixes = [
        *(end for end, _, _ in porter2.s2_triples),
        *(end for end, _, _ in porter2.s3_triples),
        *porter2.s4_delete_list,
        *porter2.s1b_suffixes,
        *[
            "sion",
            "tion",
            "eedly",
            "eed",
            "sses",
            "ied",
            "ies",
            "us",
            "ss",
            "s",
            "y",
            "Y",
            "e",
            "l",
            "ll",
            "'s",
            "'s'",
            "'",
        ],
    ]
    words = [b + s for b, s in product(bases, suffixes)]
    words += [*porter2.exceptional_forms, *porter2.exceptional_early_exit_post_1a]
    words += [
        "'tis",
        "yes",
        "yellow",
        "crying",
        "generously",
        "communism",
        "bias",
        "news",
        "hoping",
        "hopping",
    ]
    for word in words:
        assert stem(word) == porter2.stem(word), word


def test_stored_fields_are_zlib_streams() -> None:
    for data in (b"", b"abc", bytes(range(256)) * 300, b"x" * 65535, b"y" * 65536):
        assert zlib.decompress(perdoc.zlib_stored(data)) == data


def test_gram_postings_are_the_union_of_the_words_postings() -> None:
    words = {"ab": [1, 5], "abc": [2, 5], "abcd": [7], "abd": [3], "b2": [4], "über": [6]}
    words |= {"uber": [8], "ubîq": [9]}  # grams are folded: "über" and "uber" share "ub"
    # the writer's input (bulk._derive_grams): folded words, in folded order
    given = sorted((fold(w), ids) for w, ids in words.items())
    got = {g: list(ids) for g, ids in postings.gram_postings(given).items()}
    want: dict[str, set[int]] = {}
    for w, ids in words.items():
        for g in grams(w):
            want.setdefault(g, set()).update(ids)
    assert got == {g: sorted(ids) for g, ids in want.items()}
    assert got["ub"] == [6, 8, 9] and "ü" not in got
    lengths = postings.gram_lengths(postings.gram_postings(given), 10)
    assert list(lengths) == [0] + [sum(d in ids for ids in want.values()) for d in range(1, 10)]


def test_hash_tables_written_at_once_are_whooshs() -> None:
    files = []
    for batched in (False, True):
        buf = io.BytesIO()
        writer = OrderedHashWriter(StructFile(buf))
        for i in range(3000):
            writer.add(f"key{i:05d}".encode(), b"v" * (i % 7))
        if batched:
            # Byte equality with Whoosh's own hash-table writer is the thing
            # under test, so this reaches into Whoosh's private method: our
            # tables are written first, and Whoosh's close() must not add its own.
            postings.write_hashes(writer)
            writer._write_hashes = lambda: None
        writer.dbfile.close = lambda: None  # keep the bytes readable
        writer.close()
        files.append(buf.getvalue())
    assert files[0] == files[1]


def test_rebuild_writes_the_hash_tables_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slot_by_slot(self: object) -> None:
        raise AssertionError("Whoosh's slot-by-slot hash table writer was used")

    monkeypatch.setattr(HashWriter, "_write_hashes", slot_by_slot)
    index = SearchIndex(tmp_path / "ix")
    docs = [
        IndexDoc(f"e:{i}", ("entry",), "title", f"word{i} body", "2024-01-01") for i in range(50)
    ]
    assert index.rebuild(docs) == 50
    assert index.search("word7").total == 1
    index.close()


def test_gil_pause_sleeps_only_while_other_threads_work() -> None:
    alone = GilPause(every=0.0, pause=0.0, if_others=3600.0)
    for _ in range(5):
        alone()
    assert alone.paused == 0

    busy = GilPause(every=0.0, pause=0.0, if_others=1e-9)
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            sum(range(1000))

    t = threading.Thread(target=spin)
    t.start()
    try:
        while busy.paused == 0:
            busy()
    finally:
        stop.set()
        t.join()


def test_ascii_text_tokenizes_as_with_unicode_classes() -> None:
    """tokenize() reads ASCII text with an ASCII-only pattern (faster): the
    same tokens as the same text read with Unicode classes, which is how it
    reads any text with one non-ASCII letter in it (here a one-letter word,
    which tokenize() drops)."""
    rng = random.Random(5)
    texts = ["e.g. 3.14 a..b _x_ end. .start a.b.c", string.printable]
    texts += ["".join(rng.choice(string.printable) for _ in range(200)) for _ in range(300)]
    for text in texts:
        assert tokenize(text) == tokenize(text + " é"), text
    assert tokenize("Über naïve café")[1] == ["über", "naïve", "café"]
