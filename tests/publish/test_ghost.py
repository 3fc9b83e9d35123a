"""Ghost's Admin API against a real Ghost 6 on 127.0.0.1 (.ci/ghost-setup; see ghost_server.py).

Skipped with a reason when Ghost is not installed. Every test uses its own
unique titles, so the tests do not disturb each other on the shared server.
"""

from __future__ import annotations

import re
import uuid

import jwt
import pytest

from pkm.core.errors import BadInput
from pkm.core.publish import PublishError, RemoteGone, TargetAuthError, UncertainOutcome
from pkm.core.publish.ghost import admin_token, check_key, slug_for
from tests.cli_helpers import one_line_error
from tests.publish.conftest import stored_bytes
from tests.publish.ghost_server import GhostServer

KEY_ID, KEY_SECRET = "6650f1e2a3b4c5d6e7f80912", "ab" * 32


@pytest.fixture
def pub(ws):
    """Ghost's first post loads its HTML converter (a few seconds on a busy machine)."""
    p = ws.publishing
    p.timeout = 30.0
    return p


@pytest.fixture
def blog(pub, ghost) -> GhostServer:
    pub.add_target("ghost", "ghost", url=ghost.url, secret=ghost.key)
    return ghost


def tag_names(post: dict) -> set[str]:
    return {t["name"] for t in post["tags"]}


# ---- without a server ----------------------------------------------------------------------


def test_the_token_is_what_ghost_documents():
    token = admin_token(f"{KEY_ID}:{KEY_SECRET}", now=1_700_000_000)
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT", "kid": KEY_ID}
    claims = jwt.decode(token, bytes.fromhex(KEY_SECRET), algorithms=["HS256"], audience="/admin/",
                        options={"verify_exp": False})  # fmt: skip
    assert claims == {"iat": 1_700_000_000, "exp": 1_700_000_300, "aud": "/admin/"}
    with pytest.raises(jwt.InvalidSignatureError):  # signed with the decoded secret, not its text
        jwt.decode(token, KEY_SECRET.encode(), algorithms=["HS256"], audience="/admin/",
                   options={"verify_exp": False})  # fmt: skip


def test_keys_are_checked_and_tidied():
    assert check_key(f" {KEY_ID.upper()}:\n{KEY_SECRET} ") == f"{KEY_ID}:{KEY_SECRET}"
    with pytest.raises(BadInput, match="Content API key, which can only read"):
        check_key("22444f78447824223cefc48062")
    with pytest.raises(BadInput, match="does not look like a Ghost Admin API key"):
        check_key("hunter2")


def test_slugs_are_readable_and_unique_to_the_attempt():
    key = uuid.uuid4().hex
    assert (
        slug_for("Working out loud: what I learnt", key)
        == f"working-out-loud-what-i-learnt-{key[:8]}"
    )
    assert slug_for("Über Strategie", "ABCDEF1234") == "uber-strategie-abcdef12"
    assert slug_for("«»", "abcdef1234") == "post-abcdef12"


def test_admin_addresses_are_cut_back_to_the_site(pub):
    key = f"{KEY_ID}:{KEY_SECRET}"
    t = pub.add_target("g", "ghost", url="http://127.0.0.1:9/blog/ghost/#/dashboard", secret=key)
    assert t.url == "http://127.0.0.1:9/blog"
    with pytest.raises(BadInput, match="only over https"):
        pub.add_target("h", "ghost", url="http://blog.example.com", secret=key)


def test_a_content_api_key_is_refused_when_the_target_is_added(cli):
    r = cli("targets", "add", "blog", "--kind", "ghost", "--url", "https://blog.example.com",
            "--secret-stdin", stdin="22444f78447824223cefc48062\n")  # fmt: skip
    line = one_line_error(r)
    assert "Content API key" in line and "Admin API key" in line
    assert cli("targets", "list", "--json").json() == []


def test_dry_run_shows_the_request_without_the_key(ws, pub, entry):
    pub.add_target("g", "ghost", url="http://127.0.0.1:9", secret=f"{KEY_ID}:{KEY_SECRET}")
    result = pub.preview(entry.id, "g", draft=True)
    (req,) = result.requests
    assert (
        req.method == "POST" and req.url == "http://127.0.0.1:9/ghost/api/admin/posts/?source=html"
    )
    assert req.headers["Authorization"] == "Ghost ***"
    assert '"status": "draft"' in req.body and '"slug": "working-out-loud-' in req.body
    assert KEY_SECRET not in req.show() and KEY_SECRET.encode() not in stored_bytes(ws.home)


# ---- the real Ghost ---------------------------------------------------------------------------


