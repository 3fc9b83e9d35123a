import datetime as dt

import pytest

from pkm.core.errors import BadInput, NotFound
from pkm.core.journal import ClipSource
from pkm.core.markdown import render


def test_today_is_created_once_from_template(ws):
    a = ws.journal.today()
    b = ws.journal.today()
    assert a.id == b.id
    assert a.kind == "daily" and a.day == ws.journal.today_date().isoformat()
    assert ws.journal.prompt() in a.body
    assert a.title.endswith("2026")


def test_one_daily_entry_per_day(ws):
    ws.journal.today()
    with pytest.raises(BadInput, match="already a daily entry"):
        ws.journal.create(kind="daily")


def test_note_title_from_first_line(ws):
    e = ws.journal.create(body="## Board prep\n\nThree points for Tuesday.")
    assert e.title == "Board prep"
    assert ws.journal.create(body="").title == "Untitled note"


def test_tags_from_text_and_explicit(ws):
    e = ws.journal.create(
        body="Talked #strategy and #AI/ethics, not # heading, not #123, x#y, `#code`",
        tags=["Board"],
    )
    assert set(e.tags) == {"board", "strategy", "ai/ethics"}
    assert e.explicit_tags == ("board",)
    ws.journal.save(e.id, body="now only #culture")
    assert set(ws.journal.get(e.id).tags) == {"board", "culture"}
    assert [x.id for x in ws.journal.list(tag="culture")] == [e.id]
    assert ("board", 1) in ws.journal.tags()


def test_wiki_links_backlinks_and_forward_references(ws):
    a = ws.journal.create(title="Note A", body="See [[Customer churn]] and [[note b|B]].")
    b = ws.journal.create(title="Note B", body="plain")
    assert [x.id for x in ws.journal.backlinks(b.id)] == [a.id]
    # a link written before its target exists starts working when it is created
    churn = ws.journal.create(title="customer  Churn", body="...")
    assert [x.id for x in ws.journal.backlinks(churn.id)] == [a.id]
    links = dict(ws.journal.outgoing_links(a.id))
    assert links["Customer churn"].id == churn.id


def test_link_to_a_day_resolves_to_its_daily_entry(ws):
    d = ws.journal.today()
    n = ws.journal.create(body=f"Follow-up of [[{d.day}]]")
    assert [x.id for x in ws.journal.backlinks(d.id)] == [n.id]


def test_rename_keeps_links_working(ws):
    target = ws.journal.create(title="Q3 plan", body="x")
    src = ws.journal.create(title="Src", body="Read [[Q3 plan]] and [[q3 plan|the plan]]. #x")
    change = ws.journal.save(target.id, title="Q3 plan v2")
    assert src.id in change.entries
    body = ws.journal.get(src.id).body
    assert body == "Read [[Q3 plan v2]] and [[Q3 plan v2|the plan]]. #x"
    assert [x.id for x in ws.journal.backlinks(target.id)] == [src.id]
    # the rewritten entry keeps its old text as a revision
    assert ws.journal.revisions(src.id)[0].reason == "link renamed"


def test_revisions_are_throttled_and_restorable(ws, clock):
    e = ws.journal.create(title="Draft", body="v1")
    ws.journal.save(e.id, body="v2")  # keeps v1
    clock.advance(seconds=30)
    ws.journal.save(e.id, body="v3")  # throttled: v2 not kept
    clock.advance(minutes=6)
    ws.journal.save(e.id, body="v4")  # keeps v3
    bodies = [r.body for r in ws.journal.revisions(e.id)]
    assert bodies == ["v3", "v1"]
    ws.journal.restore_revision(ws.journal.revisions(e.id)[-1].id)
    assert ws.journal.get(e.id).body == "v1"
    assert ws.journal.revisions(e.id)[0].body == "v4"  # current text kept before restoring


def test_snapshot_on_close(ws):
    e = ws.journal.create(title="T", body="a")
    assert ws.journal.snapshot(e.id) is True
    assert ws.journal.snapshot(e.id) is False  # unchanged: nothing new to keep


