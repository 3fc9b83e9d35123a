"""A real Ghost 6 on 127.0.0.1 for the tests, started once per test session.

`.ci/ghost-setup` installs Node 22 and Ghost (cached under /opt/pkm-ghost), creates
the database with an owner and an integration, and writes /tmp/pkm-ghost.env.
Here each test session starts its own Ghost on a free port, on a copy of that
database, so runs never disturb each other or the prepared copy, and stops it
at the end. Without the env file the tests are skipped with the reason.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from pkm.core.publish.ghost import admin_token
from tests.publish.ports import free_port

GHOST_ENV = Path(os.environ.get("PKM_GHOST_ENV", "/tmp/pkm-ghost.env"))
START_SECONDS = 180  # a cold start on a busy 2-core machine takes ~20 s; be generous


@dataclass
class GhostServer:
    url: str
    key: str
    version: str
    started_in: float  # seconds from `node index.js` to the first answer

    def admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The Admin API as a second client would use it (a person editing in Ghost)."""
        headers = {"Authorization": f"Ghost {admin_token(self.key)}", "Accept-Version": "v5.0"}
        return httpx.request(
            method, f"{self.url}/ghost/api/admin/{path}", headers=headers, timeout=30, **kwargs
        )

    def edit_later(self, post: dict[str, Any], html: str) -> httpx.Response:
        """Edit a post as a person in Ghost would, in a later second than its last save.

        Ghost keeps `updated_at` to the second: an edit in the same second as pkm's own write
        carries the same version, and not even Ghost can tell them apart (a test run is that
        fast; a person is not)."""
        saved = dt.datetime.fromisoformat(post["updated_at"].replace("Z", "+00:00"))
        wait = saved.timestamp() + 1.05 - time.time()
        if wait > 0:
            time.sleep(wait)
        return self.admin("PUT", f"posts/{post['id']}/", params={"source": "html"},
                          json={"posts": [{"html": html, "updated_at": post["updated_at"]}]})  # fmt: skip

    def post(self, post_id: str) -> dict[str, Any]:
        r = self.admin("GET", f"posts/{post_id}/", params={"formats": "html,lexical"})
        r.raise_for_status()
        return r.json()["posts"][0]

    def posts_titled(self, title: str) -> list[dict[str, Any]]:
        escaped = title.replace("'", "\\'")
        r = self.admin("GET", "posts/", params={"filter": f"title:'{escaped}'", "limit": "all"})
        r.raise_for_status()
        return r.json()["posts"]


def _env() -> dict[str, str]:
    out = {}
    for line in GHOST_ENV.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def start_ghost(workdir: Path) -> Iterator[GhostServer]:
    if not GHOST_ENV.exists():
        pytest.skip(
            f"no Ghost test server: {GHOST_ENV} is missing (run .ci/ghost-setup to install "
            "Node 22 and Ghost 6 from npm under /opt/pkm-ghost)"
        )
    env = _env()
    node, ghost_dir = env["PKM_GHOST_NODE"], Path(env["PKM_GHOST_DIR"])
    if not (Path(node).exists() and (ghost_dir / "index.js").exists()):
        pytest.skip(f"Ghost is not installed where {GHOST_ENV} says ({ghost_dir})")
    db = workdir / "ghost.db"
    shutil.copyfile(env["PKM_GHOST_DB"], db)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = workdir / "ghost.log"
    overrides = {  # Ghost's config from the environment (nconf: __ separates levels)
        "NODE_ENV": "development",
        "url": url,
        "server__host": "127.0.0.1",
        "server__port": str(port),
        "database__connection__filename": str(db),
    }
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [node, "index.js"],
            cwd=ghost_dir,
            env={**os.environ, **overrides},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    start = time.monotonic()
    try:
        while True:
            try:
                r = httpx.get(f"{url}/ghost/api/admin/site/", timeout=5)
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() - start > START_SECONDS:
                tail = log_path.read_text(errors="replace")[-3000:]
                pytest.fail(f"Ghost did not start (exit {proc.returncode}):\n{tail}")
            time.sleep(0.25)
        server = GhostServer(url, env["PKM_GHOST_ADMIN_KEY"], env.get("PKM_GHOST_VERSION", ""),
                             time.monotonic() - start)  # fmt: skip
        print(f"\nGhost {server.version} answered {server.started_in:.1f} s after start")
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
