"""`pkm searches ...`: saved searches, each with its count."""

from __future__ import annotations

import click

from pkm.cli.context import AppContext, CheckedGroup, echo_json, json_option, pass_app
from pkm.cli.search_cmds import ensure_index


@click.group(cls=CheckedGroup)
def searches() -> None:
    """Saved searches: a query with a name, e.g. 'Board' for "tag:board after:2026-01-01"."""


@searches.command()
@click.argument("name")
@click.argument("query")
@click.option("--replace", is_flag=True, help="Replace the saved search of that name.")
@pass_app
def add(app: AppContext, name, query, replace) -> None:
    """Save QUERY under NAME (the query is checked now, so it never fails later)."""
    saved = app.ws.saved_searches.add(name, query, replace=replace)
    click.echo(f"Saved the search '{saved.name}': {saved.query}")


@searches.command("list")
@json_option("Print JSON: [{name, query, count}].")
@pass_app
def list_(app: AppContext, as_json) -> None:
    """Saved searches with how many notes and articles each finds now."""
    found = app.ws.saved_searches.list()
    rows = []
    if found:
        ensure_index(app)
    for s in found:
        total = app.ws.search.search(s.query, limit=1).total
        rows.append({"name": s.name, "query": s.query, "count": total})
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("No saved searches yet. Add one: pkm searches add NAME QUERY", err=True)
    width = max((len(r["name"]) for r in rows), default=0)
    for r in rows:
        click.echo(f"{r['name']:<{width}}  {r['count']:>6}  {r['query']}")


@searches.command()
@click.argument("name")
@pass_app
def remove(app: AppContext, name) -> None:
    """Forget a saved search (the notes it found are untouched)."""
    gone = app.ws.saved_searches.remove(name)
    click.echo(f"Removed the saved search '{gone.name}'.")
