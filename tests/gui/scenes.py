"""Realistic content for screenshots: a week of an executive's journal."""

from __future__ import annotations

import datetime as dt

from pkm.core.workspace import Workspace

TODAY = """**What decision is waiting on you, and what is holding it back?**

The price change for the mid-market tier. The numbers from [[Pricing review with finance]] are clear, \
but I want to hear from three customers before the board sees it. #pricing #board

- Ask Maria for the churn cohort by Friday
- Draft the one-page memo for the [[Board offsite prep]]
- Share what we learned at the [[Customer council]] with the whole team

> Price is what you pay. Value is what you get.
"""

DAYS = [
    (
        "2026-11-16",
        "Kicked off the week with the leadership team. Energy is good; hiring is the bottleneck. #hiring",
    ),
    (
        "2026-11-17",
        "Read two pieces on usage-based pricing. Worth testing on the new analytics add-on. #pricing",
    ),
    ("2026-11-18", "Long day. The finance review went better than expected."),
    (
        "2026-11-19",
        "Coffee with our first customer from 2019. They still love the product, hate the invoices.",
    ),
    ("2026-11-20", "Customer council: three of five asked for simpler plans. #customers"),
    ("2026-11-21", "Quiet Saturday. Wrote the first draft of the board narrative."),
]

NOTES = [
    (
        "2026-11-18",
        "Pricing review with finance",
        "Mid-market margin is 12 points below plan.\n\n| Plan | Margin |\n|---|---|\n| Team | 61% |\n| Business | 74% |\n\n"
        "Next: test a simpler two-tier offer. #pricing #finance",
    ),
    (
        "2026-11-20",
        "Customer council",
        "Five customers, two hours. Simpler plans, better invoices, an admin console. "
        "See [[Pricing review with finance]]. #customers #strategy",
    ),
    (
        "2026-11-21",
        "Board offsite prep",
        "Narrative: focus, simplicity, one bet on analytics. #board #strategy",
    ),
    (
        "2026-11-22",
        "Team update draft",
        "What I took from this week (see [[2026-11-22]]): customers want simpler plans. #leadership",
    ),
    (
        "2025-11-22",
        "Annual planning kickoff",
        "Three themes for next year: customers, simplicity, talent. #strategy",
    ),
]


def fill(ws: Workspace) -> int:
    """Write the scene; returns today's entry id."""
    j = ws.journal
    for day, text in DAYS:
        d = dt.date.fromisoformat(day)
        entry = j.daily_for(d)
        j.save(entry.id, body=entry.body + text + "\n")
    for day, title, body in NOTES:
        j.create(title=title, body=body, day=dt.date.fromisoformat(day))
    today = j.today()
    j.save(today.id, body=TODAY)
    ws.saved_searches.add("Board", "tag:board")
    ws.saved_searches.add("Customers this month", "customers after:2026-11-01")
    return today.id
