"""The whole Seek loop from the command line, as scripts use it."""

import json

from tests.feeds.conftest import data


def test_subscribe_refresh_read_star_mute_search_and_clip(cli, server):
    url = server.serve_file("/rss20.xml", "rss20.xml", etag='"1"')
    added = cli("feeds", "add", url, "--folder", "Leadership")
    assert added.code == 0, added.err
    feed_id, title = added.out.strip().split("\t")
    assert title == "Strategy & Leadership Weekly"
    again = cli("feeds", "add", url)
    assert again.code == 0 and again.out == added.out and "Already subscribed" in again.err

    listed = cli("feeds", "list", "--json").json()
    assert listed[0]["unread"] == 3 and listed[0]["folder"] == "Leadership"
    assert "3 unread  Leadership / Strategy" in cli("feeds", "list").out

    refreshed = cli("feeds", "refresh", "--json").json()
    assert refreshed == [{**refreshed[0], "status": "not_modified", "new": 0, "updated": 0}]
    assert "not modified" in cli("feeds", "refresh").out

    items = cli("items", "list", "--unread", "--json").json()
    assert len(items) == 3
    first = items[0]["id"]
    shown = cli("items", "show", str(first), "--json").json()
    assert "<strong>thinking made visible</strong>" in shown["html"]
    assert "thinking made visible" in cli("items", "show", str(first)).out
    assert cli("items", "show", str(first), "--html").out.startswith("<p>")

    assert cli("items", "read", str(first)).code == 0
    assert len(cli("items", "list", "--unread", "--json").json()) == 2
    assert cli("items", "unread", str(first)).code == 0
    assert cli("items", "star", str(first)).code == 0
    assert [i["id"] for i in cli("items", "list", "--starred", "--json").json()] == [first]
    assert cli("items", "unstar", str(first)).code == 0
    assert cli("items", "list", "--starred", "--json").json() == []
    assert len(cli("items", "list", "--feed", feed_id, "--limit", "1", "--json").json()) == 1

    rule = cli("rules", "add", "offsite", "--field", "title", "--mute", "--apply")
    assert rule.code == 0 and "Applied to 1" in rule.err
    assert "'offsite' in the title → mark read" in cli("rules", "list").out
    assert len(cli("items", "list", "--unread", "--json").json()) == 2
    assert cli("rules", "remove", rule.out.strip()).code == 0
    assert cli("rules", "list", "--json").json() == []

    hits = cli("search", "kind:item memo", "--json").json()
    assert [h["id"] for h in hits] == [first]

    clipped = cli("items", "clip", str(first), "--quote", "A short memo beats a long meeting.")
    assert clipped.code == 0, clipped.err
    entry = cli("journal", "show", clipped.out.strip(), "--json").json()
    assert entry["kind"] == "daily"
    assert entry["clips"][0]["item_id"] == first
    assert entry["clips"][0]["feed"] == "Strategy & Leadership Weekly"

    assert "Marked 2 items read" in cli("items", "mark-all-read", "--feed", feed_id).out
    assert cli("items", "list", "--unread", "--json").json() == []


def test_private_feed_password_from_standard_input(cli, server, memory_keyring):
    import base64

    good = "Basic " + base64.b64encode(b"ann:pw 1").decode()

    def private(h):
        ok = h.headers.get("Authorization") == good
        body = data("rss20.xml") if ok else b""
        h.send_response(200 if ok else 401)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    url = server.handle("/private", private)
    r = cli("feeds", "add", url, "--user", "ann", stdin="pw 1\n")
    assert r.code == 0, r.err
    assert "pw 1" in memory_keyring.values()
    assert cli("feeds", "list", "--json").json()[0]["username"] == "ann"


def test_import_export_organize_and_remove(cli, server, tmp_path):
    opml = tmp_path / "subs.opml"
    opml.write_bytes(data("subscriptions.opml").replace(b"SERVER", server.base.encode()))
    r = cli("feeds", "import", str(opml))
    assert r.code == 0
    assert "Imported 3 feeds; 1 already followed; 4 refused" in r.out
    assert "Refused file:///etc/passwd" in r.err
    as_json = cli("feeds", "import", str(opml), "--json").json()
    assert as_json["added"] == [] and len(as_json["refused"]) == 4
    feeds = cli("feeds", "list", "--json").json()
    first = str(feeds[0]["id"])
    assert cli("feeds", "rename", first, "Renamed").code == 0
    assert cli("feeds", "move", first, "--folder", "Later").code == 0
    feed = next(f for f in cli("feeds", "list", "--json").json() if str(f["id"]) == first)
    assert (feed["title"], feed["folder"]) == ("Renamed", "Later")
    out = tmp_path / "out.opml"
    assert cli("feeds", "export", str(out)).code == 0
    assert b'text="Later"' in out.read_bytes()
    assert out.stat().st_mode & 0o044, "an OPML export is for another reader: not private"
    assert b"<opml" in cli("feeds", "export").out.encode()
    assert "Unsubscribed from Renamed" in cli("feeds", "remove", first).out
    assert len(cli("feeds", "list", "--json").json()) == 2


def test_errors_are_one_clear_line(cli, server):
    for args, text in [
        (("feeds", "add", "file:///etc/passwd"), "only http and https"),
        (("feeds", "add", server.url("/nothing")), "not found (404)"),
        (("items", "show", "42"), "There is no item 42"),
        (("feeds", "remove", "7"), "There is no feed 7"),
        (("rules", "add", "x"), "exactly one of --mute, --star or --tag"),
        (("rules", "add", "(", "--regex", "--star"), "not a valid regular expression"),
        (("items", "read"), "at least one item id"),
        (("items", "list", "--folder", "Nope"), "no folder named 'Nope'"),
    ]:
        r = cli(*args)
        assert r.code == 1, (args, r)
        assert r.err.startswith("pkm: ") and text in r.err and r.err.count("\n") == 1, r.err
        assert r.out == ""


def test_refresh_shows_errors_per_feed_and_keeps_them_in_list(cli, server):
    ok = server.serve_file("/ok.xml", "rss20.xml")
    cli("feeds", "add", ok)
    bad = server.serve_file("/bad.xml", "atom.xml")
    cli("feeds", "add", bad)
    server.serve(
        "/bad.xml", b"<html><body>maintenance</body></html>", headers={"Content-Type": "text/html"}
    )
    r = cli("feeds", "refresh")
    assert r.code == 0
    assert "error: " in r.out and "is not a feed" in r.out
    assert "2 feeds, 0 new items, 1 with errors." in r.out
    listing = cli("feeds", "list").out
    assert "last error" in listing and "is not a feed" in listing
    results = {x["url"]: x for x in cli("feeds", "refresh", "--json").json()}
    assert results[bad]["status"] == "error" and results[ok]["status"] == "ok"
    assert json.dumps(results)  # plain JSON, nothing exotic
