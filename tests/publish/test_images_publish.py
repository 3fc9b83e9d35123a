"""Publishing a post with images: each target's media API, limits, idempotency, no leaks.

Mastodon and Micropub against their protocol doubles (tests/publish/doubles.py), email
against a real SMTP server (aiosmtpd), folders on disk, the webhooks that take no
images. WordPress, Ghost and Matrix run against the real servers in test_images_servers.py.
"""

from __future__ import annotations

import email
import email.policy

import pytest

from pkm.core.errors import PkmError
from pkm.core.publish import PublishError
from tests.publish.pictures import entry_with_image, png, store

MASTODON_TOKEN = "mastodon-token-123"
MICROPUB_TOKEN = "micropub-token-456"


@pytest.fixture
def social(pub, mastodon):
    pub.add_target("social", "mastodon", url=mastodon.url, secret=MASTODON_TOKEN)
    return mastodon


@pytest.fixture
def site(pub, micropub):
    pub.add_target("site", "micropub", url=micropub.url, secret=MICROPUB_TOKEN)
    return micropub


def _image_bytes(ws, stored) -> bytes:
    return (ws.home / stored.ref).read_bytes()


# ---- Mastodon -------------------------------------------------------------------------


def test_mastodon_attaches_the_image_with_its_alt_text(ws, pub, social):
    entry, stored = entry_with_image(ws)
    result = pub.publish(entry.id, "social")
    [upload] = [r for r in social.requests if r.path == "/api/v2/media"]
    parts = upload.parts()
    assert parts["file"][2] == _image_bytes(ws, stored) and parts["file"][1] == "image/png"
    assert parts["description"][2] == b"Board offsite"
    status = social.statuses[result.remote_id]
    [attached] = status["media_attachments"]
    assert attached["description"] == "Board offsite"
    assert "[image" not in status["text"] and "media/" not in status["text"]
    assert "We met by the lake." in status["text"]


def test_mastodon_waits_for_processing_then_posts(ws, pub, social):
    social.processing_polls = 2  # 202, then 206 twice, then the URL
    entry, _ = entry_with_image(ws)
    result = pub.publish(entry.id, "social")
    assert len(social.statuses[result.remote_id]["media_attachments"]) == 1
    polls = [r for r in social.requests if r.path.startswith("/api/v1/media/")]
    assert len(polls) == 3


def test_mastodon_edit_keeps_the_attachment_and_uploads_nothing_again(ws, pub, social):
    entry, _ = entry_with_image(ws)
    first = pub.publish(entry.id, "social")
    ws.journal.save(entry.id, body=entry.body.replace("Trust came first.", "Trust, then speed."))
    again = pub.publish(entry.id, "social")
    assert again.action == "updated" and again.remote_id == first.remote_id
    assert len([r for r in social.requests if r.path == "/api/v2/media"]) == 1
    put = social.writes("PUT")[-1].json()
    assert put["media_ids"] == [
        m["id"] for m in social.statuses[first.remote_id]["media_attachments"]
    ]
    assert "Trust, then speed." in social.statuses[first.remote_id]["text"]


def test_a_changed_alt_text_reaches_the_attachment_on_edit(ws, pub, social):
    entry, _ = entry_with_image(ws)
    first = pub.publish(entry.id, "social")
    ws.journal.save(entry.id, body=entry.body.replace("[Board offsite]", "[The board by the lake]"))
    pub.publish(entry.id, "social")
    [attached] = social.statuses[first.remote_id]["media_attachments"]
    assert attached["description"] == "The board by the lake"
    assert len([r for r in social.requests if r.path == "/api/v2/media"]) == 1


def test_another_post_with_the_same_photo_gets_its_own_attachment(ws, pub, social):
    one, _stored = entry_with_image(ws, title="One")
    two = ws.journal.create(kind="note", title="Two", body=one.body)
    pub.publish(one.id, "social")
    pub.publish(two.id, "social")  # Mastodon refuses an attachment of another status
    assert len([r for r in social.requests if r.path == "/api/v2/media"]) == 2


def test_mastodon_takes_at_most_four_images(ws, pub, social):
    refs = [store(ws, png(10 + i, 10)).ref for i in range(5)]
    body = "\n\n".join(f"![photo {i}]({ref})" for i, ref in enumerate(refs))
    entry = ws.journal.create(kind="note", title="Five", body=body)
    with pytest.raises(PublishError, match="has 5 images and Mastodon shows at most 4"):
        pub.publish(entry.id, "social")
    assert not social.writes("POST")  # refused before anything was sent


