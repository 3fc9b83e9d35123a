"""Share's operations: each publishing-core call on the right thread, one line for a widget.

Where the work runs (see ``pkm/gui/tasks.py``):

* Reading targets and the publish log is plain SQLite: the reader thread,
  keyed, so only the newest answer arrives.
* Everything that may wait on something outside pkm runs on the pool:
  publishing, previews and connection tests wait on the network; saving or
  removing a target waits on the system keyring (which may ask the user to
  unlock it); opening the encrypted secrets file derives a key with scrypt.
  None of that may hold up the writer, where journal saves queue. The core
  serializes its own few SQLite writes (``store.transaction``), which is what
  makes it callable from a worker thread.
* Before publishing, the editor is asked to save (``flush_requested``) and a
  no-op is queued on the writer: the publish starts after that save landed,
  so what is sent is what is on screen.

Widgets call these and get results through ``on_done``; this class also
announces what changed (``targets_changed``, ``publications_changed``) so the
stage, the settings page and the Publish button refresh exactly that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal

from pkm.core.journal import ClipSource, Entry
from pkm.core.publish.base import Post, PublishResult, TargetConfig
from pkm.core.publish.log import Publication
from pkm.gui.operations import Operations
from pkm.gui.tasks import Task, TaskContext

Done = Callable[[Any], None] | None


@dataclass(frozen=True)
class LogRow:
    """One line of the publish log: the publication and its entry's title."""

    pub: Publication
    title: str  # "" when the entry is in the trash or gone
    kind_label: str = ""
    action: str = ""  # the last success: "created" or "updated" ("" if none yet)
    responses: str = ""  # what came back, in words ("2 replies, 3 likes"; "can't be read")
    responses_tip: str = ""


@dataclass(frozen=True)
class Preview:
    """What the preview dialog shows: the dry run's answer and the entry as it is sent."""

    result: PublishResult
    post: Post  # as this target gets it (post_media: images uploaded, words, or beside)
    target: TargetConfig
    media_home: Path | None = None  # where the preview draws the post's images from


@dataclass(frozen=True)
class PostContext:
    """What the post window shows beside the text."""

    post: Entry
    source: Entry | None
    targets: list[TargetConfig]
    publications: list[Publication]
    sources: tuple[ClipSource, ...] = ()  # of the source's clips the post quotes


@dataclass(frozen=True)
class SecretsState:
    backend: str  # "keyring" or "file"
    available: bool  # a keyring exists, or the user chose the file
    where: str  # "the system keyring (SecretService)"


def _alive(owner: QObject | None) -> bool:
    return owner is None or shiboken6.isValid(owner)


def _pdf_writer() -> Any:
    from pkm.gui.export_pdf import pdf_writer

    return pdf_writer


