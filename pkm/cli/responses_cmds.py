"""`pkm responses ...`: hearing back from what was shared (issue 13)."""

from __future__ import annotations

import click

from pkm.cli.context import ID, AppContext, CheckedGroup, echo_json, json_option, pass_app
from pkm.core.errors import BadInput


@click.group(cls=CheckedGroup)
def responses() -> None:
    """Share: comments, replies, likes, boosts and reactions to your published posts."""


def _check_post(app: AppContext, post_id: int | None) -> None:
    """A post id must name an entry (trashed ones too: their publications live on)."""
    if post_id is None:
        return
    app.ws.journal.get(post_id, include_trashed=True)
    if not app.ws.publishing.publications(post_id):
        raise BadInput(
            f"Entry {post_id} has not been published anywhere, so there is nothing to hear back "
            "from. Publish it first: pkm publish ENTRY_ID --to TARGET"
        )


@responses.command()
@click.argument("post_id", type=ID, required=False)
@click.option("--due", is_flag=True, help="Only what the schedule says is due (for cron/timers).")
@json_option("Print JSON: [{target, post_id, new, total, error?, skipped?}].")
@pass_app
def refresh(app: AppContext, post_id, due, as_json) -> None:
    """Read the responses to one post (POST_ID) or to every post published in the last
    months; nothing is changed on the sites. Exit status 1 if a target failed."""
    _check_post(app, post_id)
    results = app.ws.responses.refresh(post_id, due_only=due)
    if as_json:
        echo_json([r.as_dict() for r in results])
    else:
        if not results:
            click.echo("Nothing to check: no published posts are due.", err=True)
        for r in results:
            click.echo(r.line(), err=bool(r.error))
    if any(r.error for r in results):
        raise click.exceptions.Exit(1)


@responses.command("list")
@click.argument("post_id", type=ID, required=False)
@json_option("Print JSON: [{id, target, kind, author, text, url, at, post_id, status}].")
@pass_app
def list_(app: AppContext, post_id, as_json) -> None:
    """Responses heard back so far, newest first (run 'pkm responses refresh' to check)."""
    _check_post(app, post_id)
    found = app.ws.responses.list(post_id)
    if as_json:
        echo_json([r.as_dict() for r in found])
        return
    notes = app.ws.responses.unreadable(post_id)
    for target, note in notes.items():
        click.echo(f"{target}: {note}", err=True)
    if not found:
        click.echo("No responses yet. Check now: pkm responses refresh", err=True)
    for r in found:
        who = r.author or "someone"
        text = " ".join(r.text.split())
        text = (text[:117] + "…") if len(text) > 120 else text
        pending = " (awaiting your approval)" if r.status == "pending" else ""
        said = f": {text}" if text and r.kind in ("comment", "reply") else ""
        if r.kind == "reaction" and text:
            said = f" {text}"
        line = f"{r.at[:16].replace('T', ' ')}  post {r.entry_id}  {r.target}  {r.kind} by {who}"
        click.echo(f"{line}{pending}{said}" + (f"  {r.url}" if r.url else ""))


@responses.command()
@click.argument("response_id", type=ID)
@pass_app
def clip(app: AppContext, response_id) -> None:
    """Quote a comment or reply (its id from 'list --json') into today's entry, with its
    source: the start of the next reflection."""
    entry, _ = app.ws.responses.clip(response_id)
    click.echo(f"Clipped into {entry.title} (entry {entry.id}).")
