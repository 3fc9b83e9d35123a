"""`pkm search` and `pkm index`: find anything, rebuild the index."""

from __future__ import annotations

import html
import re
import sys

import click

from pkm.cli.context import (
    ID,
    AppContext,
    CheckedCommand,
    CheckedGroup,
    CountType,
    echo_json,
    json_option,
    pass_app,
)
from pkm.core.indexing import split_key

_TAG_RE = re.compile(r"<[^>]+>")


def _progress_printer():
    """A progress line on stderr when it is a terminal; silent for scripts."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int | None) -> None:
        of = f"/{total}" if total else ""
        click.echo(f"\rBuilding the search index… {done}{of}", nl=False, err=True)

    return show


def _say_notice(app: AppContext) -> None:
    """What the index healed on its own (a file where its folder belongs), once, on stderr."""
    index = app.ws.search.index
    if index.notice:
        click.echo(f"pkm: {index.notice}", err=True)
        index.notice = None


def ensure_index(app: AppContext) -> None:
    search = app.ws.search
    _say_notice(app)
    if search.needs_rebuild():
        search.rebuild(progress=_progress_printer())
        if sys.stderr.isatty():
            click.echo("", err=True)
    search.sync()


@click.command(cls=CheckedCommand)
@click.argument("query")
@click.option("--limit", type=CountType(1, 1000), default=20, show_default=True)
@click.option("--newest", is_flag=True, help="Newest first instead of best match first.")
@json_option()
@pass_app
def search(app: AppContext, query, limit, newest, as_json) -> None:
    """Search notes and reading. Words, "phrases", prefix*, tag:x, kind:note, day:2026-05 ...

    As in the window, the last word is also a word's beginning ("knowl"
    finds "knowledge") unless the query ends with a space or in a quoted
    "phrase"; a last word of one letter is not a beginning, and a query of
    one letter lists the newest titles with a word starting with it. c++, C#
    and F# are whole words.
    """
    ensure_index(app)
    results = app.ws.search.search(
        query, limit=limit, sort="newest" if newest else "relevance", as_you_type=True
    )
    if results.note and not as_json:
        click.echo(f"{results.note}:", err=True)
    rows = []
    for hit in results.hits:
        _, num = split_key(hit.key)
        rows.append(
            {
                "id": num,
                "kind": hit.kinds[-1] if hit.kinds else "",
                "title": hit.title,
                "day": hit.day,
                "snippet": hit.snippet,
                "score": round(float(hit.score), 4),
            }
        )
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("No matches.", err=True)
    for r in rows:
        plain = html.unescape(_TAG_RE.sub("", r["snippet"]))
        click.echo(f"{r['id']:>6}  {r['day']}  {r['kind']:<5}  {r['title']}")
        if plain:
            click.echo(f"        {plain}")


@click.group(cls=CheckedGroup)
def index() -> None:
    """The search index (derived from the database; safe to rebuild)."""


@index.command()
@pass_app
def rebuild(app: AppContext) -> None:
    """Rebuild the search index from the database."""
    n = app.ws.search.rebuild(progress=_progress_printer())
    if sys.stderr.isatty():
        click.echo("", err=True)
    click.echo(f"Indexed {n} documents.")


@index.command()
@pass_app
def status(app: AppContext) -> None:
    """Whether the index is up to date (it is rebuilt by 'pkm search' or 'pkm index rebuild')."""
    s = app.ws.search
    _say_notice(app)
    if not s.needs_rebuild():
        state = "ready;"
    elif reason := s.stale_reason():
        state = f"stale: {reason}; 'pkm search' or 'pkm index rebuild' rebuilds it."
    else:
        state = "missing or incomplete; 'pkm search' or 'pkm index rebuild' builds it."
    click.echo(f"Index {state} {s.pending()} changes waiting; {s.total_docs()} documents.")


@click.command(cls=CheckedCommand)
@click.argument("entry_id", type=ID)
@click.option("--limit", type=CountType(1, 50), default=5, show_default=True)
@json_option("Print JSON: [{id, kind, title, day, score, shares}].")
@pass_app
def related(app: AppContext, entry_id, limit, as_json) -> None:
    """The notes and articles most like an entry, with the words they share."""
    entry = app.ws.journal.get(entry_id)
    ensure_index(app)
    key = f"entry:{entry.id}"
    text = f"{entry.title}\n{app.ws.search.fetch_text([key]).get(key, '')}"
    found = app.ws.search.related(key, limit=limit, text=text)
    if as_json:
        echo_json([r.as_dict() for r in found])
        return
    if not found:
        click.echo(
            "Nothing related yet: it shares no telling word with another note or article.",
            err=True,
        )
    for r in found:
        d = r.as_dict()
        click.echo(f"{d['id']:>6}  {d['kind']:<5}  {r.title}  (shares: {', '.join(r.shares)})")
