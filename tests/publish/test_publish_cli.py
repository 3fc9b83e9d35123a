"""The command line and the facade: targets, publish, the log, folders, secrets, LinkedIn."""

from __future__ import annotations

import json
import os
import stat

import frontmatter
import pytest

from pkm.core.errors import BadInput, NotFound
from tests.publish.conftest import stored_bytes
from tests.publish.doubles import Webhooks

TOKEN = "mastodon-token-123"


def test_targets_add_list_test_remove(cli, mastodon, memory_keyring):
    r = cli("targets", "add", "social", "--kind", "mastodon", "--url", mastodon.url + "/",
            "--option", "visibility=unlisted", "--secret-stdin", stdin=TOKEN + "\n")  # fmt: skip
    assert r.code == 0, r.err
    assert r.out.strip() == f"Saved the mastodon target 'social' ({mastodon.url})."
    listed = cli("targets", "list", "--json").json()
    assert listed == [{
        "name": "social", "kind": "mastodon", "url": mastodon.url, "user": "",
        "options": {"visibility": "unlisted"}, "created": listed[0]["created"],
        "has_secret": True, "secret": "access token", "can_edit": True, "responses": "read",
    }]  # fmt: skip
    assert "access token: stored" in cli("targets", "list").out
    assert "Signed in to Mastodon" in cli("targets", "test", "social").out
    r = cli("targets", "remove", "social")
    assert r.code == 0 and cli("targets", "list", "--json").json() == []
    assert TOKEN not in memory_keyring.values()
    r = cli("targets", "test", "social")
    assert r.code == 1 and "no publishing target named 'social'" in r.err


def test_publish_json_shape_and_publications(cli, ws, mastodon, entry):
    cli(
        "targets",
        "add",
        "social",
        "--kind",
        "mastodon",
        "--url",
        mastodon.url,
        "--secret-stdin",
        stdin=TOKEN,
    )
    r = cli("publish", str(entry.id), "--to", "social", "--json")
    assert r.code == 0, r.err
    first = r.json()
    assert {k: first[k] for k in ("target", "action", "status")} == {
        "target": "social", "action": "created", "status": "public"}  # fmt: skip
    assert first["remote_id"] in mastodon.statuses and first["url"].startswith(mastodon.url)
    again = cli("publish", str(entry.id), "--to", "social", "--json").json()
    assert again["action"] == "updated" and again["remote_id"] == first["remote_id"]

    pubs = cli("publications", "list", str(entry.id), "--json").json()
    assert len(pubs) == 1
    p = pubs[0]
    assert (
        p["target"] == "social"
        and p["state"] == "published"
        and p["remote_id"] == first["remote_id"]
    )
    assert p["url"] == first["url"] and p["published_at"] and len(p["content_hash"]) == 64
    assert "social" in cli("publications", "list").out
    history = ws.publishing.history(ws.publishing.publications(entry.id)[0])
    assert [h["action"] for h in history] == ["attempt", "created", "updated"]


def test_human_output_and_dry_run(cli, mastodon, entry):
    cli(
        "targets",
        "add",
        "social",
        "--kind",
        "mastodon",
        "--url",
        mastodon.url,
        "--secret-stdin",
        stdin=TOKEN,
    )
    r = cli("publish", str(entry.id), "--to", "social", "--dry-run")
    assert r.code == 0
    assert r.out.startswith("--- social (mastodon): would create; nothing is sent ---\nPOST ")
    assert "Authorization: Bearer ***" in r.out and TOKEN not in r.out
    assert mastodon.writes("POST") == []
    r = cli("publish", str(entry.id), "--to", "social")
    assert r.out.startswith("Created on social: ") and "Posting to Mastodon" in r.err


def test_one_failing_target_does_not_stop_the_others(cli, mastodon, webhooks, entry):
    cli(
        "targets",
        "add",
        "social",
        "--kind",
        "mastodon",
        "--url",
        mastodon.url,
        "--secret-stdin",
        stdin="wrong",
    )
    cli(
        "targets",
        "add",
        "chat",
        "--kind",
        "slack",
        "--secret-stdin",
        stdin=webhooks.url + Webhooks.SLACK,
    )
    r = cli("publish", str(entry.id), "--to", "social", "--to", "chat", "--json")
    assert r.code == 1
    social, chat = r.json()
    assert (
        social["target"] == "social"
        and "401" in social["error"]
        and social["type"] == "TargetAuthError"
    )
    assert chat["action"] == "created" and len(webhooks.messages["slack"]) == 1


def test_single_failure_is_one_line_on_stderr(cli, mastodon, entry):
    cli(
        "targets",
        "add",
        "social",
        "--kind",
        "mastodon",
        "--url",
        mastodon.url,
        "--secret-stdin",
        stdin="wrong",
    )
    r = cli("publish", str(entry.id), "--to", "social")
    assert r.code == 1 and r.out == ""
    assert r.err.strip().splitlines()[-1].startswith("pkm: Mastodon at ")


