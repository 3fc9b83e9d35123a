"""Posts: what is shared is a deliberate extract of the journal, never the private day.

A daily entry holds the day's reflection prompt, every clip of the day and
whatever the user wrote around them. A post is drawn from it: a selection, or
(with nothing selected) the user's own writing without the prompt and without
the clipped quotes. It is an entry of kind 'post' with `source_id` (migration
7), so it is saved, revised and searched like any entry, and the publish log
tracks it per target.

Decisions (the issue was silent):
- Tags: the source's *explicit* tags and the `#tags` inside the extract. A tag
  written only in text that was not chosen stays private: a tag is words too.
- "From my reading": the sources of the clips the extract quotes, appended as
  one line, only when asked; a source whose attribution line is already in
  the extract is not repeated.
- Title: the extract's first heading, else its first sentence (cut at a word,
  at most 70 characters); never the bare date or the day's title.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pkm.core import syntax
from pkm.core.journal.clips import attribution, md_text
from pkm.core.journal.model import Clip, ClipSource, Entry
from pkm.core.journal.prompts import PROMPTS, daily_title, fill_template
from pkm.core.markdown import to_plain

MAX_TITLE_SUGGESTION = 70

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_DATE_ONLY = re.compile(r"^\W*\d{4}-\d{2}-\d{2}\W*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_TAG_MARK = re.compile(r"(?<![\w&])#(?=\w)")
_DECORATION = re.compile(r"^[\s>*_#~`-]+|[\s*_~`]+$")


@dataclass(frozen=True)
class Draft:
    """What a new post starts as: the author reviews it before anything is kept or sent."""

    title: str
    body: str
    tags: tuple[str, ...]
    sources: tuple[ClipSource, ...]  # clips the extract quotes (for "from my reading")
    prompt_removed: bool = False
    clips_left_out: int = 0


def _bare(line: str) -> str:
    """A line without Markdown decoration, for comparing with a prompt."""
    return _DECORATION.sub("", line).strip().casefold()


def prompt_lines(entry: Entry, template: str) -> set[str]:
    """The template's own lines for this day (the prompt among them), as `_bare` text.

    Only a daily entry has them. Every built-in prompt counts too, so a prompt
    that came from an older template is still recognised.
    """
    if entry.kind != "daily":
        return set()
    try:
        day = dt.date.fromisoformat(entry.day)
    except ValueError:
        return set()
    lines = {_bare(line) for line in fill_template(template, day).splitlines()}
    lines |= {_bare(text) for _stage, text in PROMPTS}
    lines.discard("")
    return lines


def _split_blocks(body: str) -> list[str]:
    return re.split(r"\n[ \t]*\n", body)


def _is_clip_block(block: str) -> bool:
    """A quote made by clipping: '>' lines ending with the '> — source' line."""
    lines = [line for line in block.strip().splitlines() if line.strip()]
    return (
        bool(lines)
        and all(line.lstrip().startswith(">") for line in lines)
        and (lines[-1].lstrip().lstrip(">").lstrip().startswith("— "))
    )


def own_writing(entry: Entry, template: str) -> tuple[str, bool, int]:
    """The entry's text without its prompt lines and its clipped quotes.

    Returns (text, whether a prompt line was removed, how many quotes were left out).
    """
    prompts = prompt_lines(entry, template)
    kept: list[str] = []
    removed_prompt = False
    left_out = 0
    for block in _split_blocks(entry.body):
        if not block.strip():
            continue
        if _is_clip_block(block):
            left_out += 1
            continue
        lines = []
        for line in block.splitlines():
            if prompts and _bare(line) in prompts:
                removed_prompt = True
                continue
            lines.append(line)
        if "".join(lines).strip():
            kept.append("\n".join(lines).strip("\n"))
    return "\n\n".join(kept).strip() + ("\n" if kept else ""), removed_prompt, left_out


def quoted_sources(body: str, clips: Iterable[Clip]) -> tuple[ClipSource, ...]:
    """The sources of the clips whose words are in `body`, in clip order, once each."""
    flat = " ".join(body.split())
    out: list[ClipSource] = []
    for clip in clips:
        words = " ".join(md_text(clip.quote).split())
        probe = words[:60]
        if probe and probe in flat and clip.source not in out:
            out.append(clip.source)
    return tuple(out)


def from_my_reading(body: str, sources: Sequence[ClipSource]) -> str:
    """`body` with a closing "From my reading" line for the sources not already cited."""
    missing = [s for s in sources if attribution(s) not in body]
    if not missing:
        return body
    cites = "; ".join(attribution(s).removeprefix("— ") for s in missing)
    return f"{body.rstrip()}\n\n*From my reading:* {cites}\n"


def suggest_title(body: str, *, avoid: Iterable[str] = ()) -> str:
    """A title from the text: its first heading, else its first sentence."""
    avoid_keys = {syntax.title_key(a) for a in avoid if a}
    for line in body.splitlines():
        m = _HEADING.match(line)
        if m and not _DATE_ONLY.match(m.group(1)):
            return m.group(1).strip()[:200]
    for line in to_plain(body).splitlines():
        line = line.strip().lstrip("•☐☑").strip()
        if not line or line.startswith("—") or _DATE_ONLY.match(line):
            continue
        if syntax.title_key(line) in avoid_keys:
            continue
        line = _TAG_MARK.sub("", line)
        sentence = _SENTENCE_END.split(line, maxsplit=1)[0].strip()
        if len(sentence) <= MAX_TITLE_SUGGESTION:
            return sentence.rstrip(".")
        cut = sentence[:MAX_TITLE_SUGGESTION].rsplit(" ", 1)[0]
        return cut.rstrip(",;:") + "…"
    return ""


def inline_tags(body: str) -> list[str]:
    return syntax.extract_tags(body)


def draft_from(
    entry: Entry, clips: Sequence[Clip], template: str, selection: str | None = None
) -> Draft:
    """A post draft from an entry: the selection as it is, or the user's own writing."""
    if selection is not None and selection.strip():
        body = selection.strip("\n") + "\n"
        removed, left_out = False, 0
    else:
        body, removed, left_out = own_writing(entry, template)
    tags: list[str] = list(entry.explicit_tags)
    for tag in inline_tags(body):
        if tag not in tags:
            tags.append(tag)
    avoid = [entry.title, daily_title(dt.date.fromisoformat(entry.day))] if entry.day else []
    return Draft(
        title=suggest_title(body, avoid=avoid),
        body=body,
        tags=tuple(tags),
        sources=quoted_sources(body, clips),
        prompt_removed=removed,
        clips_left_out=left_out,
    )


def whole_entry_question(
    entry: Entry, clips: Sequence[Clip], template: str, today: dt.date | None = None
) -> str | None:
    """The one plain question before a whole daily entry goes out, or None when the
    entry holds nothing private beyond what the user wrote (no prompt, no clips)."""
    if entry.kind != "daily":
        return None
    _text, has_prompt, _n = own_writing(entry, template)
    n = len(clips) or sum(1 for b in _split_blocks(entry.body) if _is_clip_block(b))
    if not has_prompt and not n:
        return None
    parts = []
    if has_prompt:
        is_today = today is not None and entry.day == today.isoformat()
        parts.append("today's prompt" if is_today else "the day's prompt")
    if n:
        parts.append(f"{n} clip" + ("s" if n != 1 else ""))
    return f"This is your whole day's entry, with {' and '.join(parts)}. Share a part instead?"