def test_trash_restore_and_empty(ws):
    e = ws.journal.create(title="Gone", body="bye")
    ws.journal.delete(e.id)
    with pytest.raises(NotFound):
        ws.journal.get(e.id)
    assert [x.id for x in ws.journal.trash()] == [e.id]
    ws.journal.restore(e.id)
    assert ws.journal.get(e.id).title == "Gone"
    ws.journal.delete(e.id)
    assert ws.journal.empty_trash().removed_entries == {e.id}
    assert ws.journal.trash() == []
    with pytest.raises(NotFound):
        ws.journal.get(e.id, include_trashed=True)


def test_trashed_daily_does_not_block_a_new_one(ws):
    d = ws.journal.today()
    ws.journal.delete(d.id)
    d2 = ws.journal.today()
    assert d2.id != d.id
    with pytest.raises(BadInput, match="cannot come back"):
        ws.journal.restore(d.id)


def test_unknown_id_message(ws):
    with pytest.raises(NotFound, match="There is no journal entry 999"):
        ws.journal.get(999)


def test_streaks_and_calendar(ws, clock):
    for day in ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-10", "2026-11-20", "2026-11-21"]:
        ws.journal.create(body=f"wrote on {day}", day=dt.date.fromisoformat(day))
    clock.set_day("2026-11-22")
    s = ws.journal.streaks()
    assert (s.current, s.longest) == (2, 3)  # today still blank: counts from yesterday
    ws.journal.today()  # an untouched template does not count
    assert ws.journal.streaks().current == 2
    ws.journal.save(ws.journal.today().id, body="today's words")
    assert ws.journal.streaks().current == 3
    days = ws.journal.days_with_entries(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert days["2026-11-01"] == 1 and "2026-11-05" not in days


def test_on_this_day(ws, clock):
    old = ws.journal.create(body="a year ago", day=dt.date(2025, 11, 22))
    older = ws.journal.create(body="two years ago", day=dt.date(2024, 11, 22))
    ws.journal.create(body="other day", day=dt.date(2025, 11, 21))
    clock.set_day("2026-11-22")
    ws.journal.today()
    assert [e.id for e in ws.journal.on_this_day()] == [old.id, older.id]


def test_prompts_rotate_by_day(ws):
    p1 = ws.journal.prompt(dt.date(2026, 1, 1))
    p2 = ws.journal.prompt(dt.date(2026, 1, 2))
    assert p1 != p2 and p1 == ws.journal.prompt(dt.date(2026, 1, 1))


def test_custom_template(ws):
    ws.journal.set_template("daily", "# {weekday}\n{prompt}\n- ")
    e = ws.journal.today()
    assert e.body.startswith(f"# {dt.date.fromisoformat(e.day):%A}\n")


def test_clip_into_today_keeps_source_as_data(ws):
    src = ClipSource(
        title="Why [boards] fail",
        url="https://example.com/boards",
        feed="HBR",
        author="A. Writer",
        published="2026-11-20T08:00:00Z",
    )
    entry, change = ws.journal.add_clip(src, "Boards fail slowly,\nthen all at once.")
    assert entry.kind == "daily" and entry.id in change.entries
    assert "> Boards fail slowly,\n> then all at once." in entry.body
    assert (
        "— [Why (boards) fail](https://example.com/boards) · A. Writer · HBR · 2026-11-20"
        in entry.body
    )
    clips = ws.journal.clips(entry.id)
    assert clips[0].source.url == "https://example.com/boards" and clips[0].source.feed == "HBR"


def test_what_is_typed_after_a_clip_is_a_new_paragraph_not_part_of_the_quote(ws):
    src = ClipSource(title="Plans", url="https://example.com/plans", feed="Northwind")
    entry, _ = ws.journal.add_clip(src, "Annual plans were stale by March.")
    typed = entry.body + "Quarterly planning fits us too."  # the editor's cursor is at the end
    html = render(typed)
    assert html.rstrip().endswith("<p>Quarterly planning fits us too.</p>")
    assert "Quarterly" not in html.split("</blockquote>")[0]


def test_titles_for_completion(ws):
    ws.journal.create(title="Strategy offsite")
    ws.journal.create(title="Our strategy")
    ws.journal.create(title="Hiring")
    assert ws.journal.titles("strat")[0] == "Strategy offsite"
    assert set(ws.journal.titles("strat")) == {"Strategy offsite", "Our strategy"}


def test_too_long_title_is_refused_with_advice(ws):
    with pytest.raises(BadInput, match="keep it under"):
        ws.journal.create(title="x" * 500)
