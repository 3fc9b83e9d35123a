"""Reading: state, duplicates, rules, retention, search and clipping into the journal."""

import re

import pytest

from pkm.core.errors import BadInput, NotFound
from tests.feeds.conftest import data


@pytest.fixture
def leadership(server, feeds):
    return feeds.add(server.serve_file("/rss20.xml", "rss20.xml"), folder="Leadership").feed


def titled(feeds, prefix, **kw):
    return next(i for i in feeds.items(limit=500, **kw) if i.title.startswith(prefix))


def test_items_newest_first_with_paging_and_counts(feeds, leadership):
    items = feeds.items()
    assert [i.title[:4] for i in items] == ["Why ", "Five", "Podc"]
    assert [i.id for i in feeds.items(limit=2, offset=1)] == [items[1].id, items[2].id]
    assert feeds.count_items(unread=True) == 3
    detail = feeds.item(items[0].id)
    assert "<strong>thinking made visible</strong>" in detail.html
    assert items[0].html is None and items[0].excerpt.startswith("Writing is thinking")


def test_read_unread_star_and_mark_all(feeds, leadership):
    a, b, c = feeds.items()
    change = feeds.mark_read([a.id])
    assert change.items == {a.id} and change.feeds == {leadership.id}
    assert feeds.mark_read([a.id]).items == set()  # nothing changed: nothing reported
    assert [i.id for i in feeds.items(unread=True)] == [b.id, c.id]
    feeds.mark_read([a.id], False)
    assert feeds.count_items(unread=True) == 3
    feeds.star([b.id])
    assert [i.id for i in feeds.items(starred=True)] == [b.id]
    feeds.star([b.id], False)
    assert feeds.items(starred=True) == []
    change = feeds.mark_all_read(feed_id=leadership.id)
    assert change.items == {a.id, b.id, c.id}
    assert feeds.get(leadership.id).unread == 0 and feeds.unread_total() == 0
    with pytest.raises(NotFound, match="no item 999"):
        feeds.mark_read([999])


def test_folder_listing_for_the_reader(server, feeds, leadership):
    other = feeds.add(server.serve_file("/atom.xml", "atom.xml")).feed
    folder = feeds.folder_id("leadership")  # folder names ignore case
    assert {i.feed_id for i in feeds.items(folder_id=folder)} == {leadership.id}
    assert [f.name for f in feeds.folders()] == ["Leadership"]
    assert feeds.folders()[0].unread == 3
    feeds.move(other.id, "Leadership")
    assert feeds.count_items(folder_id=folder) == 5
    feeds.move(leadership.id, None)
    feeds.move(other.id, "")
    assert feeds.folders() == []  # empty folders are dropped


def test_the_same_article_from_two_feeds_is_one(server, feeds, leadership):
    a = titled(feeds, "Why the best")
    feeds.mark_read([a.id])
    # another feed (say, a link blog) carries the same article, with other tracking params
    copy = (
        data("rss20.xml")
        .replace(b"?p=4411", b"?p=9999")
        .replace(b"?utm_source=rss&amp;utm_medium=rss", b"?utm_campaign=x")
    )
    other = feeds.add(server.serve("/copy.xml", copy)).feed
    dup = titled(feeds, "Why the best", feed_id=other.id)
    assert dup.dup_of == a.id and dup.read  # recognised, and already read
    assert [i.id for i in feeds.items() if i.title.startswith("Why")] == [a.id]  # listed once
    feeds.mark_read([a.id], False)
    assert not feeds.item(dup.id).read  # they share read state
    assert feeds.get(other.id).unread == 3
    # removing the original's feed promotes the copy
    feeds.remove(leadership.id)
    assert feeds.item(dup.id).dup_of is None
    assert [i.id for i in feeds.items() if i.title.startswith("Why")] == [dup.id]


def test_rules_mute_star_and_tag_new_items(server, feeds):
    mute, _ = feeds.add_rule("podcast", field="title", action="read")
    star, _ = feeds.add_rule(r"\bmemo\b", is_regex=True, field="content", action="star")
    tag, _ = feeds.add_rule("okafor", field="author", action="tag", tag="#Writing")
    assert [r.id for r in feeds.rules()] == [mute.id, star.id, tag.id]
    assert "mark read" in mute.describe() and "#writing" in tag.describe()
    feeds.add(server.serve_file("/rss20.xml", "rss20.xml"))
    assert titled(feeds, "Podcast").read
    memo = titled(feeds, "Why the best")
    assert memo.starred and memo.tags == ("writing",) and not memo.read
    assert feeds.items(tag="writing")[0].id == memo.id
    feeds.remove_rule(mute.id)
    assert [r.id for r in feeds.rules()] == [star.id, tag.id]


def test_rule_for_one_feed_and_applied_to_stored_items(server, feeds, leadership):
    other = feeds.add(server.serve_file("/atom.xml", "atom.xml")).feed
    rule, change = feeds.add_rule("o", field="title", action="read", feed_id=other.id,
                                  apply_existing=True)  # fmt: skip
    assert rule.feed_id == other.id
    assert {feeds.item(i).feed_id for i in change.items} == {other.id}
    assert feeds.get(other.id).unread == 0 and feeds.get(leadership.id).unread == 3


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"pattern": "("}, "not a valid regular expression"),
        ({"pattern": " "}, "needs a keyword"),
        ({"pattern": "x", "action": "tag"}, "needs the tag"),
        ({"pattern": "x", "field": "body"}, "not a field"),
        ({"pattern": "x", "action": "delete"}, "not a rule action"),
    ],
)
def test_bad_rules_are_explained(feeds, kw, message):
    kw = {"is_regex": kw.get("pattern") == "(", **kw}
    pattern = kw.pop("pattern")
    with pytest.raises(BadInput, match=message):
        feeds.add_rule(pattern, **kw)


