"""OPML import (hostile entries refused and reported, the rest imported) and export."""

import pytest

from pkm.core.errors import BadInput
from tests.feeds.conftest import data


def opml(server) -> bytes:
    return data("subscriptions.opml").replace(b"SERVER", server.base.encode())


def test_import_keeps_folders_and_refuses_non_web_entries(server, feeds):
    report = feeds.import_opml(opml(server))
    assert sorted(f.title for f in report.added) == ["Engineering", "Indie", "Strategy Weekly"]
    assert {f.title: f.folder for f in report.added}["Engineering"] == "Leadership"
    refused = dict(report.refused)
    assert set(refused) == {"file:///etc/passwd", "javascript:alert(1)", "|cat /etc/passwd",
                            "ftp://ftp.example.com/feed.xml"}  # fmt: skip
    assert "only http and https" in refused["file:///etc/passwd"]
    assert report.existing == [server.url("/rss20.xml/").rstrip("/") + "/"]
    assert server.requests == []  # importing fetches nothing; refresh does
    server.serve_file("/rss20.xml", "rss20.xml")
    server.serve_file("/atom.xml", "atom.xml")
    server.serve_file("/feed.json", "jsonfeed11.json")
    report = feeds.refresh()
    assert all(r.status == "ok" for r in report.results)
    titles = {f.title for f in feeds.list()}
    assert "Engineering at Example" in titles  # the feed's own title replaces the OPML text


def test_importing_twice_adds_nothing(server, feeds):
    feeds.import_opml(opml(server))
    again = feeds.import_opml(opml(server))
    assert again.added == [] and len(again.existing) == 4


def test_export_round_trip(server, feeds, ws):
    feeds.add(server.serve_file("/a.xml", "rss20.xml"), folder="Leadership")
    feeds.add(server.serve_file("/b.xml", "atom.xml"))
    out = feeds.export_opml()
    assert out.startswith(b"<?xml") and b'xmlUrl="' + server.url("/a.xml").encode() in out
    assert b'<outline text="Leadership"' in out and b"htmlUrl=" in out
    assert b"&amp;" in out  # "Strategy & Leadership Weekly" is escaped
    from pkm.core.workspace import Workspace

    with Workspace(ws.home.parent / "second") as other:
        report = other.feeds.import_opml(out)
        assert {(f.title, f.folder) for f in report.added} == {
            ("Strategy & Leadership Weekly", "Leadership"),
            ("Engineering at Example", ""),
        }


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml at all",
        b"<html><body>hi</body></html>",
        b"<opml version='2.0'><body/></opml>",
    ],
)
def test_not_an_opml_file(feeds, body):
    with pytest.raises(BadInput, match="not an OPML subscription list"):
        feeds.import_opml(body)


def test_opml_with_entities_and_latin1(feeds, server):
    laughs = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE opml [<!ENTITY a "aaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<opml version="1.0"><body>'
        b'<outline text="Caf\xe9 &b;" xmlUrl="' + server.url("/x").encode() + b'"/></body></opml>'
    )
    report = feeds.import_opml(laughs)
    assert len(report.added) == 1 and "aaaaaaaaaaaaaaaa" not in report.added[0].title
    assert report.added[0].title.startswith("Café")


def many(n: int, base: str = "https://blog{n}.example.com/feed") -> bytes:
    outlines = "".join(
        f'<outline type="rss" text="Blog {n}" xmlUrl="{base.format(n=n)}"/>' for n in range(n)
    )
    return f"<opml version='2.0'><body>{outlines}</body></opml>".encode()


def test_a_large_import_commits_in_chunks_so_other_writers_get_in(feeds, ws):
    """Between two chunks the database is free: another connection writes at once."""
    import sqlite3

    from pkm.core.feeds.service import IMPORT_CHUNK

    seen = []

    def progress(done: int, total: int) -> None:
        other = sqlite3.connect(ws.store.path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # raises 'database is locked' mid-transaction
            count = other.execute("SELECT COUNT(*) FROM feeds").fetchone()[0]
            other.execute("ROLLBACK")
        finally:
            other.close()
        seen.append((done, total, count))

    n = IMPORT_CHUNK * 2 + 7
    report = feeds.import_opml(many(n), progress=progress)
    assert len(report.added) == n and not report.cancelled
    assert seen == [
        (IMPORT_CHUNK, n, IMPORT_CHUNK),
        (IMPORT_CHUNK * 2, n, IMPORT_CHUNK * 2),
        (n, n, n),
    ]


def test_cancelling_an_import_keeps_the_chunks_already_written(feeds):
    from pkm.core.feeds.service import IMPORT_CHUNK

    calls = []
    report = feeds.import_opml(
        many(IMPORT_CHUNK * 3),
        progress=lambda done, total: calls.append(done),
        cancel=lambda: len(calls) >= 1,
    )
    assert report.cancelled and calls == [IMPORT_CHUNK]
    assert len(report.added) == IMPORT_CHUNK == len(feeds.list())


def test_import_reads_the_added_feeds_back_without_counting_all_items(feeds, monkeypatch):
    """get_feed aggregates every item of the workspace (~150 ms at 10,000 items); the
    import used to call it once per feed added."""
    import pkm.core.feeds.store as rows

    def no(*a, **kw):
        raise AssertionError("import_opml read a feed with the all-items aggregate")

    monkeypatch.setattr(rows, "get_feed", no)
    report = feeds.import_opml(many(30))
    assert [f.title for f in report.added] == [f"Blog {n}" for n in range(30)]
    assert all(f.unread == f.total == 0 for f in report.added)
