"""`pkm journal ...`: write, read and manage journal entries."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange

import click

from pkm.cli.context import (
    DAY,
    ID,
    AppContext,
    CheckedGroup,
    CountType,
    echo_json,
    echo_records,
    json_option,
    pass_app,
    read_text_arg,
)
from pkm.core.errors import BadInput, NotFound
from pkm.core.journal import Entry, Revision


@click.group(cls=CheckedGroup)
def journal() -> None:
    """Sense: your daily journal, notes and clips."""


def _entry_line(e: Entry) -> str:
    tags = " ".join(f"#{t}" for t in e.tags)
    return f"{e.id:>6}  {e.day}  {e.kind:<5}  {e.title}" + (f"  {tags}" if tags else "")


def _entry_json(app: AppContext, e: Entry) -> dict:
    j = app.ws.journal
    data = e.as_dict()
    data["backlinks"] = [{"id": b.id, "title": b.title} for b in j.backlinks(e.id)]
    data["links"] = [
        {"text": text, "id": target.id if target else None}
        for text, target in j.outgoing_links(e.id)
    ]
    data["clips"] = [
        {
            "quote": c.quote,
            "title": c.source.title,
            "url": c.source.url,
            "feed": c.source.feed,
            "author": c.source.author,
            "published": c.source.published,
            "item_id": c.source.item_id,
        }
        for c in j.clips(e.id)
    ]
    if e.source_id is not None:
        source = j.get(e.source_id, include_trashed=True) if _exists(app, e.source_id) else None
        data["source"] = {"id": e.source_id, "title": source.title if source else None}
    data["posts"] = [{"id": p.id, "title": p.title} for p in j.list_posts(e.id)]
    return data


def _exists(app: AppContext, entry_id: int) -> bool:
    try:
        app.ws.journal.get(entry_id, include_trashed=True)
    except NotFound:
        return False
    return True


@journal.command()
@pass_app
def today(app: AppContext) -> None:
    """Create (from the daily template) or open today's entry; prints its id."""
    click.echo(app.ws.journal.today().id)


@journal.command()
@click.option("--day", type=DAY, help="The entry's day (default: today).")
@click.option("--title", help="Title (default: the first line of the text).")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more.")
@click.option(
    "--daily", is_flag=True, help="Append to that day's daily entry instead of a new note."
)
@click.argument("text", required=False)
@pass_app
def add(app: AppContext, day, title, tags, daily, text) -> None:
    """Add a note (TEXT, or - to read standard input); prints its id."""
    body = read_text_arg(text) or ""
    j = app.ws.journal
    if daily:
        entry = j.daily_for(day or j.today_date())
        new_body = (entry.body.rstrip("\n") + "\n\n" + body).lstrip("\n") if body else entry.body
        merged_tags = list(entry.explicit_tags) + [t for t in tags if t not in entry.explicit_tags]
        j.save(entry.id, body=new_body, title=title, tags=merged_tags)
        click.echo(entry.id)
        return
    if not body.strip() and not title:
        raise BadInput("Nothing to add: give the text, or - to read it from standard input.")
    click.echo(j.create(kind="note", title=title, body=body, day=day, tags=tags).id)


@journal.command()
@click.argument("entry_id", type=ID)
@click.option("--title", help="A new title (links to the old title are updated).")
@click.option("--tag", "tags", multiple=True, help="Replace the explicit tags; repeat for more.")
@click.argument("text", required=False)
@pass_app
def edit(app: AppContext, entry_id, title, tags, text) -> None:
    """Replace an entry's text (TEXT or - for standard input); the old text is kept as a revision."""
    body = read_text_arg(text)
    if body is None and title is None and not tags:
        raise BadInput("Nothing to change: give new text, - for standard input, --title or --tag.")
    change = app.ws.journal.save(
        entry_id, title=title, body=body, tags=tags or None, force_revision=True,
        reason="command line",
    )  # fmt: skip
    others = sorted(change.entries - {entry_id})
    if others:
        click.echo(f"Updated links in entries {', '.join(map(str, others))}.", err=True)
    click.echo(entry_id)


@journal.command()
@click.argument("entry_id", type=ID)
@json_option()
@click.option("--html", "as_html", is_flag=True, help="Print the rendered, sanitized HTML.")
@pass_app
def show(app: AppContext, entry_id, as_json, as_html) -> None:
    """Show one entry with its tags, links and backlinks."""
    e = app.ws.journal.get(entry_id)
    if as_json:
        echo_json(_entry_json(app, e))
        return
    if as_html:
        from pkm.core.markdown import render

        click.echo(render(e.body, resolver=app.ws.journal.exists))
        return
    click.echo(f"# {e.title}")
    click.echo(
        f"{e.day} · {e.kind} · id {e.id}"
        + (f" · {' '.join('#' + t for t in e.tags)}" if e.tags else "")
    )
    click.echo()
    click.echo(e.body.rstrip())
    if e.source_id is not None and _exists(app, e.source_id):
        source = app.ws.journal.get(e.source_id, include_trashed=True)
        click.echo()
        click.echo(f"Drawn from: {source.title} ({source.id})")
    drawn = app.ws.journal.list_posts(e.id)
    if drawn:
        click.echo()
        click.echo("Posts from it: " + "; ".join(f"{p.title} ({p.id})" for p in drawn))
    backlinks = app.ws.journal.backlinks(e.id)
    if backlinks:
        click.echo()
        click.echo("Linked from: " + "; ".join(f"{b.title} ({b.id})" for b in backlinks))


