"""Bad input on the command line is one line and exit 1, never "unexpected error" (issue 11)."""

from __future__ import annotations

import io
import sys

import click
import pytest

from pkm.core.publish.base import KINDS
from tests.cli_helpers import one_line_error, run_cli

BIG = "1" + "0" * 30  # 10**30


_one_line = one_line_error


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("journal", "show", BIG), f"'{BIG[:20]}… (31 characters)' is not an entry id"),
        (("journal", "show", "9223372036854775808"), "ids are whole numbers from 1 to"),
        (("journal", "show", "abc"), "'abc' is not an entry id"),
        (("journal", "show", "9" * 5000), "(5000 characters)' is not an entry id"),
        (("journal", "revert", BIG), "is not a revision id"),
        (("feeds", "remove", BIG), "is not a feed id: ids are whole numbers from 1 to "),
        (("items", "star", "1", BIG), "is not an item id"),
        (("items", "list", "--feed", BIG), "is not a feed id"),
        (("rules", "remove", BIG), "is not a rule id"),
        (("export", BIG, "--format", "md"), "is not an entry id"),
        (("publish", BIG, "--to", "x"), "is not an entry id"),
        (("items", "purge", "--days", "999999999999"),
         "--days must be a whole number from 0 to 36,500 (100 years), not '999999999999'."),
        (("journal", "list", "--limit", BIG), "--limit must be a whole number from 1 to"),
        (("items", "list", "--offset", BIG), "--offset must be a whole number from 0 to"),
        (("search", "--limit", "0", "x"), "--limit must be a whole number from 1 to 1,000"),
        (("journal", "add", "caf\udce9"), "TEXT is not UTF-8 text"),
        (("journal", "add", "--title", "\udcff", "x"), "--title is not UTF-8 text"),
        (("journal", "list", "--tag", "x\x00y"), "--tag contains a NUL character"),
        (("export", "1", "--format", "md", "-o", "a\x00b"), "--output contains a NUL character"),
        (("feeds", "export", ""), "FILE is empty; give a file path."),
        (("journal", "show"), "Missing argument 'ENTRY_ID'. See 'pkm journal show --help'."),
        (("journal", "list", "--bogus"), "No such option '--bogus'."),
    ],
)  # fmt: skip
def test_bad_arguments_are_one_line(cli, args, message):
    assert message in _one_line(cli(*args))


def test_an_empty_home_is_an_error_not_the_default_folder(monkeypatch, capsys, tmp_path):
    default = tmp_path / "pkm-home"  # PKM_HOME of every test (conftest)
    for value in ("", " "):
        r = run_cli(monkeypatch, capsys, "--home", value, "journal", "today")
        assert (
            _one_line(r) == "pkm: The data folder given with --home is empty; give a folder path."
        )
    assert not default.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("journal", "add", "-"),
        ("targets", "add", "t", "--kind", "slack", "--secret-stdin"),
        ("feeds", "add", "http://127.0.0.1:9/feed", "--user", "bob"),
    ],
)
def test_standard_input_that_is_not_utf8_is_one_line(cli, monkeypatch, args):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xff\xfe secret\n")))
    assert "Standard input is not UTF-8 text" in _one_line(cli(*args))


def test_calendar_of_the_last_month_there_is(cli):
    cli("journal", "add", "--day", "9999-12-31", "the end")
    r = cli("journal", "calendar", "--month", "9999-12")
    assert r.code == 0, r.err
    assert r.out == "9999-12-31  1\n"


