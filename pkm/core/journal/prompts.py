"""Reflection prompts and entry templates.

Prompts rotate by date (the same day always shows the same prompt, so the
window, the CLI and the template agree) and follow the Seek > Sense > Share
practice: what came in, what it means, what to pass on.
"""

from __future__ import annotations

import datetime as dt

PROMPTS: tuple[tuple[str, str], ...] = (
    ("Seek", "What did you read today that changed your mind?"),
    ("Sense", "What are you working to achieve?"),
    ("Share", "Who in your team needs to hear what you learned today?"),
    ("Seek", "Which source surprised you this week, and why do you trust it?"),
    ("Sense", "What pattern do you see across this week's conversations?"),
    ("Share", "What would you tell your team in three sentences about today?"),
    ("Seek", "What question are you carrying that nobody has answered yet?"),
    ("Sense", "What decision is waiting on you, and what is holding it back?"),
    ("Share", "What did you learn from a mistake this week that others could use?"),
    ("Seek", "Whose point of view did you seek out today that differs from yours?"),
    ("Sense", "What did you notice today that others may have missed?"),
    ("Share", "What idea from today deserves a wider audience?"),
    ("Seek", "Which customer, colleague or reader taught you something today?"),
    ("Sense", "What would you do differently if you started this week again?"),
    ("Share", "What is one thing you could teach tomorrow?"),
    ("Seek", "What signal did you read today that could matter in a year?"),
    ("Sense", "What are you assuming that you have not checked?"),
    ("Share", "Whom do you want to thank, and for what?"),
    ("Sense", "What gave you energy today, and what drained it?"),
    ("Sense", "If today had a headline, what would it be?"),
    ("Share", "What work in progress could you show before it is finished?"),
)

DEFAULT_DAILY_TEMPLATE = """\
**{prompt}**

"""

DEFAULT_NOTE_TEMPLATE = ""

DEFAULT_TEMPLATES = {"daily": DEFAULT_DAILY_TEMPLATE, "note": DEFAULT_NOTE_TEMPLATE}


DEFAULT_PROMPTS: tuple[str, ...] = tuple(text for _stage, text in PROMPTS)


def prompt_for(day: dt.date, prompts: tuple[str, ...] | None = None) -> str:
    """The day's prompt from ``prompts`` (the user's list, Settings › Templates) or the
    built-in ones: the same day always gets the same prompt."""
    if prompts:
        return prompts[day.toordinal() % len(prompts)]
    return PROMPTS[day.toordinal() % len(PROMPTS)][1]


def stage_of_prompt(day: dt.date) -> str:
    return PROMPTS[day.toordinal() % len(PROMPTS)][0]


def daily_title(day: dt.date) -> str:
    """'Sunday 22 November 2026': how people name a diary page."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def fill_template(template: str, day: dt.date, prompts: tuple[str, ...] | None = None) -> str:
    """Expand {date}, {weekday}, {title} and {prompt}; unknown braces are left as typed."""
    values = {
        "date": day.isoformat(),
        "weekday": f"{day:%A}",
        "title": daily_title(day),
        "prompt": prompt_for(day, prompts),
    }
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out
