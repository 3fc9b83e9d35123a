"""Issue 12, "Render it right, everywhere it goes": one entry, every form it is sent in.

Each test publishes to a real server (SMTP) or to the protocol doubles, whose
Slack and Teams endpoints check every payload with the official validators
(tests/publish/validators.py): slack_sdk's block models and Microsoft's
Adaptive Card schema. Each assertion failed on main before this change.
"""

from __future__ import annotations

import re

import pytest

from pkm.core import export
from pkm.core.markdown import render, to_plain
from pkm.core.publish.render import mrkdwn_sections, plain_with_links, slack_mrkdwn
from pkm.core.publish.teams import card_blocks
from tests.publish.doubles import Webhooks
from tests.publish.validators import card_problems, slack_problems

TAGS_LINE = "#strategy #operations"
CODE_TEXT = 'cost < 4 else "buy & <wait>"'
BODY = f"""A reflection on the week.

{TAGS_LINE}

The rule I wrote down: {CODE_TEXT} and `x < y && z > w`.

```python
if cost < 4 and a > b:
    print("**not bold** & <wait>")
- not a bullet
```

> Quoted from my reading: a < b & c.
> Second line of the quote.

| Option | Cost |
| --- | --- |
| Buy | < 4 |
| Wait | 5 |
"""


@pytest.fixture
def tagged(make_entry):
    return make_entry(body=BODY, tags=("strategy", "operations"))


@pytest.fixture
def hooks(pub, webhooks):
    pub.add_target("slack", "slack", secret=webhooks.url + Webhooks.SLACK)
    pub.add_target("teams", "teams", secret=webhooks.url + Webhooks.TEAMS)
    pub.add_target("mm", "mattermost", secret=webhooks.url + Webhooks.MATTERMOST)
    return webhooks


# ---- 1. a line of #tags is not a heading ------------------------------------------------


def test_a_line_of_tags_is_not_a_heading_in_the_preview_and_the_export(tagged):
    html = render(BODY)
    assert "<h1" not in html
    assert re.search(r"<p><a href=\"pkm://tag/strategy\"[^>]*>#strategy</a> <a", html)
    assert render("# Heading\n#tag").startswith("<h1>Heading</h1>")  # a heading needs "# "
    page = export.export_bytes(tagged, "html").decode()
    assert page.count("<h1>") == 1  # the title only
    assert "#strategy #operations" in page


def test_a_line_of_tags_is_not_a_heading_anywhere_it_is_published(pub, hooks, tagged, smtp_plain):
    pub.add_target("mail", "email", url=f"smtp://127.0.0.1:{smtp_plain.port}",
                   options={"to": "me@example.com", "from": "anna@example.com"})  # fmt: skip
    for name in ("slack", "teams", "mm", "mail"):
        pub.publish(tagged.id, name)
    (slack,) = hooks.messages["slack"]
    sections = "\n".join(b["text"]["text"] for b in slack["blocks"] if b["type"] == "section")
    assert f"\n{TAGS_LINE}\n" in sections and f"*{TAGS_LINE}*" not in sections
    (teams,) = hooks.messages["teams"]
    body = teams["attachments"][0]["content"]["body"]
    headings = [b for b in body if b.get("style") == "heading"]
    assert [b["text"] for b in headings] == [tagged.title]
    (mm,) = hooks.messages["mattermost"]
    assert f"\n\n{TAGS_LINE}\n\n" in mm["text"]
    (mail,) = smtp_plain.messages
    assert mail.get_body(("html",)).get_content().count("<h1>") == 1
    text_part = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert f"\n{TAGS_LINE}\n" in text_part and text_part.count(TAGS_LINE) == 1  # not twice


# ---- 2. plain text keeps code and text verbatim ------------------------------------------


def test_plain_text_keeps_angle_brackets_ampersands_and_code():
    plain = plain_with_links(BODY)
    assert CODE_TEXT in plain
    assert "x < y && z > w" in plain
    assert 'print("**not bold** & <wait>")\n- not a bullet' in plain  # code as typed
    assert "Quoted from my reading: a < b & c." in plain
    assert to_plain("a <b>bold</b><br>b") == "a  bold  b"  # real HTML tags still go
    assert to_plain("5 &amp; 6 but `&amp;` in code") == "5 & 6 but &amp; in code"


def test_plain_text_paths_keep_it(pub, hooks, tagged, smtp_plain, mastodon):
    pub.add_target("mail", "email", url=f"smtp://127.0.0.1:{smtp_plain.port}",
                   options={"to": "me@example.com", "from": "anna@example.com"})  # fmt: skip
    pub.add_target("social", "mastodon", url=mastodon.url, secret=mastodon.token)
    mastodon.limit = 5000
    pub.publish(tagged.id, "mail")
    pub.publish(tagged.id, "slack")
    status = pub.publish(tagged.id, "social")
    text_part = smtp_plain.messages[0].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert CODE_TEXT in text_part and '"**not bold** & <wait>"' in text_part
    notification = hooks.messages["slack"][0]["text"]  # mrkdwn: & < > escaped, as Slack asks
    assert CODE_TEXT.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in notification
    assert CODE_TEXT in mastodon.statuses[status.remote_id]["text"]
    assert CODE_TEXT in pub.linkedin(tagged.id).text


