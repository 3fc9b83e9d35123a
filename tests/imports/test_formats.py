"""Each format's sample export gives the right entries, dates, tags, links and images."""

from __future__ import annotations

import datetime as dt
import re

from pkm.core.imports import run_import
from pkm.core.media import REF_RE

MEDIA_REF = re.compile(r"\((media/[0-9a-f]{64}\.[a-z0-9]+)\)")


def _refs(body: str) -> list[str]:
    return MEDIA_REF.findall(body)


def test_dayone_entries_become_daily_entries_on_their_own_local_day(ws, dayone_zip):
    report = run_import(ws, "dayone", dayone_zip)
    assert [s.label for s in report.skipped] == ["Journal entry 4"]
    assert "no uuid or no creationDate" in report.skipped[0].reason
    days = {e.day: e for e in ws.journal.list()}
    assert set(days) == {"2026-03-02", "2026-03-04"}  # 23:40 UTC in Tokyo is the next morning
    paris = days["2026-03-02"]
    assert paris.kind == "daily" and paris.title == "Monday 2 March 2026"
    # Two entries of one day are one daily entry, in the order written, escapes undone.
    assert paris.body.index("Three things to land today. The #pricing decision first!") < (
        paris.body.index("Evening: the board said yes.")
    )
    assert "*08:45 (Europe/Paris) · Café de Flore, Paris, Île-de-France, France*" in paris.body
    assert set(paris.tags) >= {"board-meeting", "strategy", "starred", "pricing"}
    # Both photos are in the media store, shown where the text had them.
    refs = _refs(paris.body)
    assert len(refs) == 2 and all(REF_RE.match(r) for r in refs)
    assert all((ws.home / r).read_bytes().startswith(b"\xff\xd8\xff") for r in refs)
    assert paris.body.index(refs[0]) < paris.body.index("See [[Pricing memo]]")
    assert "dayone-moment" not in paris.body
    assert report.media == 2
    assert days["2026-03-04"].created == "2026-03-03T23:40:00+00:00"


def test_enex_notes_keep_lists_tables_checkboxes_links_images_and_source(ws, enex_file):
    report = run_import(ws, "enex", enex_file)
    assert [s.label for s in report.skipped] == ["No date at all"]
    notes = {e.title: e for e in ws.journal.list()}
    plan = notes["Q3 offsite plan"]
    assert plan.kind == "note" and plan.day == "2025-09-12"
    assert plan.created == "2025-09-12T08:15:00+00:00"
    assert plan.updated == "2025-09-13T17:00:00+00:00"
    assert list(plan.tags) == ["offsite", "leadership-team"]
    body = plan.body
    assert "- Agree the *three* priorities\n- Budget owner per priority" in body
    assert "1. Draft agenda\n2. Book the venue" in body
    assert "- [x] Send invitations" in body and "- [ ] Confirm catering" in body
    assert "- [x] Flights booked\n- [ ] Hotel booked" in body  # Evernote 10's checklists
    assert "| Day | Topic |\n| --- | --- |\n| Mon | Strategy |" in body
    assert "[the strategy page](https://example.com/strategy)" in body
    assert "Source: <https://intranet.example.com/offsite>" in body
    image = re.search(r"!\[venue.png\]\((media/[0-9a-f]{64}\.png)\)", body)
    assert image and (ws.home / image.group(1)).read_bytes().startswith(b"\x89PNG")
    pdf = re.search(r"(?<!!)\[agenda.pdf\]\((media/[0-9a-f]{64}\.pdf)\)", body)
    assert pdf and (ws.home / pdf.group(1)).read_bytes().startswith(b"%PDF")
    assert notes["1:1 with Sam"].body.startswith("## Notes\n\nSam wants to lead the **pricing**")


def test_obsidian_vault_front_matter_tags_links_embeds_and_daily_notes(ws, vault):
    report = run_import(ws, "markdown", vault)
    skipped = {s.label: s.reason for s in report.skipped}
    assert set(skipped) == {"Broken.md", "Latin1.md"}
    assert "front matter is not valid YAML" in skipped["Broken.md"]
    assert "not UTF-8" in skipped["Latin1.md"]
    entries = {e.title: e for e in ws.journal.list()}
    memo = entries["Pricing memo"]
    assert memo.day == "2026-02-20" and list(memo.tags) == ["pricing", "strategy", "decision"]
    # ![[org chart.png]] found in attachments/, stored, shown as an image
    assert re.search(r"!\[org chart.png\]\(media/[0-9a-f]{64}\.png\)", memo.body)
    # [[Team offsite#Agenda|the offsite]] -> a pkm link to the note, alias kept
    assert "[[Team offsite|the offsite]]" in memo.body
    offsite = entries["Team offsite"]
    assert offsite.day == "2026-01-15"
    assert "[[Pricing memo|Price memo]]" in offsite.body  # an alias points at its note
    assert "\n[[Pricing memo]]\n" in offsite.body  # ![[note]] (transclusion) becomes a link
    assert [(t, e.id) for t, e in ws.journal.outgoing_links(offsite.id)] == [
        ("Pricing memo", memo.id)
    ]
    daily = ws.journal.daily(dt.date(2026, 3, 2))
    assert daily is not None and "[[Pricing memo|Pricing]]" in daily.body
    assert "reflection" in daily.tags
    # ![chart](../attachments/org%20chart.png): the same bytes, the same media file
    assert _refs(daily.body) == _refs(memo.body)
    march5 = ws.journal.daily(dt.date(2026, 3, 5))
    assert march5 is not None and list(march5.tags) == ["travel"]
    imported = {i.label: i for i in report.imported}
    assert imported["Daily/2026-03-05.md"].notes == [
        "missing photo.jpg was left out: it is not in the folder"
    ]
    assert all(
        e.kind == "note" for t, e in entries.items() if t in ("Pricing memo", "Team offsite")
    )
    # Links resolve both ways: the memo sees who links to it.
    assert {b.title for b in ws.journal.backlinks(memo.id)} == {"Team offsite", daily.title}


def test_a_custom_daily_note_pattern(ws, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "02.03.2026.md").write_text("A day, named the German way.\n")
    (folder / "Index.md").write_text("See [[02.03.2026]].\n")
    run_import(ws, "markdown", folder, daily_format="%d.%m.%Y")
    day = ws.journal.daily(dt.date(2026, 3, 2))
    assert day is not None and day.body == "A day, named the German way.\n"
    index = next(e for e in ws.journal.list() if e.title == "Index")
    assert "[[2026-03-02|02.03.2026]]" in index.body
    assert ws.journal.outgoing_links(index.id)[0][1].id == day.id