def test_mastodon_size_limit_is_the_servers(ws, pub, social):
    social.image_size_limit = 500
    entry, _ = entry_with_image(ws, data=png(400, 400))  # about 1 KB: over this server's 500
    with pytest.raises(PublishError) as seen:
        pub.preview(entry.id, "social")  # the preview says it, before anything is sent
    with pytest.raises(PublishError) as info:
        pub.publish(entry.id, "social")
    line = str(info.value)
    assert str(seen.value) == line
    assert line.startswith("The image 'Board offsite' (media/") and "over the 500 bytes" in line
    assert "Mastodon takes for an image" in line and "\n" not in line
    assert not [r for r in social.requests if r.path == "/api/v2/media"]


def test_dry_run_shows_the_upload_and_sends_nothing(ws, pub, social):
    entry, _stored = entry_with_image(ws)
    result = pub.preview(entry.id, "social")
    methods = [(r.method, r.url.rsplit("/api", 1)[-1]) for r in result.requests]
    assert methods == [("POST", "/v2/media"), ("POST", "/v1/statuses")]
    assert "The image will be uploaded to Mastodon first." in result.message
    assert not social.writes("POST")


# ---- Micropub ---------------------------------------------------------------------------


def test_micropub_uploads_to_the_media_endpoint_and_shows_it_in_content(ws, pub, site):
    entry, stored = entry_with_image(ws)
    result = pub.publish(entry.id, "site")
    [(url, (_name, ctype, data))] = site.files.items()
    assert data == _image_bytes(ws, stored) and ctype == "image/png"
    html = site.posts[result.remote_id]["content"][0]["html"]
    assert f'src="{url}"' in html and 'alt="Board offsite"' in html and "media/" not in html
    pub.publish(entry.id, "site")  # an update: the same file, not uploaded again
    assert len(site.files) == 1


def test_micropub_without_a_media_endpoint_says_so_and_sends_words(ws, pub, site):
    site.has_media_endpoint = False
    entry, _ = entry_with_image(ws)
    preview = pub.preview(entry.id, "site")
    assert "Images are not sent to Micropub" in preview.message
    result = pub.publish(entry.id, "site")
    html = site.posts[result.remote_id]["content"][0]["html"]
    assert "[image: Board offsite]" in html and "<img" not in html and "media/" not in html


# ---- email, folder, webhooks ------------------------------------------------------------


def test_email_sends_the_image_inline(ws, pub, smtp_plain):
    pub.add_target("mail", "email", url=f"smtp://127.0.0.1:{smtp_plain.port}",
                   options={"to": "me@example.com", "from": "me@example.com"})  # fmt: skip
    entry, stored = entry_with_image(ws)
    pub.publish(entry.id, "mail")
    [raw] = smtp_plain.messages
    msg = (
        email.message_from_bytes(raw, policy=email.policy.default)
        if isinstance(raw, bytes)
        else raw
    )
    related = next(p for p in msg.walk() if p.get_content_type() == "multipart/related")
    image = next(p for p in related.iter_parts() if p.get_content_type() == "image/png")
    assert image.get_content() == _image_bytes(ws, stored)
    html = msg.get_body(("html",)).get_content()
    assert f'src="cid:{image["Content-ID"].strip("<>")}"' in html and "media/" not in html


def test_folder_target_copies_the_image_beside_the_post(ws, pub, tmp_path):
    folder = tmp_path / "site"
    pub.add_target("files", "folder", url=str(folder), options={"formats": "md,html"})
    entry, stored = entry_with_image(ws)
    result = pub.publish(entry.id, "files")
    assert (folder / stored.ref).read_bytes() == _image_bytes(ws, stored)
    md = (folder / f"{result.remote_id}.md").read_text()
    html = (folder / f"{result.remote_id}.html").read_text()
    assert f"]({stored.ref})" in md and f'src="{stored.ref}"' in html  # relative: work there


def test_folder_target_copies_attachments_and_keeps_their_links(ws, pub, tmp_path):
    folder = tmp_path / "site"
    pub.add_target("files", "folder", url=str(folder), options={"formats": "md,html"})
    pdf = store(ws, b"%PDF-1.4 the agenda", "agenda.pdf")
    entry = ws.journal.create(kind="note", title="Agenda", body=f"See [the agenda]({pdf.ref}).")
    result = pub.publish(entry.id, "files")
    assert (folder / pdf.ref).read_bytes() == b"%PDF-1.4 the agenda"
    html = (folder / f"{result.remote_id}.html").read_text()
    assert f'href="{pdf.ref}"' in html  # the file is beside it, so the link works there


def test_web_targets_get_an_attachment_as_its_words(ws, pub, site):
    pdf = store(ws, b"%PDF-1.4 the agenda", "agenda.pdf")
    entry = ws.journal.create(kind="note", title="Agenda", body=f"See [the agenda]({pdf.ref}).")
    result = pub.publish(entry.id, "site")
    html = site.posts[result.remote_id]["content"][0]["html"]
    assert "See the agenda." in html and "media/" not in html


