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
