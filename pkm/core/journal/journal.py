"""The `Journal` facade: what the CLI, the GUI and Seek's clipping call (`ws.journal`).

Each method delegates to the module that owns the work (entries, links,
trash, revisions, clips, daily, listing, calendar). The facade adds only what
those modules share: the store and clock of the workspace, today's date, and
announcing each committed change through ``on_change`` so the workspace can
make it searchable at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Unpack

from pkm.core.changes import Change
from pkm.core.clock import Clock, local_today
from pkm.core.db import Store
from pkm.core.journal import (
    calendar,
    clips,
    daily,
    entries,
    links,
    listing,
    posts,
    prompts,
    revisions,
    trash,
)
from pkm.core.journal.listing import EntryFilters
from pkm.core.journal.model import Clip, ClipSource, Entry, Revision, Streaks
from pkm.core.journal.rows import daily_entry, fetch_entries, get_entry


class Journal:
    def __init__(
        self, store: Store, clock: Clock, on_change: Callable[[Change], None] | None = None
    ) -> None:
        self._store = store
        self._clock = clock
        self._on_change = on_change or (lambda change: None)
        #: The prompts, read once (the window asks for today's on the GUI thread, which
        #: never queries SQLite after start); set_prompts and reset_prompts refresh it.
        self._prompts: tuple[str, ...] | None = None

    def _announce(self, change: Change) -> Change:
        """Tell the workspace what a committed write changed, and hand the change back."""
        self._on_change(change)
        return change

    # ---- reading -------------------------------------------------------------

    def today_date(self) -> dt.date:
        return local_today(self._clock)

    def get(self, entry_id: int, *, include_trashed: bool = False) -> Entry:
        return get_entry(self._store, entry_id, include_trashed=include_trashed)

    def get_many(self, ids: Iterable[int]) -> list[Entry]:
        return fetch_entries(self._store, list(ids))

    def list(
        self, *, limit: int | None = None, offset: int = 0, **filters: Unpack[EntryFilters]
    ) -> list[Entry]:
        """Entries newest day first; the filters (tag, since, until, kind) combine."""
        return listing.list_entries(self._store, limit=limit, offset=offset, **filters)

    def count(self) -> int:
        return listing.count_entries(self._store)

    def daily(self, day: dt.date) -> Entry | None:
        return daily_entry(self._store, day)

    def resolve(self, title: str) -> Entry | None:
        """The entry a [[title]] link points at: same title (oldest first), else a daily by date."""
        return links.resolve(self._store, title)

    def exists(self, title: str) -> bool:
        return links.exists(self._store, title)

    def titles(self, prefix: str = "", limit: int = 20) -> list[str]:
        """Titles for [[ completion: prefix matches first, then matches anywhere."""
        return listing.titles(self._store, prefix, limit)

    def tags(self) -> list[tuple[str, int]]:
        return listing.tag_counts(self._store)

    def backlinks(self, entry_id: int) -> list[Entry]:
        """Entries whose text links to this one (by its title, or by its date if daily)."""
        return links.backlinks(self._store, entry_id)

    def outgoing_links(self, entry_id: int) -> list[tuple[str, Entry | None]]:
        return links.outgoing_links(self._store, entry_id)

    # ---- writing -------------------------------------------------------------

    def today(self) -> Entry:
        """Today's daily entry, created from the daily template the first time."""
        return self.daily_for(self.today_date())

    def daily_for(self, day: dt.date) -> Entry:
        entry, change = daily.daily_for(self._store, self._clock, day)
        if change:
            self._announce(change)
        return entry

    def create(
        self,
        *,
        kind: str = "note",
        title: str | None = None,
        body: str = "",
        day: dt.date | None = None,
        tags: Iterable[str] = (),
    ) -> Entry:
        entry, change = entries.create(
            self._store, self._clock, kind=kind, title=title, body=body,
            day=day or self.today_date(), tags=tags,
        )  # fmt: skip
        if change:
            self._announce(change)
        return entry

    def save(
        self,
        entry_id: int,
        *,
        title: str | None = None,
        body: str | None = None,
        tags: Iterable[str] | None = None,
        force_revision: bool = False,
        reason: str = "edit",
    ) -> Change:
        """Change an entry. Earlier text is kept as a revision (throttled unless forced).

        Renaming an entry rewrites [[Old title]] links in other entries so they
        keep pointing at it; those entries are part of the returned Change.
        """
        with self._store.transaction() as conn:
            change = entries.save_in(
                conn, self._store, self._clock, entry_id, title, body, tags,
                force_revision=force_revision, reason=reason,
            )  # fmt: skip
        return self._announce(change) if change else change

    def save_edit(
        self,
        entry_id: int,
        *,
        base: Entry,
        title: str | None = None,
        body: str,
        force_revision: bool = False,
    ) -> entries.SaveResult:
        """The window's save: only over the version it loaded (`base`), else merged.

        Another process (the CLI, a clip) may have written the entry meanwhile;
        nothing either side wrote is lost (entries.save_edit).
        """
        with self._store.transaction() as conn:
            result = entries.save_edit(
                conn, self._store, self._clock, entry_id,
                base_version=base.version, base_title=base.title, base_body=base.body,
                title=title, body=body, force_revision=force_revision,
            )  # fmt: skip
        if result.change:
            self._announce(result.change)
        return result

    def snapshot(self, entry_id: int, *, reason: str = "close") -> bool:
        """Keep the current text as a revision now (the editor calls this on close)."""
        return revisions.snapshot(self._store, self._clock, entry_id, reason=reason)

    # ---- trash ---------------------------------------------------------------

    def delete(self, entry_id: int) -> Change:
        """Move to the trash: nothing is destroyed until the trash is emptied."""
        return self._announce(trash.delete(self._store, self._clock, entry_id))

    def restore(self, entry_id: int) -> Change:
        change = trash.restore(self._store, entry_id)
        return self._announce(change) if change else change

    def trash(self) -> list[Entry]:
        return trash.trashed(self._store)

    def empty_trash(self) -> Change:
        return self._announce(trash.empty(self._store))

    # ---- revisions -----------------------------------------------------------

    def revisions(self, entry_id: int) -> list[Revision]:
        return revisions.list_for(self._store, entry_id)

    def revision(self, revision_id: int) -> Revision:
        return revisions.get(self._store, revision_id)

    def restore_revision(self, revision_id: int) -> Change:
        """Bring back an earlier version; the current text is kept as a revision first."""
        rev = self.revision(revision_id)
        return self.save(
            rev.entry_id, title=rev.title, body=rev.body, force_revision=True, reason="restore"
        )

    # ---- clips ---------------------------------------------------------------

    def add_clip(
        self, source: ClipSource, quote: str = "", *, entry_id: int | None = None
    ) -> tuple[Entry, Change]:
        """Quote a passage into an entry (today's by default), keeping its source as data."""
        target_id = entry_id if entry_id else self.today().id
        entry, change = clips.add_clip(self._store, self._clock, target_id, quote, source)
        return entry, self._announce(change)

    def clips(self, entry_id: int) -> list[Clip]:
        return clips.clips_for(self._store, entry_id)

    # ---- templates, prompts, calendar -----------------------------------------

    def template(self, name: str = "daily") -> str:
        return daily.template(self._store, name)

    def set_template(self, name: str, body: str) -> None:
        daily.set_template(self._store, name, body)

    def reset_template(self, name: str = "daily") -> None:
        """Back to pkm's own template (Settings › Templates, Reset)."""
        daily.reset(self._store, name)

    def prompt(self, day: dt.date | None = None) -> str:
        return prompts.prompt_for(day or self.today_date(), self.prompts())

    def prompts(self) -> tuple[str, ...]:
        """The prompts the daily template draws from: the user's, else pkm's own."""
        if self._prompts is None:
            self._prompts = daily.prompt_list(self._store)
        return self._prompts

    def custom_prompts(self) -> bool:
        return self.prompts() != prompts.DEFAULT_PROMPTS

    def set_prompts(self, lines: list[str]) -> tuple[str, ...]:
        self._prompts = daily.set_prompts(self._store, lines)
        return self._prompts

    def reset_prompts(self) -> None:
        daily.reset(self._store, daily.PROMPTS_ROW)
        self._prompts = prompts.DEFAULT_PROMPTS

    def _template_for(self, entry: Entry) -> str:
        """The daily template with the entry's own day's prompt in it (the user's list
        may differ from the built-in prompts posts.prompt_lines knows)."""
        body = self.template("daily")
        if entry.kind == "daily" and entry.day:
            with contextlib.suppress(ValueError):
                day = dt.date.fromisoformat(entry.day)
                body = body.replace("{prompt}", prompts.prompt_for(day, self.prompts()))
        return body

    def days_with_entries(self, start: dt.date, end: dt.date) -> dict[str, int]:
        return calendar.days_with_entries(self._store, start, end)

    def streaks(self) -> Streaks:
        return calendar.streaks(self._store, self.today_date())

    def on_this_day(self, day: dt.date | None = None) -> list[Entry]:
        return self.get_many(calendar.on_this_day_ids(self._store, day or self.today_date()))

    # ---- posts -------------------------------------------------------------------

    def draft_post(self, entry_id: int, selection: str | None = None) -> posts.Draft:
        """What a post drawn from this entry starts as (nothing is stored yet)."""
        entry = self.get(entry_id)
        return posts.draft_from(entry, self.clips(entry.id), self._template_for(entry), selection)

    def new_post(
        self,
        *,
        source_id: int | None,
        title: str,
        body: str,
        tags: Iterable[str] = (),
    ) -> Entry:
        """Keep a post, linked to the entry it came from (which must exist)."""
        if source_id is not None:
            self.get(source_id)
        title = title.strip() or posts.suggest_title(body) or "Untitled post"
        entry, change = entries.create(
            self._store, self._clock, kind="post", title=title, body=body,
            day=self.today_date(), tags=tags, source_id=source_id,
        )  # fmt: skip
        self._announce(change)
        return entry

    def list_posts(self, source_id: int | None = None) -> list[Entry]:
        """Posts, newest first; only those drawn from `source_id` when given."""
        if source_id is None:
            rows = self._store.query(
                "SELECT id FROM entries WHERE kind = 'post' AND deleted_at IS NULL "
                "ORDER BY created DESC, id DESC"
            )
        else:
            rows = self._store.query(
                "SELECT id FROM entries WHERE kind = 'post' AND source_id = ? "
                "AND deleted_at IS NULL ORDER BY created DESC, id DESC",
                (source_id,),
            )
        return self.get_many(r["id"] for r in rows)

    def whole_entry_question(self, entry_id: int) -> str | None:
        """The question to ask before a whole daily entry is published, if it needs one."""
        entry = self.get(entry_id)
        return posts.whole_entry_question(
            entry, self.clips(entry.id), self._template_for(entry), self.today_date()
        )