@journal.command("list")
@click.option("--tag", help="Only entries with this tag.")
@click.option("--since", type=DAY, help="Only entries on or after this day.")
@click.option("--until", type=DAY, help="Only entries on or before this day.")
@click.option(
    "--kind", type=click.Choice(["daily", "note", "clip", "post"]), help="Only this kind."
)
@click.option("--limit", type=CountType(1), help="At most this many.")
@json_option()
@pass_app
def list_(app: AppContext, tag, since, until, kind, limit, as_json) -> None:
    """List entries, newest first."""
    entries = app.ws.journal.list(tag=tag, since=since, until=until, kind=kind, limit=limit)
    echo_records(entries, as_json, _entry_line)


@journal.command()
@click.argument("entry_id", type=ID)
@pass_app
def delete(app: AppContext, entry_id) -> None:
    """Move an entry to the trash (restore it with 'journal restore')."""
    app.ws.journal.delete(entry_id)
    click.echo(f"Moved entry {entry_id} to the trash.")


@journal.command()
@click.argument("entry_id", type=ID)
@pass_app
def restore(app: AppContext, entry_id) -> None:
    """Bring an entry back from the trash."""
    app.ws.journal.restore(entry_id)
    click.echo(entry_id)


@journal.command()
@click.option("--empty", is_flag=True, help="Delete everything in the trash for good.")
@pass_app
def trash(app: AppContext, empty) -> None:
    """List the trash, or empty it."""
    if empty:
        n = len(app.ws.journal.empty_trash().removed_entries)
        click.echo(f"Deleted {n} entries for good.")
        return
    for e in app.ws.journal.trash():
        click.echo(f"{_entry_line(e)}  (deleted {e.deleted_at})")


@journal.command()
@click.argument("entry_id", type=ID)
@json_option()
@pass_app
def revisions(app: AppContext, entry_id, as_json) -> None:
    """Earlier versions of an entry, newest first."""
    echo_records(app.ws.journal.revisions(entry_id), as_json, _revision_line, to_json=vars)


def _revision_line(r: Revision) -> str:
    first = r.body.strip().splitlines()[0][:60] if r.body.strip() else ""
    return f"{r.id:>6}  {r.saved_at}  {r.reason:<12}  {r.title}  {first}"


@journal.command()
@click.argument("revision_id", type=ID)
@click.option("--show", "show_only", is_flag=True, help="Print the revision instead of restoring.")
@pass_app
def revert(app: AppContext, revision_id, show_only) -> None:
    """Restore an entry to a revision (the current text is kept as a revision)."""
    rev = app.ws.journal.revision(revision_id)
    if show_only:
        click.echo(f"# {rev.title}\n\n{rev.body.rstrip()}")
        return
    app.ws.journal.restore_revision(revision_id)
    click.echo(rev.entry_id)


@journal.command()
@pass_app
def tags(app: AppContext) -> None:
    """All tags with how many entries use them."""
    for tag, n in app.ws.journal.tags():
        click.echo(f"{n:>6}  #{tag}")


@journal.command()
@json_option()
@pass_app
def streak(app: AppContext, as_json) -> None:
    """Your current and longest journaling streaks (days in a row)."""
    s = app.ws.journal.streaks()
    if as_json:
        echo_json(s.__dict__)
    else:
        click.echo(f"Current streak: {s.current} days. Longest: {s.longest} days.")


@journal.command("on-this-day")
@click.option("--day", type=DAY, help="Which day (default: today).")
@pass_app
def on_this_day(app: AppContext, day) -> None:
    """Entries written on this date in earlier years."""
    for e in app.ws.journal.on_this_day(day):
        click.echo(_entry_line(e))


@journal.command()
@click.option("--day", type=DAY, help="Which day (default: today).")
@pass_app
def prompt(app: AppContext, day) -> None:
    """Today's reflection prompt."""
    click.echo(app.ws.journal.prompt(day))


@journal.command()
@click.option("--month", help="YYYY-MM (default: this month).")
@pass_app
def calendar(app: AppContext, month) -> None:
    """Days of a month that have entries."""
    today = app.ws.journal.today_date()
    try:
        first = dt.date.fromisoformat(f"{month}-01") if month else today.replace(day=1)
    except ValueError:
        raise BadInput(f"'{month}' is not a month. Write it as YYYY-MM, e.g. 2026-03.") from None
    # monthrange, not "first of next month - 1 day": that overflows in December 9999
    last = first.replace(day=monthrange(first.year, first.month)[1])
    days = app.ws.journal.days_with_entries(first, last)
    for day, n in days.items():
        click.echo(f"{day}  {n}")


@journal.command()
@click.argument("name", type=click.Choice(["daily", "note"]))
@click.argument("text", required=False)
@pass_app
def template(app: AppContext, name, text) -> None:
    """Show a template, or set it (TEXT or -). Placeholders: {prompt} {date} {weekday} {title}."""
    body = read_text_arg(text)
    if body is None:
        click.echo(app.ws.journal.template(name), nl=False)
    else:
        app.ws.journal.set_template(name, body)
        click.echo(f"Saved the {name} template.")
