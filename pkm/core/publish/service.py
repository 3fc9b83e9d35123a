"""The `Publishing` facade: what the CLI and the GUI call (`ws.publishing`).

It owns what every target shares, so adapters stay small: the target
configuration and its secret, the rendering of the entry (once), the
publish log written *before* sending, the choice between creating,
updating, resuming an unanswered attempt, or refusing to duplicate (the
`Attempt` in attempt.py), and the scrubbing of secrets from every
message. All methods may run on a
worker thread: SQLite writes go through `store.transaction()` (serialized),
and network work holds no lock.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkm.core.clock import Clock
from pkm.core.db import Store
from pkm.core.errors import BadInput, PkmError
from pkm.core.journal import Journal
from pkm.core.publish.attempt import Attempt, choose_mode
from pkm.core.publish.base import (
    Adapter,
    Progress,
    PublishResult,
    SecretMissing,
    TargetConfig,
)
from pkm.core.publish.http import Http, ssl_context
from pkm.core.publish.log import Publication, PublishLog, TargetState, target_states
from pkm.core.publish.registry import (
    BLOG_KINDS,
    Outcome,
    TargetInfo,
    adapter_class,
    secret_name,
)
from pkm.core.publish.registry import scrub as _scrub
from pkm.core.publish.render import build_post
from pkm.core.publish.targets import TargetStore, check_name, parse_options
from pkm.core.publish.webhook import display_url

if TYPE_CHECKING:
    from pkm.core.export import PdfWriter
    from pkm.core.publish.linkedin import LinkedInShare
    from pkm.core.secrets import Secrets

log = logging.getLogger("pkm.publish")


class Publishing:
    """Share: targets, publish, preview, the publish log.

    Given what it uses (as Feeds is), not the whole Workspace: the store and
    clock for the targets and the log, the journal to read what is published,
    and the secrets, opened only when one is needed (keyring imports are slow).
    """

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        journal: Journal,
        secrets: Callable[[], Secrets],
        media_home: Path | None = None,
    ) -> None:
        self._journal = journal
        self.media_home = media_home  # the data folder, whose media/ images posts may show
        self._secrets = secrets
        self.targets = TargetStore(store, clock)
        self.log = PublishLog(store, clock)
        self.timeout = 30.0
        self.pdf_writer: PdfWriter | None = None  # set by the CLI/GUI (Qt), see core.export

    # ---- targets -------------------------------------------------------------------

    def list_targets(self) -> list[TargetInfo]:
        out = []
        for t in self.targets.list():
            cls = adapter_class(t.kind)
            try:
                has = self._secrets().get(secret_name(t.name)) is not None
            except PkmError:
                has = None
            out.append(
                TargetInfo(
                    t,
                    has,
                    cls.secret_label if cls.requires_secret(t.user) else "",
                    cls.can_edit,
                    cls(t, None).responses_unreadable(),
                )
            )
        return out

    def add_target(
        self,
        name: str,
        kind: str,
        *,
        url: str = "",
        user: str = "",
        options: dict[str, str] | list[str] | tuple[str, ...] = (),
        secret: str | None = None,
    ) -> TargetConfig:
        """Add or update a target. The secret goes to the keyring, the rest to SQLite."""
        cls = adapter_class(kind)
        name = check_name(name)
        existing = self.targets.find(name)
        if existing is not None and existing.kind != kind:  # checked before any secret is stored
            raise BadInput(
                f"The target '{existing.name}' is a {existing.kind} target. Remove it first with "
                f"'pkm targets remove {existing.name}', or choose another name."
            )
        opts = parse_options(options) if isinstance(options, list | tuple) else dict(options)
        user = (user or "").strip()
        if secret is not None and not secret.strip():
            raise BadInput(f"The {cls.secret_label} is empty. Give it with --secret-stdin.")
        if secret is not None and cls.url_is_secret:
            secret = secret.strip()
        elif secret is not None:
            secret = cls.check_secret(secret)
        if cls.url_is_secret:
            if url and secret and url.strip() != secret:
                raise BadInput(
                    f"For {cls.label} the webhook URL is the secret: give it once, with "
                    "--secret-stdin (preferred: it stays out of your shell history)."
                )
            secret = secret or url.strip() or None
            if secret:
                secret = cls.check_webhook(secret)  # type: ignore[attr-defined]
                url = display_url(secret)
            else:
                url = existing.url if existing else ""
        else:
            url = cls.normalize_url(url)
        cls.check_options(opts, user)
        existing_secret = None
        if secret is None and cls.requires_secret(user):
            existing_secret = self._secrets().get(secret_name(name))
            if existing_secret is None and not (cls.url_is_secret and url):
                raise BadInput(
                    f"A {cls.label} target needs its {cls.secret_label}: run the command again "
                    "with --secret-stdin and type or pipe it in."
                )
        if secret is not None:
            self._secrets().set(secret_name(name), secret)
        try:
            return self.targets.save(name, kind, url, user, opts)
        except BaseException:
            if secret is not None and existing is None:
                self._secrets().delete(secret_name(name))
            raise

    def remove_target(self, name: str) -> int:
        """Forget the target, its secret and its publish log; returns how many log rows went."""
        target, n = self.targets.remove(name)
        self._secrets().delete(secret_name(target.name))
        return n

    def _secret(self, target: TargetConfig, cls: type[Adapter], required: bool) -> str | None:
        secret = self._secrets().get(secret_name(target.name))
        if secret is None and required and cls.requires_secret(target.user):
            raise SecretMissing(
                f"No {cls.secret_label} is stored for the target '{target.name}'. Run "
                f"'pkm targets add {target.name} --kind {target.kind} … --secret-stdin --replace' to give it."
            )
        return secret

    def _adapter(
        self, target: TargetConfig, secret: str | None, http: Http, progress: Progress | None
    ) -> Adapter:
        cls = adapter_class(target.kind)
        adapter = cls(
            target,
            secret,
            http=http,
            progress=progress,
            pdf_writer=self.pdf_writer,
            remember=lambda values: self.targets.remember(target.id, values),
        )
        return adapter

    def _http(self, target: TargetConfig) -> Http:
        return Http(timeout=self.timeout, verify=ssl_context(target.option("ca_file")))

    def _secrets_of(self, target: TargetConfig, secret: str | None) -> list[str]:
        if not secret:
            return []
        basic = base64.b64encode(f"{target.user}:{secret}".encode()).decode("ascii")
        return [secret, basic]

    def test_target(self, name: str) -> str:
        target = self.targets.get(name)
        cls = adapter_class(target.kind)
        secret = self._secret(target, cls, required=True)
        with self._http(target) as http:
            adapter = self._adapter(target, secret, http, None)
            try:
                adapter.prepare()
                return adapter.test()
            except PkmError as exc:
                _scrub(exc, self._secrets_of(target, secret), target.name)
                raise

    @contextmanager
    def reading(self, target: TargetConfig) -> Iterator[tuple[Adapter, list[str]]]:
        """An adapter for read-only calls (hearing back, responses.py), with its secret and
        an HTTP client closed afterwards; also the secrets to scrub from its messages."""
        cls = adapter_class(target.kind)
        secret = self._secret(target, cls, required=True)
        with self._http(target) as http:
            yield self._adapter(target, secret, http, None), self._secrets_of(target, secret)

    # ---- reading the log -------------------------------------------------------------

    def publications(self, entry_id: int | None = None) -> list[Publication]:
        return self.log.list(entry_id)

    def states(self, entry_id: int) -> list[TargetState]:
        """Where this entry (a post, usually) stands on each target it was sent to."""
        entry = self._journal.get(entry_id, include_trashed=True)
        return target_states(self.log.list(entry_id), entry.updated)

    def history(self, publication: Publication) -> list[dict[str, Any]]:
        return self.log.events(publication.id)

    # ---- publishing ----------------------------------------------------------------

    def preview(
        self, entry_id: int, target_name: str, *, draft: bool = False, as_new: bool = False
    ) -> PublishResult:
        """Exactly what `publish` would send, without sending it (discovery reads are allowed)."""
        return self.publish(entry_id, target_name, draft=draft, dry_run=True, as_new=as_new)

    def publish_many(self, entry_id: int, target_names: list[str], **kwargs: Any) -> list[Outcome]:
        """Publish to several targets; one failing target never stops the others."""
        out = []
        for name in target_names:
            try:
                out.append(Outcome(name, result=self.publish(entry_id, name, **kwargs)))
            except PkmError as exc:
                out.append(Outcome(name, error=exc))
        return out

    def publish(
        self,
        entry_id: int,
        target_name: str,
        *,
        draft: bool = False,
        dry_run: bool = False,
        progress: Progress | None = None,
        as_new: bool = False,
    ) -> PublishResult:
        target = self.targets.get(target_name)
        cls = adapter_class(target.kind)
        if draft and not cls.supports_draft:
            raise BadInput(
                f"{cls.label} has no drafts. Leave out --draft, or use --dry-run to see what "
                "would be sent."
            )
        entry = self._journal.get(entry_id)
        pub = self.log.get(entry.id, target.id)
        mode, key = choose_mode(cls, target, pub, as_new=as_new)
        link = self.log.public_url(entry.id, BLOG_KINDS) if target.kind not in BLOG_KINDS else ""
        post = build_post(entry, link=link, media_home=self.media_home)
        secret = self._secret(target, cls, required=not dry_run)
        secrets = self._secrets_of(target, secret)
        with self._http(target) as http:
            adapter = self._adapter(target, secret, http, progress)
            adapter.entry = entry
            adapter.media_home = self.media_home
            attempt = Attempt(adapter, target, post, pub, mode, key, draft)
            try:
                return attempt.dry_run() if dry_run else attempt.send(self.log, secrets)
            except PkmError as exc:
                _scrub(exc, secrets, target.name)
                log.warning("publishing entry %s to %s failed: %s", entry.id, target.name, exc)
                raise

    # ---- LinkedIn ----------------------------------------------------------------------

    def linkedin(self, entry_id: int) -> LinkedInShare:
        """Formatted text to copy and LinkedIn's share page to open (no API is offered)."""
        from pkm.core.publish.linkedin import share

        entry = self._journal.get(entry_id)
        return share(build_post(entry, link=self.log.public_url(entry.id, BLOG_KINDS)))
