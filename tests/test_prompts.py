"""The user's own prompts and template (Settings › Templates), kept by the core."""

from __future__ import annotations

import datetime as dt

import pytest

from pkm.core.errors import BadInput
from pkm.core.journal import prompts
from pkm.core.workspace import Workspace


def test_own_prompts_fill_the_daily_entry_and_reset(tmp_path, clock):
    with Workspace(tmp_path / "ws", clock=clock) as ws:
        j = ws.journal
        assert j.prompts() == prompts.DEFAULT_PROMPTS and not j.custom_prompts()
        j.set_prompts(["  What did the customer say?  ", "", "What will you stop doing?"])
        assert j.prompts() == ("What did the customer say?", "What will you stop doing?")
        j.set_template("daily", "## {prompt}\n\n")
        today = j.today()
        assert today.body.startswith("## What ") and today.body.strip("# \n") in j.prompts()
        assert j.prompt() in j.prompts()
        j.reset_prompts()
        j.reset_template("daily")
        assert j.prompts() == prompts.DEFAULT_PROMPTS
        assert j.template("daily") == prompts.DEFAULT_DAILY_TEMPLATE
    with Workspace(tmp_path / "ws", clock=clock) as ws:  # kept in the data folder
        assert not ws.journal.custom_prompts()


def test_prompts_are_checked(tmp_path, clock):
    with Workspace(tmp_path / "ws", clock=clock) as ws:
        with pytest.raises(BadInput, match="at least one prompt"):
            ws.journal.set_prompts(["", "   "])
        with pytest.raises(BadInput, match="at most 300"):
            ws.journal.set_prompts(["x" * 301])


def test_a_custom_prompt_is_recognised_when_sharing(tmp_path, clock):
    with Workspace(tmp_path / "ws", clock=clock) as ws:
        j = ws.journal
        j.set_prompts(["Which meeting mattered most today?"])
        e = j.today()
        j.save(e.id, body=e.body + "The pricing review, because finance said no.\n")
        draft = j.draft_post(e.id)
        assert draft.prompt_removed
        assert "Which meeting" not in draft.body and "pricing review" in draft.body
        assert dt.date.fromisoformat(e.day) == j.today_date()
