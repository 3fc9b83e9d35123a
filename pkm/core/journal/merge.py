"""Three-way merge of an entry's text, so two writers never cost either one a word.

When the window saves an entry that another process (the CLI, a clip, a
synced copy) changed since the window loaded it, both sides started from the
same text (the base). `merge3` (the Bazaar/Breezy merge algorithm) combines the
two sets of changes line by line. Where both sides only *added* lines at the
same place (the usual case: the user types at the end while `pkm items clip`
appends a quote there), both additions are kept, the user's first. Lines that
both sides changed are merged again word by word (typing at the end of the
last line while a quote is added below it is not a conflict). Where both sides
changed the same words differently, that is a real conflict: the
result is None and the caller keeps the user's text and files the other one
as a revision, so it stays in History.
"""

from __future__ import annotations

import re

import merge3

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def _merge(base: list[str], mine: list[str], theirs: list[str], *, fine: bool) -> list[str] | None:
    """merge3 over sequences (lines, or words inside lines when ``fine``)."""
    out: list[str] = []
    for group in merge3.Merge3(base, mine, theirs).merge_groups():
        if group[0] != "conflict":
            out.extend(group[1])
            continue
        base_part, a_part, b_part = group[1], group[2], group[3]
        if not base_part:  # both only added here: keep both, the editor's first
            out.extend(a_part)
            out.extend(b_part)
            continue
        if not fine:
            return None
        words = _merge(
            _TOKENS.findall("".join(base_part)),
            _TOKENS.findall("".join(a_part)),
            _TOKENS.findall("".join(b_part)),
            fine=False,
        )
        if words is None:
            return None
        out.append("".join(words))
    return out


def merge_text(base: str, mine: str, theirs: str) -> str | None:
    """The merged text, or None when both sides changed the same lines differently."""
    if mine == theirs or theirs == base:
        return mine
    if mine == base:
        return theirs

    def lines(text: str) -> list[str]:
        return (text if text.endswith("\n") else text + "\n").splitlines(keepends=True)

    out = _merge(lines(base), lines(mine), lines(theirs), fine=True)
    if out is None:
        return None
    merged = "".join(out)
    if not mine.endswith("\n") and not theirs.endswith("\n") and merged.endswith("\n"):
        merged = merged[:-1]
    return merged
