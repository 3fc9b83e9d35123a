"""`pkm feeds`, `pkm items`, `pkm rules`: Seek from the command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pkm.cli.context import (
    ID,
    AppContext,
    CheckedGroup,
    CountType,
    PathType,
    echo_json,
    echo_records,
    json_option,
    pass_app,
    read_stdin_line,
    read_text_arg,
)
from pkm.core.errors import BadInput
from pkm.core.feeds.model import Feed, Item

#: Longest retention `items purge --days` takes: 100 years (a bigger one overflowed the date).
MAX_DAYS = 36500


def _when(stamp: str | None) -> str:
    return stamp[:16].replace("T", " ") if stamp else "never"


def _ids(values: tuple[int, ...]) -> list[int]:
    if not values:
        raise BadInput("Give at least one item id. List items with 'pkm items list'.")
    return list(values)


def _folder_id(app: AppContext, name: str | None) -> int | None:
    return app.ws.feeds.folder_id(name) if name else None


# ---- feeds ------------------------------------------------------------------------------


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@click.group(cls=CheckedGroup)
def feeds() -> None:
    """Seek: subscribe to feeds, organize them, refresh them."""


@feeds.command()
@click.argument("url")
@click.option("--folder", help="Put the feed in this folder (created if new).")
@click.option("--user", help="User name of a private feed; the password is asked for.")
@json_option()
@pass_app
def add(app: AppContext, url, folder, user, as_json) -> None:
    """Follow a feed, by its address or by a page that links to it; prints its id and title."""
    password = _read_password(user) if user else None
    result = app.ws.feeds.add(url, folder=folder, username=user, password=password)
    feed = result.feed
    if as_json:
        echo_json({**feed.as_dict(), "created": result.created})
        return
    if not result.created:
        click.echo(f"Already subscribed to {feed.url} as feed {feed.id}.", err=True)
    click.echo(f"{feed.id}\t{feed.title}")


def _read_password(user: str) -> str:
    """Asked on a terminal without echo; read as one line from standard input in scripts."""
    if sys.stdin is not None and sys.stdin.isatty():
        return click.prompt(f"Password for {user}", hide_input=True)
    password = read_stdin_line() if sys.stdin is not None else ""
    if not password:
        raise BadInput(f"No password given for '{user}'. Pipe it on standard input or type it.")
    return password


@feeds.command("import")
@click.argument("file", type=PathType(exists=True, dir_okay=False, path_type=Path))
@json_option()
@pass_app
def import_(app: AppContext, file: Path, as_json) -> None:
    """Subscribe to the feeds of an OPML file (they are fetched on the next refresh)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise BadInput(f"Cannot read {file}: {exc.strerror or exc}. Check the file name.") from None
    report = app.ws.feeds.import_opml(data)
    if as_json:
        echo_json(
            {
                "added": [f.as_dict() for f in report.added],
                "existing": report.existing,
                "refused": [{"url": u, "reason": why} for u, why in report.refused],
            }
        )
        return
    for url, why in report.refused:
        click.echo(f"Refused {url}: {why}", err=True)
    click.echo(
        f"Imported {len(report.added)} feeds; {len(report.existing)} already followed; "
        f"{len(report.refused)} refused. Run 'pkm feeds refresh' to fetch them."
    )


@feeds.command()
@click.argument("file", required=False, type=PathType(dir_okay=False, path_type=Path))
@pass_app
def export(app: AppContext, file: Path | None) -> None:
    """Write your subscriptions as OPML to FILE (or standard output)."""
    data = app.ws.feeds.export_opml()
    if file is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    from pkm.core.settings import atomic_write_bytes

    try:
        atomic_write_bytes(file, data, shared=True)
    except OSError as exc:
        raise BadInput(
            f"Cannot write {file}: {exc.strerror or exc}. Choose another file."
        ) from None
    click.echo(
        f"Wrote {len(app.ws.feeds.list())} feeds to ".encode() + os.fsencode(file) + b".", err=True
    )


@feeds.command("list")
@json_option()
@pass_app
def list_feeds(app: AppContext, as_json) -> None:
    """Your feeds with unread counts, last fetch and last error."""
    echo_records(app.ws.feeds.list(), as_json, _feed_line)


def _feed_line(f: Feed) -> str:
    """One line a feed, and a second one under it while its last fetch failed."""
    name = f"{f.folder} / {f.title}" if f.folder else f.title
    gone = "  [gone: polling stopped]" if f.status == "gone" else ""
    line = f"{f.id:>5}  {f.unread:>4} unread  {name}  (fetched {_when(f.last_fetch_at)}){gone}"
    if f.last_error:
        line += f"\n       last error ({_when(f.last_error_at)}): {f.last_error}"
    return line


