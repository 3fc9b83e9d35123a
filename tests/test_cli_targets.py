"""`pkm targets add` never overwrites a target by accident: re-adding a name asks for --replace."""

from __future__ import annotations


def test_re_adding_a_name_asks_for_replace_and_changes_nothing(cli, tmp_path, memory_keyring):
    first, second = tmp_path / "site-a", tmp_path / "site-b"
    assert cli("targets", "add", "site", "--kind", "folder", "--url", str(first)).code == 0
    r = cli("targets", "add", "Site", "--kind", "folder", "--url", str(second))
    assert r.code == 1
    assert r.err == (
        "pkm: A target called site exists; add --replace to replace it "
        "(with --secret-stdin, its secret too).\n"
    )
    assert cli("targets", "list", "--json").json()[0]["url"] == str(first)


def test_replace_replaces_settings_and_secret(cli, memory_keyring):
    add = ("targets", "add", "team", "--kind", "slack", "--secret-stdin")
    hook = "https://hooks.slack.com/services/T000/B000/"
    assert cli(*add, stdin=hook + "first").code == 0, "setup"
    refused = cli(*add, stdin=hook + "second")
    assert refused.code == 1 and "add --replace" in refused.err
    assert hook + "first" in memory_keyring.values()
    replaced = cli(*add, "--replace", stdin=hook + "second")
    assert replaced.code == 0, replaced.err
    assert hook + "second" in memory_keyring.values()
    assert hook + "first" not in memory_keyring.values()
    assert len(cli("targets", "list", "--json").json()) == 1


def test_advice_to_add_an_existing_target_again_says_replace():
    """Adapters tell the user to run 'targets add' again for a target that exists:
    that command is refused without --replace, so the advice must include it."""
    import re
    from pathlib import Path

    import pkm.core.publish as publish

    for path in Path(publish.__file__).parent.glob("*.py"):
        for advice in re.findall(r"pkm targets add[^']*--secret-stdin[^']*'", path.read_text()):
            assert "--replace" in advice, (path.name, advice)
