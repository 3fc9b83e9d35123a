"""A real Synapse on 127.0.0.1 for the Matrix tests: started once per session, stopped at the end.

`.ci/synapse-setup` installs Synapse into its own virtualenv and generates a base
configuration (server name "localhost", signing key, registration shared
secret). Each test session starts a fresh server from it with an override of
its own: a free port, a new SQLite database in a temporary folder, no
federation, rate limits lifted (the tests post quickly). Users are made with
Synapse's own `register_new_matrix_user`, rooms with the Client-Server API.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.publish.ports import free_port

HOME = Path(os.environ.get("PKM_SYNAPSE_HOME", "/opt/pkm-synapse"))
BASE_CONFIG = HOME / "conf" / "homeserver.yaml"
PASSWORD = "synapse-test-password-1"

LOG_CONFIG = """version: 1
formatters:
  plain: {format: '%(asctime)s %(name)s %(levelname)s %(message)s'}
handlers:
  file: {class: logging.FileHandler, formatter: plain, filename: LOGFILE}
root: {level: WARNING, handlers: [file]}
disable_existing_loggers: false
"""

OVERRIDE = """listeners:
  - port: PORT
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args: {database: DIR/homeserver.db}
media_store_path: DIR/media
pid_file: DIR/homeserver.pid
log_config: DIR/log.config
trusted_key_servers: []
suppress_key_server_warning: true
enable_metrics: false
# Messages: a tight limit, as on a busy public server; anna and bob have it lifted
# (override_ratelimit), carol keeps it, to meet M_LIMIT_EXCEEDED for real.
rc_message: {per_second: 0.1, burst_count: 3}
rc_login:
  address: {per_second: 1000, burst_count: 1000}
  account: {per_second: 1000, burst_count: 1000}
rc_joins:
  local: {per_second: 1000, burst_count: 1000}
"""


def missing_reason() -> str:
    """Why the Matrix tests cannot run here, or '' when they can."""
    if not (HOME / "bin" / "synapse_homeserver").exists() or not BASE_CONFIG.exists():
        return (
            f"no Synapse test server: {HOME}/bin/synapse_homeserver or {BASE_CONFIG} is missing "
            "(run .ci/synapse-setup to install it from PyPI)"
        )
    return ""


@dataclass
class Synapse:
    folder: Path
    port: int = 0
    process: subprocess.Popen | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    started_in: float = 0.0
    room: str = ""  # anna's room, alias #leadership:localhost
    bobs_room: str = ""  # a room anna is not in

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        d = self.folder
        (d / "log.config").write_text(LOG_CONFIG.replace("LOGFILE", str(d / "homeserver.log")))
        override = OVERRIDE.replace("PORT", str(self.port)).replace("DIR", str(d))
        (d / "override.yaml").write_text(override)
        begin = time.monotonic()
        with open(d / "stderr.log", "wb") as errors:  # the child keeps its own copy
            self.process = subprocess.Popen(
                [str(HOME / "bin" / "python"), "-m", "synapse.app.homeserver",
                 "-c", str(BASE_CONFIG), "-c", str(d / "override.yaml")],
                cwd=d, stdout=subprocess.DEVNULL, stderr=errors,
            )  # fmt: skip
        deadline = begin + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Synapse exited ({self.process.returncode}): "
                    + (d / "stderr.log").read_text()[-2000:]
                )
            try:
                if httpx.get(self.url + "/_matrix/client/versions", timeout=2).status_code == 200:
                    self.started_in = time.monotonic() - begin
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"Synapse did not answer on {self.url} within 90 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    # ---- users and rooms --------------------------------------------------------------

    def register(self, user: str, *, admin: bool = False) -> str:
        """A new user through Synapse's own tool (shared secret), then its access token."""
        subprocess.run(
            [str(HOME / "bin" / "register_new_matrix_user"), "-c", str(BASE_CONFIG),
             "-u", user, "-p", PASSWORD, "--admin" if admin else "--no-admin", self.url],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        r = httpx.post(
            self.url + "/_matrix/client/v3/login",
            json={"type": "m.login.password", "password": PASSWORD,
                  "identifier": {"type": "m.id.user", "user": user}},
            timeout=30,
        )  # fmt: skip
        r.raise_for_status()
        self.tokens[user] = r.json()["access_token"]
        return self.tokens[user]

    def api(self, user: str, method: str, path: str, **kwargs) -> httpx.Response:
        r = httpx.request(
            method,
            self.url + "/_matrix/client/v3" + path,
            headers={"Authorization": f"Bearer {self.tokens[user]}"},
            timeout=30,
            **kwargs,
        )
        r.raise_for_status()
        return r

    def lift_rate_limit(self, user: str) -> None:
        """Synapse's admin API: no message rate limit for this user (0 means none)."""
        r = httpx.post(
            f"{self.url}/_synapse/admin/v1/users/@{user}:localhost/override_ratelimit",
            headers={"Authorization": f"Bearer {self.tokens['admin']}"},
            json={"messages_per_second": 0, "burst_count": 0},
            timeout=30,
        )
        r.raise_for_status()

    def create_room(self, user: str, name: str, alias: str = "") -> str:
        body: dict = {"name": name, "preset": "private_chat"}
        if alias:
            body["room_alias_name"] = alias
        return self.api(user, "POST", "/createRoom", json=body).json()["room_id"]

    def event(self, user: str, room_id: str, event_id: str) -> dict:
        path = f"/rooms/{quote(room_id, safe='')}/event/{quote(event_id, safe='')}"
        return self.api(user, "GET", path).json()

    def messages(self, user: str, room_id: str) -> list[dict]:
        """The room's m.room.message events, newest first."""
        path = f"/rooms/{quote(room_id, safe='')}/messages"
        chunk = self.api(user, "GET", path, params={"dir": "b", "limit": "200"}).json()["chunk"]
        return [e for e in chunk if e["type"] == "m.room.message"]


@pytest.fixture(scope="session")
def synapse_fixture(tmp_path_factory):
    """A fresh Synapse for the session: users anna and bob (no rate limit) and carol (the
    server's tight one), a room of anna's with an alias (#leadership:localhost) that carol
    has joined too, and a room of bob's that anna is not in."""
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    server = Synapse(tmp_path_factory.mktemp("synapse"))
    try:
        server.start()
        print(f"\nSynapse started in {server.started_in:.1f} s on {server.url}")
        server.register("admin", admin=True)
        for user in ("anna", "bob", "carol"):
            server.register(user)
        server.lift_rate_limit("anna")
        server.lift_rate_limit("bob")
        server.room = server.create_room("anna", "Leadership team", alias="leadership")
        server.bobs_room = server.create_room("bob", "Bob's room")
        server.api("anna", "POST", f"/rooms/{quote(server.room, safe='')}/invite",
                   json={"user_id": "@carol:localhost"})  # fmt: skip
        server.api("carol", "POST", f"/rooms/{quote(server.room, safe='')}/join", json={})
        yield server
    finally:
        server.stop()