@pytest.mark.parametrize("kind", ["slack", "teams", "mattermost"])
def test_webhooks_get_words_instead_of_images_and_the_preview_says_so(ws, pub, webhooks, kind):
    hook = {"slack": webhooks.SLACK, "teams": webhooks.TEAMS, "mattermost": webhooks.MATTERMOST}
    pub.add_target("chan", kind, secret=webhooks.url + hook[kind])
    entry, _ = entry_with_image(ws)
    preview = pub.preview(entry.id, "chan")
    assert "Images are not sent to " in preview.message
    assert "the text says [image: Board offsite] in its place." in preview.message
    pub.publish(entry.id, "chan")
    sent = webhooks.writes("POST")[-1].body.decode()
    assert "[image: Board offsite]" in sent and "media/" not in sent


# ---- what is never sent ---------------------------------------------------------------------


def test_a_path_in_the_text_is_never_read_or_sent(ws, pub, social, site, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(png(5, 5) + b"TOP-SECRET")
    (ws.home / "notes.png").write_bytes(png(6, 6) + b"TOP-SECRET")
    body = (f"![a](/etc/passwd) ![b]({secret}) ![c](../secret.png) ![d](media/../notes.png) "
            f"![e](file://{secret}) and [a file](/etc/hosts)")  # fmt: skip
    entry = ws.journal.create(kind="note", title="Paths", body=body)
    pub.publish(entry.id, "social")
    pub.publish(entry.id, "site")
    sent = b"".join(r.body for r in social.requests + site.requests)
    assert b"TOP-SECRET" not in sent and b"root:" not in sent
    for path in (
        b"/etc/passwd",
        str(secret).encode(),
        b"../secret.png",
        b"notes.png",
        b"/etc/hosts",
    ):
        assert path not in sent
    assert not site.files and not [r for r in social.requests if r.path == "/api/v2/media"]
    html = next(iter(site.posts.values()))["content"][0]["html"]
    assert "[image: a]" in html and "[image: e]" in html and "a file" in html


def test_an_image_gone_from_the_data_folder_fails_that_target_only(ws, pub, social, site):
    entry, stored = entry_with_image(ws)
    (ws.home / stored.ref).unlink()
    outcomes = {o.target: o for o in pub.publish_many(entry.id, ["social", "site"])}
    for name in ("social", "site"):
        assert isinstance(outcomes[name].error, PkmError)
        assert "is not in the data folder any more" in str(outcomes[name].error)
    assert not social.statuses and not site.posts


def test_one_bad_image_target_never_stops_the_others(ws, pub, social, tmp_path):
    pub.add_target("files", "folder", url=str(tmp_path / "out"))
    refs = [store(ws, png(10 + i, 10)).ref for i in range(5)]
    entry = ws.journal.create(kind="note", title="Five",
                              body="\n\n".join(f"![p{i}]({r})" for i, r in enumerate(refs)))  # fmt: skip
    outcomes = {o.target: o for o in pub.publish_many(entry.id, ["social", "files"])}
    assert outcomes["social"].error is not None and outcomes["files"].result is not None
    assert len(list((tmp_path / "out" / "media").iterdir())) == 5


# ---- the command line ------------------------------------------------------------------------


def test_cli_dry_run_shows_the_upload_and_the_sentence(ws, cli, social):
    entry, stored = entry_with_image(ws)
    r = cli("publish", str(entry.id), "--to", "social", "--dry-run")
    assert r.code == 0
    assert "/api/v2/media" in r.out and f"bytes of {stored.ref}" in r.out
    assert "The image will be uploaded to Mastodon first." in r.err
    assert not social.writes("POST")


def test_cli_an_image_over_the_limit_is_one_line_and_exit_1(ws, cli, social):
    social.image_size_limit = 500
    entry, _ = entry_with_image(ws, data=png(400, 400))
    r = cli("publish", str(entry.id), "--to", "social")
    assert r.code == 1 and "Traceback" not in r.err and "unexpected" not in r.err
    line = r.err.strip().splitlines()[-1]  # after the progress lines, the one error line
    assert line.startswith("pkm: The image 'Board offsite' (media/")
    assert "over the 500 bytes Mastodon takes for an image" in line
    assert not social.statuses


def test_an_upload_without_an_answer_says_nothing_was_posted(ws, pub, social):
    social.fail_next(mode="drop-after", method="POST")  # the upload arrives; no answer comes
    entry, _ = entry_with_image(ws)
    with pytest.raises(PublishError) as info:
        pub.publish(entry.id, "social")
    assert "did not answer while taking the image 'Board offsite'" in str(info.value)
    assert "nothing was posted" in str(info.value) and not info.value.uncertain
    assert not social.statuses
    result = pub.publish(entry.id, "social")  # publishing again simply works
    assert len(social.statuses[result.remote_id]["media_attachments"]) == 1