@feeds.command()
@click.argument("feed_ids", nargs=-1, type=ID)
@click.option("--due", is_flag=True, help="Only feeds whose polling schedule says they are due.")
@json_option()
@pass_app
def refresh(app: AppContext, feed_ids, due, as_json) -> None:
    """Fetch all feeds (or FEED_IDS) now; prints what each one did."""
    report = app.ws.feeds.refresh(list(feed_ids) or None, due_only=due, progress=_progress())
    if sys.stderr.isatty():
        click.echo("", err=True)
    if as_json:
        echo_json([r.as_dict() for r in report.results])
        return
    for r in report.results:
        click.echo(f"{r.feed_id:>5}  {r.title}: {r.describe()}")
    click.echo(
        f"{_count(len(report.results), 'feed')}, {_count(report.new, 'new item')}, "
        f"{report.errors} with errors."
        + (f" Purged {report.purged} old read items." if report.purged else "")
    )


def _progress():
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, result) -> None:
        click.echo(f"\rRefreshing feeds… {done}/{total}", nl=False, err=True)

    return show


@feeds.command()
@click.argument("feed_id", type=ID)
@pass_app
def remove(app: AppContext, feed_id) -> None:
    """Unsubscribe; starred and clipped items are kept."""
    title = app.ws.feeds.get(feed_id).title
    app.ws.feeds.remove(feed_id)
    click.echo(f"Unsubscribed from {title}.")


@feeds.command()
@click.argument("feed_id", type=ID)
@click.argument("title")
@pass_app
def rename(app: AppContext, feed_id, title) -> None:
    """Give a feed your own title (kept when the feed changes its own)."""
    app.ws.feeds.rename(feed_id, title)
    click.echo(feed_id)


@feeds.command()
@click.argument("feed_id", type=ID)
@click.option("--folder", required=True, help="The folder ('' for none); created if new.")
@pass_app
def move(app: AppContext, feed_id, folder) -> None:
    """Move a feed to a folder."""
    app.ws.feeds.move(feed_id, folder or None)
    click.echo(feed_id)


# ---- items ------------------------------------------------------------------------------


@click.group(cls=CheckedGroup)
def items() -> None:
    """Read: list, show, mark, star and clip feed items."""


@items.command("list")
@click.option("--unread", is_flag=True, help="Only unread items.")
@click.option("--starred", is_flag=True, help="Only starred items.")
@click.option("--feed", "feed_id", type=ID, help="Only this feed's items.")
@click.option("--folder", help="Only items of feeds in this folder.")
@click.option("--tag", help="Only items a rule tagged so.")
@click.option("--limit", type=CountType(1, 10_000), default=50, show_default=True)
@click.option("--offset", type=CountType(0), default=0, help="Skip this many (paging).")
@json_option()
@pass_app
def list_items(app: AppContext, unread, starred, feed_id, folder, tag, limit, offset, as_json):
    """Items, newest first."""
    if feed_id is not None:
        app.ws.feeds.get(feed_id)
    found = app.ws.feeds.items(
        feed_id=feed_id, folder_id=_folder_id(app, folder), unread=unread, starred=starred,
        tag=tag, limit=limit, offset=offset,
    )  # fmt: skip
    echo_records(found, as_json, _item_line)


def _item_line(i: Item) -> str:
    marks = ("●" if not i.read else " ") + ("★" if i.starred else " ")
    return f"{i.id:>7} {marks} {i.day}  {i.feed_title}  {i.title}"


@items.command()
@click.argument("item_id", type=ID)
@json_option("Print JSON (with the sanitized HTML).")
@click.option("--html", "as_html", is_flag=True, help="Print only the sanitized HTML.")
@pass_app
def show(app: AppContext, item_id, as_json, as_html) -> None:
    """Show one item: its source, link and text."""
    item = app.ws.feeds.item(item_id)
    if as_json:
        echo_json(item.as_dict())
        return
    if as_html:
        click.echo(item.html)
        return
    click.echo(f"# {item.title}")
    meta = [item.feed_title, item.author, item.day, "unread" if not item.read else "read"]
    meta += ["starred"] if item.starred else []
    meta += [" ".join(f"#{t}" for t in item.tags)] if item.tags else []
    click.echo(" · ".join(m for m in meta if m) + f" · id {item.id}")
    if item.url:
        click.echo(item.url)
    click.echo()
    click.echo(item.text or "")


