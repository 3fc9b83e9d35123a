"""The reading side of `Feeds`: items, read/starred state, rules, retention, clipping."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypedDict, Unpack

from pkm.core.changes import Change
from pkm.core.clock import Clock, iso
from pkm.core.db import Store, chunks, marks
from pkm.core.errors import BadInput
from pkm.core.feeds import items as it
from pkm.core.feeds import rules as rl
from pkm.core.feeds.model import Item, Rule
from pkm.core.feeds.retention import DEFAULT_DAYS, purge
from pkm.core.feeds.sanitize import excerpt
from pkm.core.settings import Settings

if TYPE_CHECKING:
    from pkm.core.journal import Entry, Journal

RETENTION_SETTING = "feeds.retention_days"
MAX_QUOTE = 20_000


class ItemQuery(TypedDict, total=False):
    """Which items `items` lists and `count_items` counts (they must agree, so it is one type)."""

    feed_id: int | None
    folder_id: int | None
    unread: bool
    starred: bool
    tag: str | None
    since: str | None  # sort_at >= this ISO time ("Today": since local midnight)


class Reading:
    _store: Store
    _clock: Clock
    _settings: Settings
    _journal: Journal
    _on_change: Callable[[Change], None]

    # ---- items ---------------------------------------------------------------------

    def items(self, *, limit: int = 50, offset: int = 0, **query: Unpack[ItemQuery]) -> list[Item]:
        """Newest first, one page. Across feeds an article shows once (duplicates hidden)."""
        return it.list_items(self._store, it.ItemFilter(**query), limit=limit, offset=offset)

    def count_items(self, **query: Unpack[ItemQuery]) -> int:
        return it.count_items(self._store, it.ItemFilter(**query))

    def item(self, item_id: int) -> Item:
        """One item with its sanitized HTML and plain text."""
        return it.get_item(self._store, item_id)

    def unread_total(self) -> int:
        return it.unread_total(self._store)

    def mark_read(self, item_ids: Iterable[int], read: bool = True) -> Change:
        """Read or unread; duplicates of the same article follow along."""
        return self._set(item_ids, "read", read)

    def star(self, item_ids: Iterable[int], starred: bool = True) -> Change:
        return self._set(item_ids, "starred", starred)

    def _set(self, item_ids: Iterable[int], column: str, value: bool) -> Change:
        ids = list(item_ids)
        for item_id in set(ids) - it.existing_ids(self._store.conn, ids):
            self.item(item_id)  # raises NotFound with the message
        with self._store.transaction() as conn:
            targets = it.duplicate_group(conn, ids) if column == "read" else set(ids)
            changed = it.set_flag(conn, targets, column, value, iso(self._clock()))
        return self._changed(items=changed)

    def mark_all_read(self, *, feed_id: int | None = None, folder_id: int | None = None) -> Change:
        """Everything unread (in one feed or folder, if given) becomes read."""
        if feed_id is not None:
            self.get(feed_id)  # type: ignore[attr-defined]
        with self._store.transaction() as conn:
            ids = it.unread_ids(conn, feed_id=feed_id, folder_id=folder_id)
            changed = it.set_flag(
                conn, it.duplicate_group(conn, ids), "read", True, iso(self._clock())
            )
        return self._changed(items=changed)

    def _changed(self, *, items: set[int]) -> Change:
        change = Change(items=set(items), feeds=self._feeds_of(items))
        if change:
            self._on_change(change)
        return change

    def _feeds_of(self, item_ids: set[int]) -> set[int]:
        out: set[int] = set()
        for part in chunks(sorted(item_ids)):
            out |= {
                r[0]
                for r in self._store.query(
                    f"SELECT DISTINCT feed_id FROM items WHERE id IN ({marks(len(part))}) "
                    "AND feed_id IS NOT NULL",
                    tuple(part),
                )
            }
        return out

    # ---- clipping --------------------------------------------------------------------

    def clip(
        self, item_id: int, quote: str | None = None, *, entry_id: int | None = None
    ) -> tuple[Entry, Change]:
        """Quote an item (its opening, or `quote`) into today's entry, keeping its source."""
        from pkm.core.journal import ClipSource

        item = self.item(item_id)
        if quote is not None:
            quote = quote.strip()
            if not quote:
                raise BadInput(
                    "The quote is empty. Give the passage to clip, or leave --quote out."
                )
            if len(quote) > MAX_QUOTE:
                raise BadInput(
                    f"The quote is {len(quote):,} characters; clip a passage under {MAX_QUOTE:,}."
                )
        else:
            quote = excerpt(item.text or "", 280)
        source = ClipSource(
            title=item.title,
            url=item.url,
            feed=item.feed_title,
            author=item.author,
            published=item.published or item.sort_at,
            item_id=item.id,
        )
        entry, change = self._journal.add_clip(source, quote, entry_id=entry_id)
        change.items.add(item.id)
        if item.feed_id is not None:
            change.feeds.add(item.feed_id)
        return entry, change

    # ---- retention -------------------------------------------------------------------

    def retention_days(self) -> int:
        return int(self._settings.get(RETENTION_SETTING, DEFAULT_DAYS))

    def set_retention_days(self, days: int) -> None:
        if int(days) < 0:
            raise BadInput("Keep read items for 0 days (forever) or more.")
        self._settings.set(RETENTION_SETTING, int(days))

    def purge(self, days: int | None = None) -> tuple[Change, int]:
        """Delete read items older than `days` (the setting by default; 0 keeps everything).

        Returns what changed and how many items were deleted.
        """
        change, deleted = self._purge(days)
        if change:
            self._on_change(change)
        return change, deleted

    def _purge(self, days: int | None) -> tuple[Change, int]:
        """(what changed, how many items were deleted)."""
        days = self.retention_days() if days is None else int(days)
        if days <= 0:
            return Change(), 0
        with self._store.transaction() as conn:
            deleted, promoted = purge(conn, days, self._clock())
        return Change(items=deleted | promoted), len(deleted)

    # ---- rules -----------------------------------------------------------------------

    def rules(self) -> list[Rule]:
        return rl.list_rules(self._store)

    def add_rule(
        self,
        pattern: str,
        *,
        is_regex: bool = False,
        field: str = "any",
        action: str = "read",
        tag: str = "",
        feed_id: int | None = None,
        apply_existing: bool = False,
    ) -> tuple[Rule, Change]:
        """A rule for new items; with `apply_existing`, also run it over stored items now."""
        pattern, tag = rl.validate(pattern, is_regex=is_regex, field=field, action=action, tag=tag)
        if feed_id is not None:
            self.get(feed_id)  # type: ignore[attr-defined]
        with self._store.transaction() as conn:
            rule_id = rl.insert(
                conn, pattern, is_regex=is_regex, field=field, action=action, tag=tag,
                feed_id=feed_id, now=iso(self._clock()),
            )  # fmt: skip
        rule = rl.get_rule(self._store, rule_id)
        change = self._apply_rule(rule) if apply_existing else Change()
        return rule, change

    def _apply_rule(self, rule: Rule) -> Change:
        ruleset = rl.RuleSet([rule])
        sql, params = "SELECT id, feed_id, title, text, author FROM items", ()
        if rule.feed_id is not None:
            sql, params = sql + " WHERE feed_id = ?", (rule.feed_id,)
        hits = [
            r["id"]
            for r in self._store.query(sql, params)
            if ruleset.judge(r["feed_id"], r["title"], r["text"], r["author"]) != rl.Verdict()
        ]
        now = iso(self._clock())
        with self._store.transaction() as conn:
            if rule.action == "read":
                changed = it.set_flag(conn, it.duplicate_group(conn, hits), "read", True, now)
            elif rule.action == "star":
                changed = it.set_flag(conn, hits, "starred", True, now)
            else:
                changed = {i for i in hits if it.add_tags(conn, i, [rule.tag])}
                from pkm.core.indexing import queue_index

                queue_index(conn, [it.item_key_of(i) for i in sorted(changed)])
        return self._changed(items=changed)

    def remove_rule(self, rule_id: int) -> Change:
        rl.get_rule(self._store, rule_id)
        with self._store.transaction() as conn:
            conn.execute("DELETE FROM feed_rules WHERE id = ?", (rule_id,))
        return Change()
