#!/usr/bin/env python3
"""Synapse, the Matrix test server: what it costs the test run and CI.

Times, in one run: a fresh Synapse start (process start to the first answer
on /_matrix/client/versions, new SQLite database), registering one user with
`register_new_matrix_user`, creating a room, and pkm's first publish to it
(alias lookup + send) against a second, warm publish (the baseline: what a
publish costs once discovery is cached). With --install, also a fresh
`pip install matrix-synapse` into a throw-away virtualenv (minutes; network).

  python tests/benchmarks/synapse.py [--install]

The last line is one JSON object with every figure in seconds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pkm.core.workspace import Workspace  # noqa: E402
from tests.publish import synapse as syn  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true", help="also time a fresh install")
    args = parser.parse_args()
    out: dict[str, float] = {}
    if args.install:
        with tempfile.TemporaryDirectory() as d:
            begin = time.monotonic()
            subprocess.run([sys.executable, "-m", "venv", d], check=True)
            subprocess.run([f"{d}/bin/pip", "install", "-q", "matrix-synapse"], check=True)
            out["install_s"] = time.monotonic() - begin
            print(f"install (venv + pip install matrix-synapse): {out['install_s']:.1f} s")
    reason = syn.missing_reason()
    if reason:
        sys.exit(reason)
    import keyring
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):  # the token never goes to the user's own keyring
        priority = 1
        store: dict = {}

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    with tempfile.TemporaryDirectory() as d:
        server = syn.Synapse(Path(d))
        server.start()
        out["start_s"] = server.started_in
        try:
            t = time.monotonic()
            server.register("anna")
            out["register_s"] = time.monotonic() - t
            t = time.monotonic()
            server.room = server.create_room("anna", "Leadership team", alias="leadership")
            out["create_room_s"] = time.monotonic() - t
            previous = keyring.get_keyring()
            keyring.set_keyring(Memory())
            try:
                with Workspace(Path(d) / "ws") as ws:
                    ws.publishing.add_target("room", "matrix", url=server.url,
                                             options={"room": "#leadership:localhost"},
                                             secret=server.tokens["anna"])  # fmt: skip
                    first = ws.journal.create(kind="note", title="One", body="The first.")
                    second = ws.journal.create(kind="note", title="Two", body="The second.")
                    t = time.monotonic()
                    ws.publishing.publish(first.id, "room")
                    out["first_publish_s"] = time.monotonic() - t
                    t = time.monotonic()
                    ws.publishing.publish(second.id, "room")
                    out["warm_publish_s"] = time.monotonic() - t
            finally:
                keyring.set_keyring(previous)
        finally:
            server.stop()
    print(f"Synapse start (fresh database): {out['start_s']:.2f} s")
    print(f"register_new_matrix_user:       {out['register_s']:.2f} s")
    print(f"create a room with an alias:    {out['create_room_s']:.2f} s")
    print(
        f"pkm first publish (alias lookup + send): {out['first_publish_s'] * 1000:.0f} ms; "
        f"warm publish: {out['warm_publish_s'] * 1000:.0f} ms "
        f"(ratio {out['first_publish_s'] / out['warm_publish_s']:.1f}x)"
    )
    print(json.dumps({k: round(v, 3) for k, v in out.items()}))


if __name__ == "__main__":
    main()