# ---- 3. Teams: the declared version, the real schema, real elements ----------------------


def test_teams_card_declares_what_it_uses_and_passes_the_schema(pub, hooks, tagged):
    pub.publish(tagged.id, "teams")
    (msg,) = hooks.messages["teams"]
    card = msg["attachments"][0]["content"]
    assert card["version"] == "1.5" and card_problems(card) == []
    assert card["fallbackText"].startswith(f"{tagged.title}\n\nA reflection on the week.")
    body = card["body"]
    tables = [b for b in body if b["type"] == "Table"]
    assert len(tables) == 1 and tables[0]["firstRowAsHeader"] is True
    rows = [[c["items"][0]["text"] for c in r["cells"]] for r in tables[0]["rows"]]
    assert rows == [["Option", "Cost"], ["Buy", "< 4"], ["Wait", "5"]]
    code, quote = [b for b in body if b["type"] == "Container"]
    (run,) = code["items"][0]["inlines"]  # a TextRun reads no Markdown: code stays as typed
    assert run["fontType"] == "Monospace" and run["text"].startswith("if cost < 4 and a > b:\n")
    assert '"**not bold** & <wait>"' in run["text"]
    assert quote["style"] == "emphasis"
    assert quote["items"][0]["text"].startswith("Quoted from my reading: a < b & c.")
    assert not any("```" in b.get("text", "") or "|---" in b.get("text", "") for b in body)


def test_the_card_of_main_is_rejected_by_the_validator():
    """The validator can fail: 1.4 with 1.5's heading style, and Teams' msteams extension."""
    card = {"type": "AdaptiveCard", "version": "1.4", "msteams": {"width": "Full"},
            "body": [{"type": "TextBlock", "text": "T", "style": "heading"}]}  # fmt: skip
    with pytest.raises(AssertionError, match=r"no Adaptive Card schema for version '1\.4'"):
        card_problems(card)
    problems = card_problems(dict(card, version="1.5"))
    assert any("msteams" in p for p in problems)
    card = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": card_blocks("# H\n\n| a |\n|---|\n| b |"),
    }
    assert card_problems(card) == []
    from tests.publish import validators

    newer = validators._newer_than(card, validators.card_schema("1.5"), (1, 4))
    assert any("Table needs 1.5" in p for p in newer) and any("heading" in p for p in newer)


# ---- 4. Slack: fences closed in each section, quotes as quotes ---------------------------


def test_slack_quotes_are_raw_and_only_amp_lt_gt_are_escaped():
    text = slack_mrkdwn(BODY)
    assert "\n> Quoted from my reading: a &lt; b &amp; c.\n> Second line of the quote." in text
    assert "&gt; Quoted" not in text
    assert "`x &lt; y &amp;&amp; z &gt; w`" in text
    assert '```\nif cost &lt; 4 and a &gt; b:\n    print("**not bold** &amp; &lt;wait&gt;")' in text
    # Slack has no tables: a code block with the columns lined up
    assert "```\nOption  Cost\n------  ----\nBuy     &lt; 4\nWait    5\n```" in text


def test_a_long_code_block_is_closed_and_reopened_in_each_section(pub, hooks, make_entry):
    code = "\n".join(f"step_{i} = compute({i}) if cost < {i} else wait()" for i in range(200))
    long = make_entry(body=f"Before the code.\n\n```\n{code}\n```\n\nAfter the code.")
    pub.publish(long.id, "slack")
    (msg,) = hooks.messages["slack"]
    assert slack_problems(msg) == []
    sections = [b["text"]["text"] for b in msg["blocks"] if b["type"] == "section"]
    assert len(sections) >= 3
    for text in sections:
        assert text.count("```") % 2 == 0, text[:80]
        assert len(text) <= 3000
    assert sections[1].startswith("```\n") and sections[0].endswith("\n```")
    lines = [ln for t in sections for ln in t.splitlines() if ln.startswith("step_")]
    assert lines == [ln.replace("<", "&lt;") for ln in code.splitlines()]  # no line cut in two
    assert sections[-1].endswith("After the code.")


def test_mrkdwn_sections_leave_text_without_code_alone():
    text = "word " * 1000
    parts = mrkdwn_sections(text, 3000)
    assert all("```" not in p for p in parts) and " ".join(parts).split() == text.split()


def test_every_slack_payload_passes_slack_sdk(pub, hooks, tagged):
    pub.publish(tagged.id, "slack")
    assert slack_problems(hooks.messages["slack"][0]) == []
    bad = {
        "text": "t",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}],
    }
    assert slack_problems(bad)  # the validator can fail