@pytest.mark.integration
def test_create_then_update_with_tags(ws, pub, blog, entry):
    assert re.fullmatch(
        rf"Signed in to Ghost 6[.\d]* at {re.escape(blog.url)} \('pkm test blog'\) with the "
        r"Admin API key; the site has \d+ posts?\.",
        pub.test_target("ghost"),
    )
    first = pub.publish(entry.id, "ghost")
    assert first.action == "created" and first.status == "published"
    post = blog.post(first.remote_id)
    assert first.url == post["url"] and first.url.startswith(blog.url + "/working-out-loud-")
    assert post["title"] == entry.title and post["status"] == "published"
    assert tag_names(post) == {"reflection", "leadership"}

    ws.journal.save(
        entry.id, body="The edited reflection, with a **new** thought.", tags=["strategy"]
    )
    again = pub.publish(entry.id, "ghost")
    assert again.action == "updated" and again.remote_id == first.remote_id
    post = blog.post(first.remote_id)
    assert "The edited reflection, with a <strong>new</strong> thought." in post["html"]
    assert tag_names(post) == {"strategy"}
    assert post["url"] == first.url  # the address people were given stays the same
    assert len(blog.posts_titled(entry.title)) == 1
    assert blog.key.encode() not in stored_bytes(ws.home)


@pytest.mark.integration
def test_draft_then_publish(pub, blog, entry):
    draft = pub.publish(entry.id, "ghost", draft=True)
    assert draft.status == "draft" and blog.post(draft.remote_id)["status"] == "draft"
    live = pub.publish(entry.id, "ghost")
    assert live.action == "updated" and live.remote_id == draft.remote_id
    assert live.status == "published" and blog.post(live.remote_id)["status"] == "published"


HTML_BODY = """## What we decided

Cost **matters**, *speed* more: `cost < 4 else "buy & <wait>"`.

> The best way to predict the future is to invent it.

1. say what you are learning
2. ask for help early

- [the book](https://example.com/wol)

```python
if cost < 4 and risk > 2:
    print("buy & <wait>")
```

| Option | Cost |
| --- | --- |
| build | < 4 |
"""


@pytest.mark.integration
def test_html_is_rendered_right_on_the_site(ws, pub, blog, make_entry):
    e = make_entry(body=HTML_BODY, tags=())
    result = pub.publish(e.id, "ghost")
    post = blog.post(result.remote_id)
    page = post["html"]
    assert re.search(r"<h2[^>]*>What we decided</h2>", page)
    assert "<strong>matters</strong>" in page and "<em>speed</em>" in page
    assert '<code>cost &lt; 4 else "buy &amp; &lt;wait&gt;"</code>' in page
    assert re.search(r"<blockquote[^>]*>.*invent it\..*</blockquote>", page, re.S)
    assert re.search(r"<ol>\s*<li>say what you are learning</li>", page)
    assert re.search(r'<a href="https://example.com/wol"[^>]*>the book</a>', page)
    code = re.search(r"<pre><code[^>]*>(.*?)</code></pre>", page, re.S)
    assert code and "if cost &lt; 4 and risk &gt; 2:" in code.group(1)
    assert 'print("buy &amp; &lt;wait&gt;")' in code.group(1).replace("&quot;", '"')
    table = re.search(r"<table>.*</table>", page, re.S)  # kept whole, as an HTML card
    assert table and re.search(r"<td>build</td>\s*<td>&lt; 4</td>", table.group(0))
    assert post["tags"] == []


@pytest.mark.integration
def test_an_edit_made_in_ghost_is_never_overwritten(ws, pub, blog, entry):
    first = pub.publish(entry.id, "ghost")
    edited = blog.edit_later(blog.post(first.remote_id), "<p>Fixed a typo in Ghost.</p>")
    assert edited.status_code == 200, edited.text
    ws.journal.save(entry.id, body="My second thoughts, written in pkm.")
    with pytest.raises(PublishError, match=r"^The post was changed in Ghost after pkm last published it, so pkm "
                       r"did not overwrite it \(409, Ghost at .*\)\..*publishing again replaces Ghost's version\.$") as err:  # fmt: skip
        pub.publish(entry.id, "ghost")
    assert err.value.status == 409
    assert "Fixed a typo in Ghost." in blog.post(first.remote_id)["html"]
    again = pub.publish(entry.id, "ghost")  # the deliberate second try replaces Ghost's text
    assert again.action == "updated"
    assert "My second thoughts, written in pkm." in blog.post(first.remote_id)["html"]


