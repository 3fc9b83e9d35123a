"""Seek: feed subscriptions, fetching, parsing, sanitizing, items, rules and retention.

This package is imported by the workspace at start-up (for the search
source), so this file stays empty: httpx and feedparser are imported only by
the modules that fetch and parse, when a refresh or a subscription needs them.
The entry point is `pkm.core.feeds.service.Feeds` (`workspace.feeds`).
"""
