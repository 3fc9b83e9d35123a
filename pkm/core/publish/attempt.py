"""One publish attempt: how to reach the target (create, resume, update, again), then doing it.

`Publishing.publish` gathers what an attempt needs (target, adapter, rendered
post, the earlier publication); this module decides what to do with it and
does it, recording each step in the publish log *before* sending, so a retry
after a lost answer never posts twice.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from pkm.core.publish.base import (
    Adapter,
    CannotEdit,
    PublishError,
    PublishResult,
    Remote,
    RemoteGone,
    Request,
    TargetConfig,
    UncertainOutcome,
)
from pkm.core.publish.log import Publication, PublishLog, content_hash
from pkm.core.publish.media_upload import for_target, note, upload_requests
from pkm.core.publish.registry import scrub as _scrub

log = logging.getLogger("pkm.publish")


def choose_mode(
    cls: type[Adapter],
    target: TargetConfig,
    pub: Publication | None,
    *,
    as_new: bool,
) -> tuple[str, str]:
    """create | resume | update | again, and the idempotency key to use.

    A dry run decides the same way: where the real run would refuse (a post
    that cannot be edited, an attempt that got no answer), so does the dry run,
    with the same words, instead of showing a create that will not happen.
    """
    fresh = uuid.uuid4().hex
    cmd = f"pkm publish {pub.entry_id if pub else 'ID'} --to {target.name}"
    if pub is None or pub.state == "failed":
        return "create", fresh
    if pub.state == "pending":
        if as_new:
            return ("again" if pub.remote_id else "create"), fresh
        if cls.can_find or cls.idempotent_create:
            return "resume", pub.idempotency_key
        raise UncertainOutcome(
            f"The last attempt to post entry {pub.entry_id} to {cls.label} ('{target.name}', "
            f"{pub.updated}) got no answer, so it may have been posted. Check there first; "
            f"if it is not there, run '{cmd} --as-new'."
        )
    if cls.can_edit:
        return ("create" if as_new else "update"), fresh
    if as_new:
        return "again", fresh
    raise CannotEdit(
        f"Entry {pub.entry_id} was already posted to {cls.label} ('{target.name}') on "
        f"{pub.published_at}, and {cls.label} cannot edit a post. To "
        f"{cls.again_label}, run '{cmd} --as-new'."
    )


@dataclass(frozen=True)
class Attempt:
    """One publish of an entry to a target, as decided before anything is sent.

    The dry run and the real run share it, so a preview plans exactly the
    requests that publishing would send.
    """

    adapter: Adapter
    target: TargetConfig
    post: Any
    pub: Publication | None
    mode: str  # create | resume | update | again (see choose_mode)
    key: str  # the idempotency key
    draft: bool

    @property
    def earlier(self) -> Remote | None:
        """The earlier post this attempt edits or posts again; None when it makes a new one."""
        return self.pub.remote if self.pub and self.mode in ("update", "again") else None

    def plan(self, post: Any = None) -> list[Request]:
        post = self.post if post is None else post
        return self.adapter.plan(post, remote=self.earlier, draft=self.draft, key=self.key)

    def dry_run(self) -> PublishResult:
        """Exactly the requests `send` would make, sent nowhere (discovery reads allowed)."""
        adapter, target, post = self.adapter, self.target, self.post
        note_ = ""
        try:
            adapter.prepare()
        except PublishError as exc:
            note_ = f"Could not reach the target to discover its settings ({exc})."
        remote = self.earlier
        post = for_target(adapter, post, upload=False)  # limits checked, nothing uploaded
        reqs = upload_requests(adapter, post) + self.plan(post)
        images = note(adapter, post)
        return PublishResult(
            target=target.name,
            kind=target.kind,
            entry_id=post.entry_id,
            action="updated" if self.mode == "update" else "created",
            dry_run=True,
            requests=reqs,
            message=" ".join(m for m in (note_, images, "Dry run: nothing was sent.") if m),
            remote_id=remote.remote_id if remote else "",
            url=remote.url if remote else "",
        )

    def send(self, publog: PublishLog, secrets: list[str]) -> PublishResult:
        """Publish, writing the log before sending so a retry can tell what happened."""
        adapter, target, post, pub = self.adapter, self.target, self.post, self.pub
        mode, key, draft = self.mode, self.key, self.draft
        cls = type(adapter)
        adapter.prepare()
        post = for_target(adapter, post, upload=True)  # limits first, then the images
        reqs = self.plan(post)
        sent_hash = content_hash("\n\n".join(f"{r.method} {r.url}\n{r.body}" for r in reqs))
        cmd = f"pkm publish {post.entry_id} --to {target.name}"

        def result(remote: Remote, action: str) -> PublishResult:
            log.info("entry %s %s on %s: %s", post.entry_id, action, target.name, remote.url)
            return PublishResult(
                target=target.name,
                kind=target.kind,
                entry_id=post.entry_id,
                action=action,
                remote_id=remote.remote_id,
                url=remote.url,
                status=remote.status,
            )

        if mode == "update":
            assert pub is not None
            try:
                remote = adapter.update(post, pub.remote, draft=draft)
            except PublishError as exc:
                if isinstance(exc, RemoteGone):
                    exc.args = (f"{exc.args[0]} To publish it anew, run '{cmd} --as-new'.",)
                _scrub(exc, secrets, target.name)
                publog.failed(pub.id, str(exc), uncertain=exc.uncertain, creating=False)
                raise
            publog.succeeded(pub.id, remote, sent_hash, "updated")
            return result(remote, "updated")

        if mode == "resume":
            assert pub is not None
            found = adapter.find(post, key) if cls.can_find else None
            if found is not None:
                adapter.say("The earlier attempt went through; bringing it up to date…")
                remote = adapter.update(post, found, draft=draft) if cls.can_edit else found
                publog.succeeded(pub.id, remote, sent_hash, "created")
                return result(remote, "created")

        if mode == "create" and pub is not None and pub.remote_id:
            publog.forget_remote(pub.id)  # the user asked for a new post (--as-new)
        pub_id = publog.begin(post.entry_id, target.id, key, sent_hash)
        try:
            if mode == "again":
                assert self.earlier is not None
                remote = adapter.again(post, self.earlier, key=key)
            else:
                remote = adapter.create(post, draft=draft, key=key)
        except PublishError as exc:
            if exc.uncertain:
                if cls.can_find or cls.idempotent_create:
                    tail = (
                        " pkm noted the attempt: run the same command again and it checks "
                        "first instead of posting twice."
                    )
                else:
                    tail = (
                        f" Check {adapter.where} first; if the post is not there, run "
                        f"'{cmd} --as-new'."
                    )
                exc.args = (exc.args[0] + tail,)
            _scrub(exc, secrets, target.name)
            publog.failed(pub_id, str(exc), uncertain=exc.uncertain, creating=True)
            raise
        publog.succeeded(pub_id, remote, sent_hash, "created")
        return result(remote, "created")