def test_secrets_never_reach_the_data_folder(cli, ws, mastodon, micropub, webhooks, entry):
    secrets = [TOKEN, "micropub-token-456", Webhooks.SLACK, Webhooks.TEAMS, Webhooks.MATTERMOST]
    cli(
        "targets",
        "add",
        "social",
        "--kind",
        "mastodon",
        "--url",
        mastodon.url,
        "--secret-stdin",
        stdin=TOKEN,
    )
    cli("targets", "add", "site", "--kind", "micropub", "--url", micropub.url, "--secret-stdin",
        stdin="micropub-token-456")  # fmt: skip
    for kind, path in (
        ("slack", Webhooks.SLACK),
        ("teams", Webhooks.TEAMS),
        ("mattermost", Webhooks.MATTERMOST),
    ):
        assert (
            cli(
                "targets", "add", kind, "--kind", kind, "--secret-stdin", stdin=webhooks.url + path
            ).code
            == 0
        )
    names = ["social", "site", "slack", "teams", "mattermost"]
    to = [a for n in names for a in ("--to", n)]
    outputs = [
        cli("publish", str(entry.id), *to, "--json"),
        cli("publish", str(entry.id), *to, "--dry-run"),
    ]
    mastodon.fail_next(401, body={"error": "bad"})
    outputs.append(cli("publish", str(entry.id), "--to", "social", "--json"))
    outputs += [cli("targets", "list", "--json"), cli("publications", "list", "--json")]
    outputs.append(cli("export", str(entry.id), "--format", "md", "-o", "-"))
    data = stored_bytes(ws.home)
    assert (ws.home / "logs" / "pkm.log").exists()
    for secret in secrets:
        assert secret.encode() not in data, secret
        for o in outputs:
            assert secret not in o.out and secret not in o.err, secret


def test_targets_add_validation(ws, pub):
    with pytest.raises(BadInput, match="only over https"):
        pub.add_target("b", "wordpress", url="http://blog.example.com", user="anna", secret="x")
    with pytest.raises(BadInput, match="looks like a secret"):
        pub.add_target("b", "mastodon", url="https://m.example", options=["token=abc"], secret="x")
    with pytest.raises(BadInput, match="no option colour"):
        pub.add_target("b", "mastodon", url="https://m.example", options=["colour=red"], secret="x")
    with pytest.raises(BadInput, match="needs --user"):
        pub.add_target("b", "wordpress", url="https://blog.example.com", secret="x")
    with pytest.raises(BadInput, match="cannot be a target name"):
        pub.add_target("my blog!", "folder", url="/tmp/x")
    with pytest.raises(BadInput, match="needs its access token"):
        pub.add_target("b", "mastodon", url="https://m.example")
    pub.add_target("b", "mastodon", url="https://m.example", secret="x")
    with pytest.raises(BadInput, match="is a mastodon target"):
        pub.add_target("b", "micropub", url="https://m.example", secret="other")
    assert ws.secrets.get("target:b") == "x"  # the refused change stored nothing
    pub.add_target(
        "b", "mastodon", url="https://m.example", options=["visibility=private"]
    )  # keeps the secret
    assert pub.targets.get("b").options == {"visibility": "private"}
    with pytest.raises(NotFound, match="configured: b"):
        pub.publish(1, "nope")


# ---- folder --------------------------------------------------------------------------------


def test_folder_publish_republish_and_formats(ws, pub, make_entry, tmp_path):
    folder = tmp_path / "site" / "content"
    pub.add_target("hugo", "folder", url=f"file://{folder}", options={"formats": "md,html,pdf"})
    pub.pdf_writer = __import__("pkm.cli.publish_cmds", fromlist=["x"]).qt_pdf_writer
    e = make_entry(title="Hello: world")
    first = pub.publish(e.id, "hugo", draft=True)
    stem = f"{e.day}-hello-world"
    assert first.remote_id == stem and first.url == (folder / f"{stem}.md").as_uri()
    doc = frontmatter.load(folder / f"{stem}.md")
    assert doc["title"] == "Hello: world" and doc["draft"] is True and doc["pkm_entry"] == e.id
    assert (folder / f"{stem}.pdf").read_bytes().startswith(b"%PDF")
    assert "<strong>working out loud</strong>" in (folder / f"{stem}.html").read_text()
    # A site's folder is read by its web server: not the private 0600 of pkm's own files.
    umask = os.umask(0o022)
    os.umask(umask)
    for fmt in ("md", "html", "pdf"):
        assert stat.S_IMODE((folder / f"{stem}.{fmt}").stat().st_mode) == 0o666 & ~umask

    ws.journal.save(e.id, title="Renamed", body="New body")
    second = pub.publish(e.id, "hugo")
    assert second.action == "updated" and second.remote_id == stem  # same file: links keep working
    doc = frontmatter.load(folder / f"{stem}.md")
    assert doc["title"] == "Renamed" and "draft" not in doc and doc.content.strip() == "New body"
    assert sorted(p.name for p in folder.iterdir()) == [
        f"{stem}.{x}" for x in ("html", "md", "pdf")
    ]

    twin = make_entry(title="Hello: world")
    assert pub.publish(twin.id, "hugo").remote_id == f"{stem}-2"  # never overwrites another entry


