"""`pkm targets …`, `pkm publish`, `pkm publications list`, `pkm export`, `pkm secrets …`.

Thin: parse, call `ws.publishing` (pkm.core.publish), print. Scripts rely on
the command names and the JSON shapes. The one thing done here rather than in
the core is drawing a PDF, because that needs Qt (see `qt_pdf_writer`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pkm.cli.context import (
    ID,
    AppContext,
    CheckedCommand,
    CheckedGroup,
    echo_json,
    echo_records,
    json_option,
    pass_app,
    read_stdin,
)
from pkm.core.errors import BadInput, PkmError
from pkm.core.publish.base import KINDS
from pkm.core.publish.log import Publication
from pkm.core.publish.registry import TargetInfo


def qt_pdf_writer(html: str, title: str, path: Path) -> None:
    """Draw PDF-ready HTML from the core into a PDF with Qt (QTextDocument -> QPdfWriter).

    Qt ships with pkm already and lays out any script with the system's fonts.
    Inside the window (a Qt application exists) it draws in-process. From the
    command line it draws in a child process on Qt's offscreen platform: no
    display is needed, the CLI process never carries Qt's global state, and a
    Qt that cannot start becomes one clear error instead of an abort.
    """
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        _draw_pdf(html, title, path)
        return
    import subprocess

    import pkm

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    root = str(Path(pkm.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    code = "from pkm.cli.publish_cmds import _pdf_child; _pdf_child()"
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code, str(path), title],
            input=html.encode("utf-8"),
            capture_output=True,
            timeout=300,
            env=env,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PkmError(
            f"Qt could not draw the PDF ({type(exc).__name__}). Export as html and print it to PDF."
        ) from None
    if proc.returncode != 0 or not path.exists():
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PkmError(
            f"Qt could not draw the PDF ({lines[-1] if lines else f'exit status {proc.returncode}'}). "
            "Export as html and print it to PDF instead."
        )


def _pdf_child() -> None:
    """Entry point of the drawing child process: argv = [-c, PATH, TITLE], HTML on stdin."""
    from PySide6.QtGui import QGuiApplication

    path, title = Path(sys.argv[1]), sys.argv[2]
    html = sys.stdin.buffer.read().decode("utf-8")
    app = QGuiApplication(["pkm-pdf", "-platform", "offscreen"])
    _draw_pdf(html, title, path)
    del app


def _draw_pdf(html: str, title: str, path: Path) -> None:
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("pkm")
    writer.setResolution(300)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(18, 18, 18, 18),
            QPageLayout.Unit.Millimeter,
        )
    )
    doc = QTextDocument()
    doc.setHtml(html)
    doc.print_(writer)
    del writer  # the file is complete once the writer is gone


def _publishing(app: AppContext):
    """The facade, with the PDF writer and (on a terminal) a passphrase prompt installed."""
    ws = app.ws
    if sys.stdin.isatty() and ws.secrets.passphrase_provider is None:
        ws.secrets.passphrase_provider = lambda: click.prompt(
            "Passphrase of the pkm secrets file", hide_input=True, err=True
        )
    pub = ws.publishing
    pub.pdf_writer = qt_pdf_writer
    return pub


def _say(message: str) -> None:
    click.echo(message, err=True)


# ---- targets -----------------------------------------------------------------------------


@click.group(cls=CheckedGroup)
def targets() -> None:
    """Share: where reflections are published (blogs, networks, email, folders)."""


@targets.command("add")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(KINDS), help="The kind of target.")
@click.option(
    "--url", default="", help="Site, server or folder (for webhooks: see --secret-stdin)."
)
@click.option("--user", default="", help="User name, where the target signs in with one.")
@click.option(
    "--secret-stdin",
    is_flag=True,
    help="Read the password, token or webhook URL from standard input (kept in the keyring).",
)
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE", help="Repeat for more.")
@click.option(
    "--replace",
    is_flag=True,
    help="NAME exists: replace its settings (and, with --secret-stdin, its secret).",
)
@pass_app
def targets_add(app: AppContext, name, kind, url, user, secret_stdin, options, replace) -> None:
    """Add a target; with --replace, change one (the same NAME keeps its publish log)."""
    pub = _publishing(app)
    if not replace:  # asked before any secret is read
        pub.targets.refuse_existing(name)
    secret = None
    if secret_stdin:
        if sys.stdin.isatty():
            secret = click.prompt(
                "Secret (password, token or webhook URL)", hide_input=True, err=True
            )
        else:
            secret = read_stdin().rstrip("\r\n")  # the line end is not part of it
        if not secret:
            raise BadInput("--secret-stdin was given but standard input was empty.")
    cfg = pub.add_target(name, kind, url=url, user=user, options=list(options), secret=secret)
    click.echo(
        f"Saved the {cfg.kind} target '{cfg.name}'" + (f" ({cfg.url})" if cfg.url else "") + "."
    )
    click.echo(f"Check it with 'pkm targets test {cfg.name}'.", err=True)


@targets.command("list")
@json_option()
@pass_app
def targets_list(app: AppContext, as_json) -> None:
    """The configured targets (never their secrets)."""
    echo_records(_publishing(app).list_targets(), as_json, _target_line)


def _target_line(i: TargetInfo) -> str:
    """Name, kind, address, user, options, and whether its secret is there (never the secret)."""
    c = i.config
    secret = ""
    if i.secret_label:
        state = "stored" if i.has_secret else "missing" if i.has_secret is False else "locked"
        secret = f"  [{i.secret_label}: {state}]"
    opts = " ".join(f"{k}={v}" for k, v in sorted(c.options.items()))
    return (
        f"{c.name:<16} {c.kind:<12} {c.url}"
        + (f" ({c.user})" if c.user else "")
        + (f"  {opts}" if opts else "")
        + secret
        + (f"\n{'':<16} {i.responses_note}" if i.responses_note else "")
    )


@targets.command("test")
@click.argument("name")
@pass_app
def targets_test(app: AppContext, name) -> None:
    """Check a target's address and credentials without publishing."""
    click.echo(_publishing(app).test_target(name))