def _setter(name: str, help_text: str, call):
    @items.command(name, help=help_text)
    @click.argument("item_ids", nargs=-1, type=ID)
    @pass_app
    def command(app: AppContext, item_ids) -> None:
        call(app.ws.feeds, _ids(item_ids))
        click.echo(" ".join(map(str, item_ids)))

    return command


_setter("read", "Mark items read.", lambda f, ids: f.mark_read(ids, True))
_setter("unread", "Mark items unread.", lambda f, ids: f.mark_read(ids, False))
_setter("star", "Star items (starred items are kept forever).", lambda f, ids: f.star(ids, True))
_setter("unstar", "Remove the star from items.", lambda f, ids: f.star(ids, False))


@items.command("mark-all-read")
@click.option("--feed", "feed_id", type=ID, help="Only this feed.")
@click.option("--folder", help="Only feeds in this folder.")
@pass_app
def mark_all_read(app: AppContext, feed_id, folder) -> None:
    """Mark every unread item read (in one feed or folder, if given)."""
    change = app.ws.feeds.mark_all_read(feed_id=feed_id, folder_id=_folder_id(app, folder))
    click.echo(f"Marked {len(change.items)} items read.")


@items.command()
@click.argument("item_id", type=ID)
@click.option(
    "--quote", help="The passage to quote (or - for standard input); default: the opening."
)
@click.option("--entry", "entry_id", type=ID, help="Clip into this entry instead of today's.")
@pass_app
def clip(app: AppContext, item_id, quote, entry_id) -> None:
    """Quote an item into today's journal entry with its source; prints the entry id."""
    entry, _ = app.ws.feeds.clip(item_id, read_text_arg(quote), entry_id=entry_id)
    click.echo(entry.id)


@items.command()
@click.option(
    "--days",
    type=CountType(0, MAX_DAYS, "(100 years)"),
    help="Older than this (default: the setting, 30; 0 keeps everything).",
)
@pass_app
def purge(app: AppContext, days) -> None:
    """Delete read items older than N days now; starred and clipped items are kept."""
    _, deleted = app.ws.feeds.purge(days)
    click.echo(f"Deleted {deleted} old read items.")


# ---- rules ------------------------------------------------------------------------------


@click.group(cls=CheckedGroup)
def rules() -> None:
    """Rules for new items: mute (mark read), star or tag by keyword or regex."""


@rules.command("add")
@click.argument("pattern")
@click.option("--regex", is_flag=True, help="PATTERN is a regular expression (case-insensitive).")
@click.option(
    "--field", type=click.Choice(["any", "title", "content", "author"]), default="any",
    show_default=True, help="Where to look.",
)  # fmt: skip
@click.option("--mute", "--read", "mute", is_flag=True, help="Mark matching items read.")
@click.option("--star", is_flag=True, help="Star matching items.")
@click.option("--tag", help="Tag matching items.")
@click.option("--feed", "feed_id", type=ID, help="Only for this feed.")
@click.option("--apply", "apply_now", is_flag=True, help="Also apply to the items already stored.")
@pass_app
def add_rule(app: AppContext, pattern, regex, field, mute, star, tag, feed_id, apply_now) -> None:
    """Add a rule; prints its id. Exactly one of --mute, --star, --tag."""
    actions = [a for a, on in (("read", mute), ("star", star), ("tag", bool(tag))) if on]
    if len(actions) != 1:
        raise BadInput("Say what the rule does: exactly one of --mute, --star or --tag NAME.")
    rule, change = app.ws.feeds.add_rule(
        pattern, is_regex=regex, field=field, action=actions[0], tag=tag or "",
        feed_id=feed_id, apply_existing=apply_now,
    )  # fmt: skip
    if apply_now:
        click.echo(f"Applied to {len(change.items)} stored items.", err=True)
    click.echo(rule.id)


@rules.command("list")
@json_option()
@pass_app
def list_rules(app: AppContext, as_json) -> None:
    """Your rules, in the order they run."""
    echo_records(app.ws.feeds.rules(), as_json, lambda r: f"{r.id:>5}  {r.describe()}")


@rules.command("remove")
@click.argument("rule_id", type=ID)
@pass_app
def remove_rule(app: AppContext, rule_id) -> None:
    """Delete a rule (items it already changed stay as they are)."""
    app.ws.feeds.remove_rule(rule_id)
    click.echo(f"Removed rule {rule_id}.")