def test_folder_dry_run_writes_nothing(pub, entry, tmp_path):
    pub.add_target("notes", "folder", url=str(tmp_path / "vault"))
    result = pub.publish(entry.id, "notes", dry_run=True)
    assert result.requests[0].method == "WRITE" and result.requests[0].body.startswith("---\n")
    assert not (tmp_path / "vault").exists()


def test_folder_pdf_without_qt_writer_is_explained(pub, entry, tmp_path):
    pub.add_target("notes", "folder", url=str(tmp_path / "v"), options={"formats": "pdf"})
    from pkm.core.publish import PublishError

    with pytest.raises(PublishError, match="remove pdf"):
        pub.publish(entry.id, "notes")


# ---- LinkedIn ------------------------------------------------------------------------------


def test_linkedin_text_and_share_page(cli, pub, micropub, entry):
    share = pub.linkedin(entry.id)
    assert share.text.startswith(entry.title + "\n\n")
    assert "• say what you are learning" in share.text and "#reflection" in share.text
    assert share.url.startswith("https://www.linkedin.com/feed/?shareActive=true&text=")
    pub.add_target("site", "micropub", url=micropub.url, secret="micropub-token-456")
    blog = pub.publish(entry.id, "site")
    data = cli("linkedin", str(entry.id), "--json").json()
    assert data["share_url"].startswith("https://www.linkedin.com/sharing/share-offsite/?url=")
    assert blog.url.replace(":", "%3A").replace("/", "%2F") in data["share_url"]


def test_publications_for_unknown_entry(cli):
    r = cli("publications", "list", "12345", "--json")
    assert r.code == 1 and "no journal entry 12345" in r.err


def test_json_output_is_parseable_for_dry_run(cli, mastodon, entry):
    cli(
        "targets",
        "add",
        "social",
        "--kind",
        "mastodon",
        "--url",
        mastodon.url,
        "--secret-stdin",
        stdin=TOKEN,
    )
    data = json.loads(cli("publish", str(entry.id), "--to", "social", "--dry-run", "--json").out)
    assert data["dry_run"] is True and data["action"] == "created"
    assert data["requests"][0]["headers"]["Authorization"] == "Bearer ***"


def test_publishing_from_a_worker_thread(ws, pub, mastodon, make_entry):
    """The window publishes on a worker pool; the facade must work there."""
    from concurrent.futures import ThreadPoolExecutor

    pub.add_target("social", "mastodon", url=mastodon.url, secret=TOKEN)
    entries = [make_entry() for _ in range(3)]
    seen: list[str] = []
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(
            pool.map(lambda e: pub.publish(e.id, "social", progress=seen.append), entries)
        )
    assert sorted(r.action for r in results) == ["created"] * 3 and len(mastodon.statuses) == 3
    assert "Posting to Mastodon…" in seen
    assert {p.entry_id for p in pub.publications()} == {e.id for e in entries}


def test_a_publish_error_is_printed_once(cli, mastodon, entry):
    cli("targets", "add", "social", "--kind", "mastodon", "--url", mastodon.url,
        "--secret-stdin", stdin="wrong")  # fmt: skip
    r = cli("publish", str(entry.id), "--to", "social")
    assert r.code == 1
    errors = [line for line in r.err.splitlines() if line.startswith("pkm: ")]
    assert len(errors) == 1 and "refused the credentials" in errors[0], r.err
    assert not errors[0].startswith("pkm: social: ")


def test_several_targets_name_the_one_that_failed_once(cli, mastodon, webhooks, entry):
    cli("targets", "add", "social", "--kind", "mastodon", "--url", mastodon.url,
        "--secret-stdin", stdin="wrong")  # fmt: skip
    cli("targets", "add", "chat", "--kind", "slack", "--secret-stdin",
        stdin=webhooks.url + Webhooks.SLACK)  # fmt: skip
    r = cli("publish", str(entry.id), "--to", "social", "--to", "chat")
    assert r.code == 1 and r.out.startswith("Created on chat")
    errors = [line for line in r.err.splitlines() if line.startswith("pkm: ")]
    assert len(errors) == 1 and errors[0].startswith("pkm: social: "), r.err


def test_dry_run_after_an_email_was_sent_says_what_the_real_run_will_do(cli, smtp_plain, entry):
    cli("targets", "add", "mail", "--kind", "email", "--url", f"smtp://127.0.0.1:{smtp_plain.port}",
        "--option", "to=me@example.com", "--option", "from=anna@example.com")  # fmt: skip
    assert cli("publish", str(entry.id), "--to", "mail").code == 0
    real = cli("publish", str(entry.id), "--to", "mail")
    dry = cli("publish", str(entry.id), "--to", "mail", "--dry-run")
    assert real.code == dry.code == 1 and "would create" not in dry.out
    assert dry.err == real.err and "cannot edit a post" in dry.err and "--as-new" in dry.err
    again = cli("publish", str(entry.id), "--to", "mail", "--dry-run", "--as-new")
    assert again.code == 0 and again.out.startswith("--- mail (email): would create;")
    assert len(smtp_plain.messages) == 1  # dry runs sent nothing