@targets.command("remove")
@click.argument("name")
@pass_app
def targets_remove(app: AppContext, name) -> None:
    """Forget a target, its secret and its publish log (posts stay where they are)."""
    n = _publishing(app).remove_target(name)
    click.echo(f"Removed the target '{name}'" + (f" and {n} publish log entries." if n else "."))


# ---- publish --------------------------------------------------------------------------


@click.command(cls=CheckedCommand)
@click.argument("entry_id", type=ID)
@click.option("--to", "names", multiple=True, required=True, help="Target name; repeat for more.")
@click.option("--draft", is_flag=True, help="Save as a draft where the target has drafts.")
@click.option("--dry-run", is_flag=True, help="Show exactly what would be sent; send nothing.")
@click.option(
    "--as-new",
    is_flag=True,
    help="Post again where the target cannot edit (or publish anew after a deletion).",
)
@json_option()
@pass_app
def publish(app: AppContext, entry_id, names, draft, dry_run, as_new, as_json) -> None:
    """Publish an entry; publishing it again to the same target updates that post.

    A whole daily entry (with its prompt and clips) is asked about once on a
    terminal; from a script it is sent as asked, with a note on standard error.
    """
    pub = _publishing(app)
    if not dry_run and not _whole_entry_confirmed(app, pub, entry_id, names):
        return
    progress = None if as_json else _say
    outcomes = pub.publish_many(
        entry_id,
        list(dict.fromkeys(names)),
        draft=draft,
        dry_run=dry_run,
        as_new=as_new,
        progress=progress,
    )
    failed = [o for o in outcomes if o.error is not None]
    if as_json:
        data = [o.as_dict() for o in outcomes]
        echo_json(data[0] if len(data) == 1 else data)
    else:
        for o in outcomes:
            if o.error is not None:
                if len(outcomes) > 1:  # one target: its error is the command's own line, below
                    click.echo(f"pkm: {o.target}: {o.error}", err=True)
                continue
            r = o.result
            assert r is not None
            if r.dry_run:
                verb = "update" if r.action == "updated" else "create"
                click.echo(f"--- {r.target} ({r.kind}): would {verb}; nothing is sent ---")
                for req in r.requests:
                    click.echo(req.show())
                    click.echo()
                if r.message and not r.message.startswith("Dry run"):
                    click.echo(r.message, err=True)
            else:
                where = r.url or r.remote_id or r.status
                click.echo(
                    f"{r.action.capitalize()} on {r.target}: {where}"
                    + (f" ({r.status})" if r.status and r.url else "")
                )
    if failed:
        if len(outcomes) == 1 and not as_json:
            raise failed[0].error  # type: ignore[misc]
        raise click.exceptions.Exit(1)


