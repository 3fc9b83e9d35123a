"""Rules: a keyword or regex on an item's title, content or author → mute, star or tag.

Rules run on new items while a refresh stores them (so a muted item never
shows up as unread), and on demand over the items already stored.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from pkm.core import syntax
from pkm.core.db import Store
from pkm.core.errors import BadInput, NotFound
from pkm.core.feeds.model import Rule

FIELDS = ("any", "title", "content", "author")
ACTIONS = ("read", "star", "tag")
MAX_PATTERN = 500
MAX_SCANNED = 200_000  # characters of content a rule looks at


@dataclass
class Verdict:
    read: bool = False
    star: bool = False
    tags: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Compiled:
    rule: Rule
    test: Callable[[str], bool]


class RuleSet:
    """The rules compiled once per refresh; `judge` tells what to do with an item."""

    def __init__(self, rules: list[Rule]) -> None:
        self._rules = [_Compiled(r, _matcher(r)) for r in rules]

    def __bool__(self) -> bool:
        return bool(self._rules)

    def judge(self, feed_id: int | None, title: str, text: str, author: str) -> Verdict:
        verdict = Verdict()
        fields = {"title": title, "content": text[:MAX_SCANNED], "author": author}
        for c in self._rules:
            if c.rule.feed_id is not None and c.rule.feed_id != feed_id:
                continue
            values = fields.values() if c.rule.field == "any" else (fields[c.rule.field],)
            if any(c.test(v) for v in values if v):
                if c.rule.action == "read":
                    verdict.read = True
                elif c.rule.action == "star":
                    verdict.star = True
                else:
                    verdict.tags.add(c.rule.tag)
        return verdict


def _matcher(rule: Rule) -> Callable[[str], bool]:
    if rule.is_regex:
        rx = re.compile(rule.pattern, re.I)
        return lambda value: rx.search(value) is not None
    needle = rule.pattern.casefold()
    return lambda value: needle in value.casefold()


def validate(pattern: str, *, is_regex: bool, field: str, action: str, tag: str) -> tuple[str, str]:
    """The cleaned pattern and tag, or BadInput saying what to fix."""
    pattern = (pattern or "").strip()
    if not pattern:
        raise BadInput("The rule needs a keyword or a regular expression to look for.")
    if len(pattern) > MAX_PATTERN:
        raise BadInput(f"The pattern is {len(pattern)} characters; keep it under {MAX_PATTERN}.")
    if field not in FIELDS:
        raise BadInput(
            f"'{field}' is not a field rules can look at. Use one of: {', '.join(FIELDS)}."
        )
    if action not in ACTIONS:
        raise BadInput(f"'{action}' is not a rule action. Use one of: {', '.join(ACTIONS)}.")
    if is_regex:
        try:
            re.compile(pattern, re.I)
        except re.error as exc:
            raise BadInput(
                f"'{pattern}' is not a valid regular expression ({exc}). Fix it, or drop "
                "--regex to match it as a plain keyword."
            ) from None
    tag = syntax.normalize_tag(tag or "")
    if action == "tag" and not tag:
        raise BadInput("A tagging rule needs the tag to add, e.g. --tag strategy.")
    return pattern, tag if action == "tag" else ""


def insert(
    conn: sqlite3.Connection, pattern: str, *, is_regex: bool, field: str, action: str,
    tag: str, feed_id: int | None, now: str,
) -> int:  # fmt: skip
    cur = conn.execute(
        "INSERT INTO feed_rules(pattern, is_regex, field, action, tag, feed_id, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (pattern, int(is_regex), field, action, tag, feed_id, now),
    )
    return int(cur.lastrowid)


def list_rules(store: Store) -> list[Rule]:
    return [_from_row(r) for r in store.query("SELECT * FROM feed_rules ORDER BY id")]


def get_rule(store: Store, rule_id: int) -> Rule:
    r = store.one("SELECT * FROM feed_rules WHERE id = ?", (rule_id,))
    if r is None:
        raise NotFound(f"There is no rule {rule_id}. See your rules with 'pkm rules list'.")
    return _from_row(r)


def _from_row(r: sqlite3.Row) -> Rule:
    return Rule(
        id=r["id"],
        pattern=r["pattern"],
        is_regex=bool(r["is_regex"]),
        field=r["field"],
        action=r["action"],
        tag=r["tag"],
        feed_id=r["feed_id"],
        created=r["created"],
    )
