"""`pkm posts ...`: the deliberate extract of the journal that is shared."""

from __future__ import annotations

import click

from pkm.cli.context import (
    ID,
    AppContext,
    CheckedGroup,
    echo_json,
    json_option,
    pass_app,
    read_text_arg,
)
from pkm.core.errors import BadInput
from pkm.core.journal import Entry
from pkm.core.journal.posts import from_my_reading


@click.group(cls=CheckedGroup)
def posts() -> None:
    """Share: posts drawn from your journal, and where each was published."""


@posts.command()
@click.option(
    "--from", "source_id", type=ID, required=True, help="The journal entry the post comes from."
)
@click.option("--title", help="The post's title (default: its first heading or sentence).")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more (default: the entry's).")
@click.option(
    "--with-sources",
    is_flag=True,
    help="End with 'From my reading:' and the sources of the clips it quotes.",
)
@click.argument("text", required=False)
@pass_app
def new(app: AppContext, source_id, title, tags, with_sources, text) -> None:
    """Draw a post from an entry (TEXT, - for standard input; default: the entry's own
    writing, without its prompt and clipped quotes); prints the new post's id."""
    j = app.ws.journal
    draft = j.draft_post(source_id, read_text_arg(text))
    body = draft.body
    if not body.strip():
        raise BadInput(
            f"Entry {source_id} has no writing of your own to share yet (only its prompt or "
            "clips). Give the post's text, or - to read it from standard input."
        )
    if with_sources:
        body = from_my_reading(body, draft.sources)
    post = j.new_post(
        source_id=source_id,
        title=title or draft.title,
        body=body,
        tags=tags or draft.tags,
    )
    click.echo(post.id)


def _states(app: AppContext, post: Entry) -> list[dict]:
    return [s.as_dict() for s in app.ws.publishing.states(post.id)]


def _post_json(app: AppContext, post: Entry) -> dict:
    return {
        "id": post.id,
        "title": post.title,
        "day": post.day,
        "source_id": post.source_id,
        "tags": list(post.tags),
        "updated": post.updated,
        "targets": _states(app, post),
    }


def _post_line(app: AppContext, post: Entry) -> str:
    where = []
    for s in app.ws.publishing.states(post.id):
        label = s.state + (", edited since" if s.edited_since else "")
        where.append(f"{s.target}: {label}")
    status = "; ".join(where) or "draft, not published"
    source = f"from {post.source_id}" if post.source_id else "from scratch"
    return f"{post.id:>6}  {post.day}  {post.title}  ({source}; {status})"


@posts.command("list")
@click.option("--from", "source_id", type=ID, help="Only posts drawn from this entry.")
@json_option("Print JSON: [{id, title, day, source_id, tags, updated, targets}].")
@pass_app
def list_(app: AppContext, source_id, as_json) -> None:
    """Posts, newest first, with where each was published."""
    if source_id is not None:
        app.ws.journal.get(source_id)
    found = app.ws.journal.list_posts(source_id)
    if as_json:
        echo_json([_post_json(app, p) for p in found])
        return
    if not found:
        click.echo("No posts yet. Draw one from an entry: pkm posts new --from ENTRY_ID", err=True)
    for p in found:
        click.echo(_post_line(app, p))
