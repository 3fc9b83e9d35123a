"""pkm's own Markdown syntax: `#tags` and `[[wiki links]]`.

Kept in one place so that extraction (journal), rendering (markdown) and
renaming (links) agree on exactly what counts as a tag or a link.
"""

from __future__ import annotations

import re

# `#strategy`, `#q3-plan`, `#ai/ethics`; not `# Heading`, not `#123`, not `a#b`, not URL anchors.
TAG_RE = re.compile(r"(?<![\w&#/\\])#(?!\d+\b)([^\W][\w/-]*(?<![/-]))")
# [[Title]] or [[Title|shown text]]
WIKILINK_RE = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]")
_FENCE_RE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)
_INLINE_CODE_RE = re.compile(r"`[^`\n]+`")


def without_code(text: str) -> str:
    """Code is quoted text: a `#define` in a code block is not a tag."""
    return _INLINE_CODE_RE.sub(" ", _FENCE_RE.sub(" ", text))


def normalize_tag(tag: str) -> str:
    return tag.strip().lstrip("#").strip().lower()


def extract_tags(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for m in TAG_RE.finditer(without_code(text)):
        seen.setdefault(normalize_tag(m.group(1)), None)
    return list(seen)


def title_key(title: str) -> str:
    """How titles are compared when resolving links: case- and space-insensitive."""
    return " ".join(title.split()).casefold()


def extract_links(text: str) -> dict[str, str]:
    """Link key -> the title as written, in order of first appearance."""
    out: dict[str, str] = {}
    for m in WIKILINK_RE.finditer(without_code(text)):
        target = m.group(1).strip()
        if target:
            out.setdefault(title_key(target), target)
    return out


def rename_links(text: str, old_title: str, new_title: str) -> str:
    """Point every [[old]] / [[old|alias]] at the new title, keeping aliases."""
    old = title_key(old_title)

    def swap(m: re.Match[str]) -> str:
        if title_key(m.group(1)) != old:
            return m.group(0)
        alias = m.group(2)
        return f"[[{new_title}|{alias}]]" if alias else f"[[{new_title}]]"

    return WIKILINK_RE.sub(swap, text)
