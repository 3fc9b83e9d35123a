"""A post's images on the real servers: WordPress (REST and XML-RPC), Ghost 6 and Synapse.

Each test reads back from the server what it holds: the uploaded file's bytes, the
post's <img> pointing at it, and that publishing again uploads nothing new. Skipped
with a reason when a server is not installed (as the other tests of each target).
"""

from __future__ import annotations

import base64
import uuid
from urllib.parse import quote, urlsplit

import httpx
import pytest

from pkm.core.publish import PublishError
from tests.publish.pictures import entry_with_image, png

pytestmark = pytest.mark.integration


def _alt() -> str:
    return f"Offsite {uuid.uuid4().hex[:8]}"  # unique, so a search finds this test's upload


# ---- WordPress ----------------------------------------------------------------------------


def _wp_auth(env: dict[str, str]) -> dict[str, str]:
    token = base64.b64encode(f"{env['PKM_WP_USER']}:{env['PKM_WP_APP_PASSWORD']}".encode())
    return {"Authorization": "Basic " + token.decode()}


def _wp_media(env: dict[str, str], alt: str) -> list[dict]:
    r = httpx.get(f"{env['PKM_WP_URL']}/wp-json/wp/v2/media", headers=_wp_auth(env),
                  params={"search": alt.lower().replace(" ", "-"), "context": "edit"}, timeout=30)  # fmt: skip
    r.raise_for_status()
    return r.json()


def _wp_post(env: dict[str, str], post_id: str) -> dict:
    r = httpx.get(f"{env['PKM_WP_URL']}/wp-json/wp/v2/posts/{post_id}", headers=_wp_auth(env),
                  params={"context": "edit"}, timeout=30)  # fmt: skip
    r.raise_for_status()
    return r.json()


def test_wordpress_uploads_to_the_media_library_once(ws, pub, wordpress):
    pub.add_target("blog", "wordpress", url=wordpress["PKM_WP_URL"],
                   user=wordpress["PKM_WP_USER"], secret=wordpress["PKM_WP_APP_PASSWORD"])  # fmt: skip
    alt = _alt()
    entry, stored = entry_with_image(ws, alt=alt, data=png(64, 48, (10, 120, 60)))
    result = pub.publish(entry.id, "blog")
    [media] = _wp_media(wordpress, alt)
    assert media["alt_text"] == alt and media["mime_type"] == "image/png"
    assert httpx.get(media["source_url"], timeout=30).content == (ws.home / stored.ref).read_bytes()
    content = _wp_post(wordpress, result.remote_id)["content"]["raw"]
    assert f'src="{media["source_url"]}"' in content and "media/" not in content

    ws.journal.save(entry.id, body=entry.body + "\nOne more thought.")
    again = pub.publish(entry.id, "blog")
    assert again.action == "updated"
    assert len(_wp_media(wordpress, alt)) == 1  # the edit uploaded nothing again
    assert "One more thought." in _wp_post(wordpress, result.remote_id)["content"]["raw"]


def test_metaweblog_uploads_with_new_media_object(ws, pub, wordpress):
    pub.add_target("xmlrpc", "metaweblog", url=wordpress["PKM_WP_URL"],
                   user=wordpress["PKM_WP_USER"], secret=wordpress["PKM_WP_LOGIN_PASSWORD"])  # fmt: skip
    alt = _alt()
    entry, stored = entry_with_image(ws, alt=alt)
    result = pub.publish(entry.id, "xmlrpc")
    [media] = _wp_media(wordpress, alt)
    assert httpx.get(media["source_url"], timeout=30).content == (ws.home / stored.ref).read_bytes()
    content = _wp_post(wordpress, result.remote_id)["content"]["raw"]
    assert f'src="{media["source_url"]}"' in content


# ---- Ghost --------------------------------------------------------------------------------


@pytest.fixture
def ghost_pub(ws):
    p = ws.publishing
    p.timeout = 30.0  # Ghost's first post loads its HTML converter
    return p


def test_ghost_uploads_the_image_and_the_post_shows_it(ws, ghost_pub, ghost):
    ghost_pub.add_target("ghost", "ghost", url=ghost.url, secret=ghost.key)
    entry, stored = entry_with_image(ws, alt=_alt(), data=png(80, 60, (200, 150, 0)))
    result = ghost_pub.publish(entry.id, "ghost")
    html = ghost.post(result.remote_id)["html"]
    [url] = [u for u in _srcs(html)]
    assert urlsplit(url).path.startswith("/content/images/")
    assert httpx.get(url, timeout=30).content == (ws.home / stored.ref).read_bytes()
    cached = ghost_pub.targets.get("ghost").cache[f"media:{stored.ref[6:70]}"]
    assert cached["url"] == url

    ws.journal.save(entry.id, body=entry.body + "\nAnd after.")
    ghost_pub.publish(entry.id, "ghost")
    assert _srcs(ghost.post(result.remote_id)["html"]) == [url]  # the same upload, reused


def _srcs(html: str) -> list[str]:
    import re

    return re.findall(r'<img[^>]*\bsrc="([^"]+)"', html)


# ---- Matrix -------------------------------------------------------------------------------


def test_matrix_uploads_to_the_media_repo_and_shows_mxc_inline(ws, pub, synapse):
    pub.add_target("room", "matrix", url=synapse.url, options={"room": "#leadership:localhost"},
                   secret=synapse.tokens["anna"])  # fmt: skip
    alt = _alt()
    entry, stored = entry_with_image(ws, alt=alt, data=png(1600, 900))
    result = pub.publish(entry.id, "room")
    content = synapse.event("anna", synapse.room, result.remote_id)["content"]
    [src] = _srcs(content["formatted_body"])
    assert src.startswith("mxc://localhost/") and f'alt="{alt}"' in content["formatted_body"]
    assert 'width="800" height="450"' in content["formatted_body"]  # drawn within 800 × 600
    assert f"[image: {alt}]" in content["body"]  # clients without HTML say what was there
    server, media_id = src[len("mxc://") :].split("/")
    r = httpx.get(f"{synapse.url}/_matrix/client/v1/media/download/{server}/{quote(media_id)}",
                  headers={"Authorization": f"Bearer {synapse.tokens['anna']}"}, timeout=30)  # fmt: skip
    assert r.status_code == 200 and r.content == (ws.home / stored.ref).read_bytes()
    assert pub.targets.get("room").cache["upload_size"] > 0  # the server's own limit

    ws.journal.save(entry.id, body=entry.body + "\nEdited.")
    pub.publish(entry.id, "room")
    edited = synapse.event("anna", synapse.room, result.remote_id)
    newest = edited["unsigned"]["m.relations"]["m.replace"]["content"]["m.new_content"]
    assert _srcs(newest["formatted_body"]) == [src]  # the edit reuses the upload


def test_matrix_refuses_an_image_over_the_servers_limit(ws, pub, synapse):
    pub.add_target("room", "matrix", url=synapse.url, options={"room": "#leadership:localhost"},
                   secret=synapse.tokens["anna"])  # fmt: skip
    entry, _ = entry_with_image(ws)
    pub.preview(entry.id, "room")  # reads the media config
    pub.targets.remember(pub.targets.get("room").id, {"upload_size": 10})
    with pytest.raises(PublishError, match=r"over the 10 bytes Matrix takes for an image"):
        pub.publish(entry.id, "room")