def test_export_to_a_place_that_cannot_be_written_is_one_line(cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    line = _one_line(cli("feeds", "export", str(blocker / "subs.opml")))
    assert line.startswith(f"pkm: Cannot write {blocker / 'subs.opml'}: ")
    assert line.endswith("Choose another file.")
    assert _one_line(cli("feeds", "import", str(tmp_path))).startswith("pkm: Invalid value")


def test_non_utf8_file_names_work(tmp_path):
    """A file name need not be UTF-8 (argv holds its bytes as surrogates); pkm writes
    that file and prints its name as the same bytes, in a real process and locale."""
    import os
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(root), "HOME": str(tmp_path),
           "LC_ALL": "C.UTF-8", "PYTHONUTF8": "0"}  # fmt: skip
    home = tmp_path / "home"

    def pkm(*args: bytes | str) -> subprocess.CompletedProcess:
        argv = [sys.executable, "-c", "from pkm.cli import main; main()", "--home", str(home)]
        return subprocess.run([*argv, *args], env=env, capture_output=True, timeout=120)

    assert pkm("journal", "add", "hello").returncode == 0
    name = os.fsencode(tmp_path) + b"/caf\xe9.md"
    r = pkm("export", "1", "--format", "md", "-o", name)
    assert r.returncode == 0, r.stderr
    assert r.stdout == name + b"\n"
    assert os.path.exists(name)
    r = pkm("journal", "add", "--title", b"caf\xe9", "x")
    assert r.returncode == 1
    assert (
        r.stderr
        == b"pkm: --title is not UTF-8 text (it holds bytes that are not characters); give it as UTF-8.\n"
    )


# ---- a quick fuzz of every command's arguments --------------------------------------------

FUZZ = {
    "int": [BIG, "-" + BIG, "9223372036854775808", "0", "-1", "", "abc", "9" * 5000, "\x00"],
    "str": ["", "\x00", "x\x00y", "\udcff\udcfe", "a" * 100_000, "(" * 1000, BIG],
    "path": ["", "\x00", "dir/"],  # a non-UTF-8 name: test_non_utf8_file_names_work
}


def _kind(p: click.Parameter) -> str | None:
    if isinstance(p, click.Option) and p.is_flag:
        return None
    if isinstance(p.type, click.Choice):
        return None
    name = type(p.type).__name__
    if name in ("IdType", "CountType", "IntParamType", "IntRange"):
        return "int"
    if isinstance(p.type, click.Path):
        return "path"
    return "str"


def _sane(p: click.Parameter, path: tuple[str, ...], tmp_path) -> str:
    kind = _kind(p)
    if isinstance(p.type, click.Choice):
        return "folder" if p.name == "kind" else p.type.choices[0]
    if kind == "int":
        return "1"
    if kind == "path":
        return str(tmp_path / "out.txt")
    if p.name in ("day", "since", "until"):
        return "2026-01-01"
    if p.name == "name":
        return "fresh" if path == ("targets", "add") else "blog"
    return {"url": "http://127.0.0.1:9/feed", "month": "2026-01"}.get(p.name or "", "x")


def _leaves(group: click.Group, path: tuple[str, ...] = ()):
    for name, cmd in sorted(group.commands.items()):
        if isinstance(cmd, click.Group):
            yield from _leaves(cmd, (*path, name))
        else:
            yield (*path, name), cmd


def test_fuzz_no_argument_value_makes_an_unexpected_error(
    cli, tmp_path, memory_keyring, monkeypatch
):
    """Every argument of every command, one odd value at a time, the others sane."""
    from pkm.cli import cli as root

    monkeypatch.chdir(tmp_path)  # relative paths land here
    cli("journal", "add", "--title", "One", "first note")
    cli("targets", "add", "blog", "--kind", "folder", "--url", str(tmp_path / "site"))
    assert set(KINDS) >= {"folder"}
    bad = []
    for path, cmd in _leaves(root):
        params = [p for p in cmd.params if p.name != "help"]
        for target in params:
            kind = _kind(target)
            if kind is None:
                continue
            for value in FUZZ[kind]:
                args = list(path)
                for p in params:
                    if p is target:
                        args += [value] if isinstance(p, click.Argument) else [p.opts[0], value]
                    elif p.required:
                        sane = _sane(p, path, tmp_path)
                        args += [sane] if isinstance(p, click.Argument) else [p.opts[0], sane]
                r = cli(*args, stdin="")
                if r.code not in (0, 1) or "unexpected error" in r.err or "Traceback" in r.err:
                    bad.append((args[:4], value[:20], r.code, r.err[-200:]))
    assert bad == []