def _whole_entry_confirmed(app: AppContext, pub, entry_id: int, names) -> bool:
    """Ask before a whole daily entry goes somewhere it has not gone before."""
    question = app.ws.journal.whole_entry_question(entry_id)
    if question is None:
        return True
    sent_to = {p.target.casefold() for p in pub.publications(entry_id)}
    if all(n.casefold() in sent_to for n in names):
        return True  # an update of what was already shared
    hint = f"To share a part, run: pkm posts new --from {entry_id} --title TITLE TEXT"
    if not sys.stdin.isatty():
        said = question.removesuffix(" Share a part instead?")
        click.echo(f"pkm: note: {said} {hint}", err=True)
        return True
    if click.confirm(question, default=True, err=True):
        click.echo(hint, err=True)
        return False
    return True


@click.group(cls=CheckedGroup)
def publications() -> None:
    """The publish log: where entries went, when, and what was sent."""


@publications.command("list")
@click.argument("entry_id", type=ID, required=False)
@json_option()
@pass_app
def publications_list(app: AppContext, entry_id, as_json) -> None:
    """Publications of one entry, or of all entries, newest first."""
    if entry_id is not None:
        app.ws.journal.get(entry_id, include_trashed=True)  # a clear error for an unknown id
    echo_records(_publishing(app).publications(entry_id), as_json, _publication_line)


def _publication_line(p: Publication) -> str:
    """One line a publication, and its last error under it."""
    where = p.url or p.remote_id
    line = f"{p.entry_id:>6}  {p.target:<14} {p.state:<9} {p.status:<8} {p.updated}  {where}"
    return line.rstrip() + (f"\n        last error: {p.error}" if p.error else "")


# ---- LinkedIn, export, secrets ------------------------------------------------------------


@click.command(cls=CheckedCommand)
@click.argument("entry_id", type=ID)
@json_option("Print JSON: {text, share_url}.")
@pass_app
def linkedin(app: AppContext, entry_id, as_json) -> None:
    """Text to paste into LinkedIn, and its share page (LinkedIn offers no posting API)."""
    share = _publishing(app).linkedin(entry_id)
    if as_json:
        echo_json(share.as_dict())
        return
    click.echo(share.text)
    click.echo(f"\nPaste it at: {share.url}", err=True)


@click.group(cls=CheckedGroup)
def secrets() -> None:
    """Where passwords and tokens are kept: the system keyring, or a file you encrypt."""


def _passphrase(confirm: bool) -> str:
    value = os.environ.get("PKM_SECRETS_PASSPHRASE")
    if value:
        return value
    if not sys.stdin.isatty():
        raise BadInput("Give the passphrase in PKM_SECRETS_PASSPHRASE, or run this in a terminal.")
    return click.prompt(
        "Passphrase for the secrets file", hide_input=True, confirmation_prompt=confirm, err=True
    )


@secrets.command("status")
@pass_app
def secrets_status(app: AppContext) -> None:
    """Say where secrets are kept."""
    click.echo(app.ws.secrets.status_line())


@secrets.command("use-file")
@pass_app
def secrets_use_file(app: AppContext) -> None:
    """Keep secrets in a file encrypted with a passphrase (for machines without a keyring)."""
    s = app.ws.secrets
    s.use_file(_passphrase(confirm=not s.file.exists()))
    click.echo(
        f"Secrets are now kept in {s.describe()}. Add your targets' secrets again with "
        "'pkm targets add NAME … --replace --secret-stdin'; pkm asks for the passphrase (or reads "
        "PKM_SECRETS_PASSPHRASE) when it needs them."
    )


@secrets.command("use-keyring")
@pass_app
def secrets_use_keyring(app: AppContext) -> None:
    """Move secrets from the encrypted file into the system keyring, and delete the file."""
    s = app.ws.secrets
    if s.backend == "file" and not s.file.unlocked:
        s.unlock(_passphrase(confirm=False))
    n = s.use_keyring()
    click.echo(f"Moved {n} secrets to {s.describe()}.")