class ShareOps(QObject):
    targets_changed = Signal()
    #: An entry id whose publications changed (None: several or unknown).
    publications_changed = Signal(object)

    #: A publish started or ended: the Publish menu greys out what is running.
    running_changed = Signal()
    #: The user pressed Cancel while publishing to this target.
    publish_cancelled = Signal(str)

    def __init__(self, ops: Operations, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.ws = ops.ws
        self.tasks = ops.tasks
        self._running: dict[tuple[int, str], Task] = {}
        self.tasks.finished.connect(self._task_finished)

    def is_running(self, entry_id: int | None, target: str) -> bool:
        return (entry_id, target.lower()) in self._running if entry_id is not None else False

    def _task_finished(self, task: Task) -> None:
        """Done, failed or cancelled: the log may have changed in every case."""
        for key, t in list(self._running.items()):
            if t is task:
                del self._running[key]
                self.running_changed.emit()
                self.publications_changed.emit(key[0])
                if task.cancel_event.is_set():
                    self.publish_cancelled.emit(key[1])

    def publishing(self) -> Any:
        """The core facade with the window's Qt PDF writer (call on a worker thread:
        the first call imports the publishing modules)."""
        pub = self.ws.publishing
        pub.pdf_writer = _pdf_writer()
        return pub

    # ---- reading (reader thread) ----------------------------------------------------

    def targets(self, on_done: Done, *, owner: QObject, key: str = "") -> Task:
        fn = lambda: self.publishing().targets.list()  # noqa: E731
        return self.ops.read(f"share-targets:{key or id(owner)}", fn, on_done, owner=owner)

    def entry_publications(self, entry_id: int, on_done: Done, *, owner: QObject) -> Task:
        """The targets and where this entry already went, for the Publish menu."""

        def fn() -> tuple[int, list[TargetConfig], list[Publication]]:
            pub = self.publishing()
            return entry_id, pub.targets.list(), pub.publications(entry_id)

        return self.ops.read(f"share-entry:{id(owner)}", fn, on_done, owner=owner)

    def publish_log(self, on_done: Done, *, owner: QObject) -> Task:
        """Every publication, newest first, with the titles of their entries."""
        from pkm.gui.share.kinds import label as kind_label

        def fn() -> list[LogRow]:
            from pkm.gui.share.responses_panel import counts_words

            publishing = self.publishing()
            pubs = publishing.publications()
            entries = {e.id: e for e in self.ws.journal.get_many({p.entry_id for p in pubs})}
            unreadable = self.ws.responses.unreadable()
            counts: dict[int, dict[str, dict[str, int]]] = {}
            rows = []
            for p in pubs:
                done = [e["action"] for e in publishing.history(p)]
                action = next((a for a in reversed(done) if a in ("created", "updated")), "")
                title = entries[p.entry_id].title if p.entry_id in entries else ""
                if p.target in unreadable:
                    heard, tip = "can't be read", unreadable[p.target]
                else:
                    if p.entry_id not in counts:
                        counts[p.entry_id] = self.ws.responses.counts(p.entry_id)
                    heard = counts_words(counts[p.entry_id].get(p.target, {}))
                    tip = "What came back from this place (Check now in Heard back reads it)"
                rows.append(LogRow(p, title, kind_label(p.kind), action, heard, tip))
            return rows

        return self.ops.read(f"share-log:{id(owner)}", fn, on_done, owner=owner)

    def secrets_state(self, on_done: Done, *, owner: QObject) -> Task:
        def fn() -> SecretsState:
            from pkm.core.secrets import keyring_available, keyring_name

            s = self.ws.secrets
            if s.backend == "file":
                return SecretsState("file", True, "an encrypted file in the data folder")
            ok = keyring_available()
            return SecretsState(
                "keyring", ok, f"the system keyring ({keyring_name()})" if ok else ""
            )

        return self.ops.read(f"share-secrets:{id(owner)}", fn, on_done, owner=owner)

    # ---- targets (pool: the keyring may wait for the user) -----------------------------

    def save_target(
        self,
        name: str,
        kind: str,
        *,
        url: str,
        user: str,
        options: dict[str, str],
        secret: str | None,
        on_done: Done = None,
        on_error: Done = None,
        owner: QObject | None = None,
    ) -> Task:
        """``owner``: a dialog; its callbacks are skipped if it was closed meanwhile."""

        def fn() -> TargetConfig:
            return self.publishing().add_target(
                name, kind, url=url, user=user, options=options, secret=secret
            )

        def done(target: TargetConfig) -> None:
            self.targets_changed.emit()  # even if the dialog is gone
            if on_done is not None and _alive(owner):
                on_done(target)

        def failed(exc: BaseException) -> None:
            if on_error is not None and _alive(owner):
                on_error(exc)

        return self.tasks.background(fn, on_done=done, on_error=failed)

    def remove_target(self, name: str, on_done: Done = None, on_error: Done = None) -> Task:
        def done(n: int) -> None:
            self.targets_changed.emit()
            self.publications_changed.emit(None)
            if on_done is not None:
                on_done(n)

        fn = lambda: self.publishing().remove_target(name)  # noqa: E731
        return self.tasks.background(fn, on_done=done, on_error=on_error)

    def test_target(self, name: str, on_done: Done = None, on_error: Done = None) -> Task:
        """Sign in / check the address without publishing (network: the pool)."""

        def fn(ctx: TaskContext) -> str:
            return self.publishing().test_target(name)

        return self.tasks.background(
            fn, on_done=on_done, on_error=on_error, label=f"Testing the connection to {name}"
        )

    # ---- secrets (pool: scrypt takes a moment) ------------------------------------------

    def use_secrets_file(
        self,
        passphrase: str,
        on_done: Done = None,
        on_error: Done = None,
        owner: QObject | None = None,
    ) -> Task:
        """The user's opt-in: secrets in a file encrypted with their passphrase."""
        fn = lambda: self.ws.secrets.use_file(passphrase)  # noqa: E731
        return self.tasks.background(fn, on_done=on_done, on_error=on_error, owner=owner)

    def unlock_secrets(self, passphrase: str, on_done: Done = None, on_error: Done = None) -> Task:
        fn = lambda: self.ws.secrets.unlock(passphrase)  # noqa: E731
        return self.tasks.background(fn, on_done=on_done, on_error=on_error)

    # ---- publishing (pool) --------------------------------------------------------------

    def after_saves(self, then: Callable[[], None]) -> None:
        """Ask the editor to save, then call ``then`` once that save is in SQLite."""
        self.ops.flush_requested.emit()
        self.tasks.write(lambda: None, on_done=lambda _r: then(), quick=True)

    def preview(
        self, entry_id: int, target: str, *, as_new: bool = False, on_done: Done, on_error: Done
    ) -> Task:
        """The dry run (no post is made; a blog's settings may be looked up)."""

        def fn(ctx: TaskContext) -> Preview:
            from pkm.core.publish.media_upload import as_previewed
            from pkm.core.publish.registry import adapter_class
            from pkm.core.publish.render import build_post

            pub = self.publishing()
            result = pub.preview(entry_id, target, as_new=as_new)
            config = pub.targets.get(target)  # after the dry run: with what it discovered
            post = build_post(self.ws.journal.get(entry_id), media_home=self.ws.home)
            post, _note = as_previewed(adapter_class(config.kind)(config, None), post)
            return Preview(result, post, config, self.ws.home)

        return self.tasks.background(
            fn, on_done=on_done, on_error=on_error, label=f"Preparing the preview for {target}"
        )

    def publish(
        self,
        entry_id: int,
        target: str,
        *,
        draft: bool = False,
        as_new: bool = False,
        label: str,
        on_done: Done,
        on_error: Done,
    ) -> Task | None:
        """Publish (or update) one entry on one target; progress goes to the status area.

        None (nothing started) while the same entry is already on its way there:
        a second click never sends twice.

        Cancel stops the waiting, not a request already on its way: the core
        has no way to call a post back. Whatever happened is in the publish
        log, which is refreshed when the task ends either way.
        """

        def fn(ctx: TaskContext) -> PublishResult:
            def say(message: str) -> None:
                ctx.progress(0, None, message)

            return self.publishing().publish(
                entry_id, target, draft=draft, as_new=as_new, progress=say
            )

        key = (entry_id, target.lower())
        if key in self._running:
            return None
        task = self.tasks.background(fn, on_done=on_done, on_error=on_error, label=label)
        self._running[key] = task
        self.running_changed.emit()
        return task

    def linkedin(self, entry_id: int, on_done: Done, on_error: Done = None) -> Task:
        """LinkedIn's formatted text and share page (no API exists to post for a person)."""
        fn = lambda: self.publishing().linkedin(entry_id)  # noqa: E731
        return self.tasks.read(fn, on_done=on_done, on_error=on_error)

    # ---- posts ----------------------------------------------------------------------

    def draft_post(self, entry_id: int, selection: str | None, on_done: Done) -> Task:
        """What a post from this entry (or its selected passage) starts as."""
        # On the writer, so it reads the text the editor's queued save just stored.
        fn = lambda: self.ws.journal.draft_post(entry_id, selection)  # noqa: E731
        return self.tasks.write(fn, on_done=on_done, quick=True)

    def new_post(
        self,
        source_id: int | None,
        title: str,
        body: str,
        tags: tuple[str, ...],
        on_done: Done,
        on_error: Done = None,
    ) -> Task:
        """Keep the post at once (the journal never holds unsaved words)."""
        j = self.ws.journal

        def fn() -> tuple[Any, Any]:
            from pkm.core.changes import Change

            post = j.new_post(source_id=source_id, title=title, body=body, tags=tags)
            return post, Change(entries={post.id}, created=post.id)

        return self.ops.write(fn, on_done=on_done, on_error=on_error)

    def post_context(self, post_id: int, on_done: Done, *, owner: QObject) -> Task:
        """The post, the entry it came from (None if gone), the targets and its states."""

        def fn() -> PostContext:
            j = self.ws.journal
            post = j.get(post_id)
            from pkm.core.journal.posts import quoted_sources

            source, sources = None, ()
            if post.source_id is not None:
                found = j.get_many([post.source_id])
                source = found[0] if found else None
                if source is not None:
                    sources = quoted_sources(post.body, j.clips(source.id))
            pub = self.publishing()
            targets, pubs = pub.targets.list(), pub.publications(post_id)
            return PostContext(post, source, targets, pubs, sources)

        return self.ops.read(f"post-context:{id(owner)}", fn, on_done, owner=owner)

    def set_tags(self, entry_id: int, tags: list[str], on_done: Done = None) -> Task:
        j = self.ws.journal
        return self.ops.write(lambda: (None, j.save(entry_id, tags=tags)), on_done=on_done)

    def whole_entry_question(self, entry_id: int, on_done: Done) -> Task:
        """The question to ask before a whole daily entry goes out, or None."""
        fn = lambda: self.ws.journal.whole_entry_question(entry_id)  # noqa: E731
        return self.tasks.read(fn, on_done=on_done)
