"""Noticing what another process wrote, so an open window never shows or saves stale data.

The CLI, a script or a second tool may write to the data folder while the
window is open. SQLite's `PRAGMA data_version` changes on a connection exactly
when *another* connection committed, so polling it costs one tiny query. Only
when it moved does the watcher compare cheap fingerprints (entry versions, per-feed
item counts and read/star sums) with the last ones, and report what differs as a
`Change`, like any write of the window's own; views refresh that, and the editor
merges (pkm.core.journal.entries.save_edit) instead of writing over it.
"""

from __future__ import annotations

from pkm.core.changes import Change
from pkm.core.db import Store

_ENTRIES = "SELECT id, version, deleted_at IS NOT NULL AS trashed FROM entries"
_FEEDS = (
    "SELECT COALESCE(feed_id, 0) AS feed, COUNT(*) AS n, SUM(read) AS r, SUM(starred) AS s, "
    "MAX(id) AS m, MAX(COALESCE(updated_at, '')) AS u FROM items GROUP BY feed_id"
)


class ExternalChanges:
    """Polled on one thread (the window's writer: its own commits do not move data_version)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._version: int | None = None
        self._entries: dict[int, tuple[int, int]] = {}
        self._feeds: dict[int, tuple] = {}
        self._feed_ids: set[int] = set()

    def poll(self) -> Change:
        """What changed since the last poll, if another connection committed meanwhile."""
        version = self._store.data_version()
        if version == self._version:
            return Change()
        first = self._version is None
        self._version = version
        entries = {r["id"]: (r["version"], r["trashed"]) for r in self._store.query(_ENTRIES)}
        feeds = {r["feed"]: tuple(r) for r in self._store.query(_FEEDS)}
        feed_ids = {r[0] for r in self._store.query("SELECT id FROM feeds")}
        old_entries, old_feeds, old_ids = self._entries, self._feeds, self._feed_ids
        self._entries, self._feeds, self._feed_ids = entries, feeds, feed_ids
        if first:
            return Change()
        change = Change()
        for entry_id, (ver, trashed) in entries.items():
            before = old_entries.get(entry_id)
            if before is None:
                if not trashed:
                    change.entries.add(entry_id)
                    change.created = max(change.created or 0, entry_id)
            elif trashed and not before[1]:
                change.removed_entries.add(entry_id)
            elif before != (ver, trashed):
                change.entries.add(entry_id)
        change.removed_entries |= {i for i in old_entries if i not in entries}
        change.feeds |= {
            f for f in feeds.keys() | old_feeds.keys() if feeds.get(f) != old_feeds.get(f)
        }
        change.feeds |= feed_ids ^ old_ids
        change.feeds.discard(0)
        if not change.feeds and feeds.get(0) != old_feeds.get(0):
            change.feeds |= feed_ids  # items of unsubscribed feeds: redraw the smart views
        return change