@pytest.mark.integration
def test_answer_lost_after_the_post_was_created(ws, pub, ghost, proxy_factory, entry):
    """The real Ghost creates the post; the connection drops before the answer arrives.

    The title is changed before the retry: the check must not depend on it."""
    proxy = proxy_factory(ghost.url)
    pub.add_target("ghost", "ghost", url=proxy.url, secret=ghost.key)
    proxy.fail_next(mode="drop-after")
    with pytest.raises(UncertainOutcome, match="checks first instead of posting twice"):
        pub.publish(entry.id, "ghost")
    (made,) = ghost.posts_titled(entry.title)  # Ghost did create it
    new_title = entry.title + " (retitled)"
    ws.journal.save(entry.id, title=new_title)
    result = pub.publish(entry.id, "ghost")
    assert result.action == "created" and result.remote_id == made["id"]
    assert ghost.posts_titled(entry.title) == []  # brought up to date, not posted again
    (post,) = ghost.posts_titled(new_title)
    assert post["id"] == made["id"]
    searches = [q for r in proxy.requests if r.method == "GET" for q in r.query.get("filter", [])]
    assert [q for q in searches if q.startswith("slug:~$'-") and q.endswith("'")]
    assert post["slug"].startswith("working-out-loud-")


@pytest.mark.integration
def test_a_lost_attempt_that_never_arrived_is_sent_again(pub, ghost, proxy_factory, entry):
    proxy = proxy_factory(ghost.url)
    pub.add_target("ghost", "ghost", url=proxy.url, secret=ghost.key)
    proxy.fail_next(mode="drop-before")
    with pytest.raises(UncertainOutcome):
        pub.publish(entry.id, "ghost")
    assert ghost.posts_titled(entry.title) == []
    result = pub.publish(entry.id, "ghost")
    assert result.action == "created"
    assert [p["id"] for p in ghost.posts_titled(entry.title)] == [result.remote_id]


@pytest.mark.integration
def test_a_post_deleted_in_ghost(pub, blog, entry):
    first = pub.publish(entry.id, "ghost")
    assert blog.admin("DELETE", f"posts/{first.remote_id}/").status_code == 204
    with pytest.raises(RemoteGone, match=r"was deleted on Ghost at .*--as-new"):
        pub.publish(entry.id, "ghost")
    again = pub.publish(entry.id, "ghost", as_new=True)
    assert again.action == "created" and again.remote_id != first.remote_id


@pytest.mark.integration
def test_a_wrong_secret_and_an_unknown_key_are_one_clear_line(cli, pub, ghost):
    kid = ghost.key.split(":")[0]
    for name, key in (("wrong", f"{kid}:{'cd' * 32}"), ("unknown", f"{KEY_ID}:{KEY_SECRET}")):
        r = cli("targets", "add", name, "--kind", "ghost", "--url", ghost.url, "--secret-stdin",
                stdin=key)  # fmt: skip
        assert r.code == 0, r.err
        line = one_line_error(cli("targets", "test", name))
        assert f"Ghost at {ghost.url} refused the Admin API key (401" in line
        assert "Settings → Integrations" in line and f"pkm targets add {name} --kind ghost" in line
        assert key.split(":")[1] not in line
    with pytest.raises(TargetAuthError):
        pub.test_target("wrong")
    r = cli("targets", "add", "wrong", "--kind", "ghost", "--url", ghost.url + "/ghost/",
            "--secret-stdin", "--replace", stdin=ghost.key + "\n")  # fmt: skip
    assert r.code == 0 and r.out.strip() == f"Saved the ghost target 'wrong' ({ghost.url})."
    assert cli("targets", "test", "wrong").out.startswith("Signed in to Ghost 6")


def test_an_address_that_is_not_ghost_is_one_clear_line(cli, webhooks):
    cli("targets", "add", "blog", "--kind", "ghost", "--url", webhooks.url, "--secret-stdin",
        stdin=f"{KEY_ID}:{KEY_SECRET}")  # fmt: skip
    line = one_line_error(cli("targets", "test", "blog"))
    assert line.startswith(f"pkm: Ghost at {webhooks.url} does not look like a Ghost site")
    assert "--url https://blog.example.com" in line


def test_ghost_down_is_one_clear_line(cli, entry):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cli("targets", "add", "blog", "--kind", "ghost", "--url", f"http://127.0.0.1:{port}",
        "--secret-stdin", stdin=f"{KEY_ID}:{KEY_SECRET}")  # fmt: skip
    line = one_line_error(cli("targets", "test", "blog"))
    assert f"Cannot reach Ghost at http://127.0.0.1:{port}: the connection was refused" in line
    r = cli("publish", str(entry.id), "--to", "blog")
    assert r.code == 1 and "Cannot reach Ghost" in r.err and "Traceback" not in r.err