def test_retention_keeps_starred_clipped_and_does_not_resurrect(
    server, feeds, ws, clock, leadership
):
    why, five, pod = feeds.items()
    feeds.mark_all_read()
    feeds.star([five.id])
    feeds.clip(pod.id)
    clock.advance(days=40)  # all three are now over 30 days old
    _, deleted = feeds.purge()
    assert deleted == 1
    with pytest.raises(NotFound):
        feeds.item(why.id)
    assert feeds.item(five.id).starred and feeds.item(pod.id)
    # the feed still carries the purged item: it must not come back as unread
    server.serve("/rss20.xml", data("rss20.xml") + b"\n")
    result = feeds.refresh().results[0]
    assert result.new == 0 and feeds.count_items(unread=True) == 0
    # unsubscribing keeps starred and clipped items, with their source
    feeds.remove(leadership.id)
    kept = {i.id: i for i in feeds.items()}
    assert set(kept) == {five.id, pod.id}
    assert kept[five.id].feed_id is None and kept[five.id].feed_title == leadership.title


def test_unread_items_are_never_purged(feeds, clock, leadership):
    clock.advance(days=400)
    assert feeds.purge()[1] == 0
    assert feeds.purge(0)[1] == 0  # 0 keeps everything
    feeds.set_retention_days(0)
    feeds.mark_all_read()
    assert feeds.purge()[1] == 0
    assert feeds.purge(1)[1] == 3


def test_items_are_searchable_with_notes(server, feeds, ws, leadership):
    ws.journal.create(title="Memo culture", body="We should write more memos.")
    ws.search.sync()
    hits = ws.search.search("memo").hits
    assert {h.key.split(":")[0] for h in hits} == {"entry", "item"}
    only_items = ws.search.search("kind:item memo").hits
    assert [h.title for h in only_items] == ["Why the best leaders write things down"]
    by_source = ws.search.search('source:"Strategy & Leadership Weekly"').hits
    assert len(by_source) == 3
    # a renamed feed is found by its new name; an unsubscribed feed's items leave the index
    feeds.rename(leadership.id, "Boardroom")
    ws.search.sync()
    assert len(ws.search.search("source:boardroom").hits) == 3
    feeds.remove(leadership.id)
    ws.search.sync()
    assert ws.search.search("kind:item").hits == []


def test_clip_into_todays_entry_keeps_the_source_as_data(feeds, ws, leadership):
    item = titled(feeds, "Why the best")
    entry, change = feeds.clip(item.id, "A short memo beats a long meeting.")
    assert entry.id == ws.journal.today().id
    assert change.items == {item.id} and entry.id in change.entries
    assert "> A short memo beats a long meeting." in entry.body
    assert (
        "[Why the best leaders write things down](https://leadership.example.com/2026" in entry.body
    )
    clip = ws.journal.clips(entry.id)[-1]
    assert clip.source.title == item.title and clip.source.url == item.url
    assert clip.source.feed == "Strategy & Leadership Weekly"
    assert clip.source.author == "Maria Okafor" and clip.source.item_id == item.id
    assert clip.source.published.startswith("2026-11-20")
    # without a passage: the item's opening is quoted
    entry, _ = feeds.clip(titled(feeds, "Five").id)
    assert "> What would we stop doing?" in entry.body
    with pytest.raises(BadInput, match="quote is empty"):
        feeds.clip(item.id, "   ")


def test_clipping_never_turns_feed_text_into_html(server, feeds, ws):
    """Titles, authors and passages are text: in the entry's Markdown they stay text."""
    import html

    from pkm.core.markdown import render

    twice = lambda s: html.escape(html.escape(s))  # noqa: E731 - XML, then the HTML layer
    title = twice("<h1>Big</h1>")
    author = twice('<img src="file:///etc/x.png">')
    text = html.escape("<p>&lt;script&gt;alert(1)&lt;/script&gt; a &lt; b, Q&amp;A</p>")
    body = (
        "<rss version='2.0'><channel><title>Feed</title><link>https://x.example/</link>"
        f"<item><title>{title}</title><link>https://x.example/a_(b)</link><guid>g</guid>"
        f"<author>{author}</author><description>{text}</description></item></channel></rss>"
    )
    feeds.add(server.serve("/h.xml", body))
    item = feeds.items()[0]
    assert item.title == "<h1>Big</h1>" and item.author == '<img src="file:///etc/x.png">'
    entry, _ = feeds.clip(item.id)
    md = entry.body
    for raw in ("<h1>", "<img", "<script", "</p>"):
        assert raw not in md
    assert "a < b, Q&A" in md  # what cannot start markup is left readable
    assert "(https://x.example/a_%28b%29)" in md
    shown = html.unescape(re.sub(r"<[^>]+>", "", render(md)))
    assert "<h1>Big</h1>" in shown and '<img src="file:///etc/x.png">' in shown
    assert "<script>alert(1)</script>" in shown


def test_since_lists_and_counts_what_arrived_after_a_moment(feeds, leadership):
    """The "Today" view is one query (sort_at >= midnight), not paging through all."""
    items = feeds.items()
    cut = items[1].sort_at
    newer = [i.id for i in items if i.sort_at >= cut]
    assert [i.id for i in feeds.items(since=cut)] == newer
    assert feeds.count_items(since=cut, unread=True) == len(newer)
    assert feeds.items(since="9999-01-01") == []
