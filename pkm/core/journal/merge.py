"""Three-way merge of an entry's text, so two writers never cost either one a word.

When the window saves an entry that another process (the CLI, a clip, a
synced copy) changed since the window loaded it, both sides started from the
same text (the base). `merge3` (the Bazaar/Breezy merge algorithm) combines the
two sets of changes line by line. Where both sides only *added* lines at the
same place (the usual case: the user types at the end while `pkm items clip`
appends a quote there), both additions are kept, the user's first. Where both
sides changed the same base lines differently, that is a real conflict: the
result is None and the caller keeps the user's text and files the other one
as a revision, so it stays in History.
"""

from __future__ import annotations

import merge3


def merge_text(base: str, mine: str, theirs: str) -> str | None:
    """The merged text, or None when both sides changed the same lines differently."""
    if mine == theirs or theirs == base:
        return mine
    if mine == base:
        return theirs

    def lines(text: str) -> list[str]:
        return (text if text.endswith("\n") else text + "\n").splitlines(keepends=True)

    out: list[str] = []
    for group in merge3.Merge3(lines(base), lines(mine), lines(theirs)).merge_groups():
        kind = group[0]
        if kind == "conflict":
            base_lines, a_lines, b_lines = group[1], group[2], group[3]
            if base_lines:
                return None
            out.extend(a_lines)
            out.extend(b_lines)
        else:
            out.extend(group[1])
    merged = "".join(out)
    if not mine.endswith("\n") and not theirs.endswith("\n") and merged.endswith("\n"):
        merged = merged[:-1]
    return merged
