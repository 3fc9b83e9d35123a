"""A Change says what a write touched, so views redraw only that."""


def test_a_body_only_save_is_text_only(ws):
    e = ws.journal.create(title="Plan", body="first #strategy [[Board]]")
    change = ws.journal.save(e.id, body="first, then more #strategy [[Board]]")
    assert change.entries == {e.id} and change.text_only == {e.id}


def test_new_tags_links_or_titles_are_not_text_only(ws):
    e = ws.journal.create(title="Plan", body="first")
    assert ws.journal.save(e.id, body="first #hiring").text_only == set()
    assert ws.journal.save(e.id, body="first #hiring [[Board]]").text_only == set()
    assert ws.journal.save(e.id, title="Renamed").text_only == set()


def test_the_first_edit_of_a_daily_entry_is_not_text_only(ws):
    day = ws.journal.today()  # from the template: not yet "written" (streaks count it now)
    assert ws.journal.save(day.id, body=day.body + "\nWritten.").text_only == set()


def test_merging_keeps_text_only_only_where_both_agree(ws):
    from pkm.core.changes import Change

    a = Change(entries={1, 2}, text_only={1, 2})
    a.merge(Change(entries={2}))
    assert a.text_only == {1}
