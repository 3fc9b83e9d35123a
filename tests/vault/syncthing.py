"""Real Syncthing instances on 127.0.0.1 for the two-device tests (Debian's `syncthing`).

Each instance has its own home (keys, config, database), GUI/REST port and
listen port; everything that would reach past this machine is off (global and
local discovery, relays, NAT traversal, usage reporting, crash reporting,
upgrades). Devices are introduced through the REST API, and a folder is shared
with a 1 s file-system watcher delay and a short rescan interval.

`in_step(a, b, folder)` waits until both have scanned and each reports the
other 100 % complete for the folder: what "the sync engine has carried it" means.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from tests.publish.ports import free_port

BINARY = shutil.which("syncthing")
SKIP_REASON = "the syncthing binary is not installed (apt-get install syncthing)"

_OPTIONS = {
    "globalAnnounceEnabled": "false",
    "localAnnounceEnabled": "false",
    "relaysEnabled": "false",
    "natEnabled": "false",
    "urAccepted": "-1",
    "autoUpgradeIntervalH": "0",
    "crashReportingEnabled": "false",
    "startBrowser": "false",
    "reconnectionIntervalS": "1",
    "setLowPriority": "false",
}


class Syncthing:
    def __init__(self, home: Path, name: str) -> None:
        if BINARY is None:
            pytest.skip(SKIP_REASON)
        self.home, self.name = Path(home), name
        self.home.mkdir(parents=True, exist_ok=True)
        self.gui_port, self.listen_port = free_port(), free_port()
        self.api_key = f"pkm-test-{name}-key"
        self.env = {
            **os.environ,
            "HOME": str(self.home),
            "STNODEFAULTFOLDER": "1",
            "STNOUPGRADE": "1",
            "STNORESTART": "1",
        }
        subprocess.run(
            [BINARY, "generate", f"--home={self.home}", "--no-default-folder"],
            env=self.env, check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        self._configure()
        self.log = open(self.home / "syncthing.log", "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [
                BINARY, "serve", f"--home={self.home}", "--no-browser", "--no-restart",
                "--no-upgrade", "--no-default-folder",
                f"--gui-address=http://127.0.0.1:{self.gui_port}", f"--gui-apikey={self.api_key}",
            ],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.http = httpx.Client(
            base_url=f"http://127.0.0.1:{self.gui_port}",
            headers={"X-API-Key": self.api_key},
            timeout=30,
        )
        self._wait_up()
        self.device_id: str = self.get("/rest/system/status")["myID"]

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.listen_port}"

    def _configure(self) -> None:
        path = self.home / "config.xml"
        tree = ET.parse(path)
        root = tree.getroot()
        for folder in root.findall("folder"):
            root.remove(folder)
        gui = root.find("gui")
        assert gui is not None
        gui.find("address").text = f"127.0.0.1:{self.gui_port}"  # type: ignore[union-attr]
        gui.find("apikey").text = self.api_key  # type: ignore[union-attr]
        options = root.find("options")
        assert options is not None
        for name, value in _OPTIONS.items():
            node = options.find(name)
            if node is None:
                node = ET.SubElement(options, name)
            node.text = value
        for node in options.findall("listenAddress"):
            options.remove(node)
        ET.SubElement(options, "listenAddress").text = self.address
        tree.write(path)

    def _wait_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"syncthing {self.name} exited: {self.log_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if self.http.get("/rest/system/ping").status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"syncthing {self.name} did not answer: {self.log_text()}")

    def log_text(self) -> str:
        self.log.flush()
        return (self.home / "syncthing.log").read_text(errors="replace")[-3000:]

    def get(self, path: str, **params) -> dict:
        r = self.http.get(path, params=params)
        r.raise_for_status()
        return r.json()

    def post(self, path: str, body: dict | None = None, **params) -> None:
        r = self.http.post(path, json=body, params=params)
        r.raise_for_status()

    def patch(self, path: str, body: dict) -> None:
        r = self.http.patch(path, json=body)
        r.raise_for_status()

    def add_device(self, other: Syncthing) -> None:
        self.post(
            "/rest/config/devices",
            {"deviceID": other.device_id, "name": other.name, "addresses": [other.address]},
        )

    def share(self, folder_id: str, path: Path, *others: Syncthing) -> None:
        self.post(
            "/rest/config/folders",
            {
                "id": folder_id,
                "label": folder_id,
                "path": str(path),
                "type": "sendreceive",
                "devices": [{"deviceID": d.device_id} for d in (self, *others)],
                "rescanIntervalS": 5,
                "fsWatcherEnabled": True,
                "fsWatcherDelayS": 1,
            },
        )

    def pause(self, other: Syncthing, paused: bool = True) -> None:
        self.patch(f"/rest/config/devices/{other.device_id}", {"paused": paused})

    def connected(self, other: Syncthing) -> bool:
        conns = self.get("/rest/system/connections")["connections"]
        return bool(conns.get(other.device_id, {}).get("connected"))

    def stop(self) -> None:
        with contextlib.suppress(httpx.HTTPError):
            self.http.post("/rest/system/shutdown")
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.http.close()
        self.log.close()


def introduce(a: Syncthing, b: Syncthing, folder_id: str, path_a: Path, path_b: Path) -> None:
    """a and b know each other and share one folder; returns once they are connected."""
    a.add_device(b)
    b.add_device(a)
    a.share(folder_id, path_a, b)
    b.share(folder_id, path_b, a)
    wait_for(lambda: a.connected(b) and b.connected(a), "the two Syncthings to connect", a, b)


def wait_for(cond, what: str, *instances: Syncthing, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.1)
    logs = "\n".join(f"--- {s.name}:\n{s.log_text()}" for s in instances)
    raise AssertionError(f"timed out waiting for {what}\n{logs}")


def _settled(a: Syncthing, b: Syncthing, folder_id: str) -> bool:
    for me, other in ((a, b), (b, a)):
        status = me.get("/rest/db/status", folder=folder_id)
        if status["state"] != "idle" or status["needTotalItems"]:
            return False
        done = me.get("/rest/db/completion", folder=folder_id, device=other.device_id)
        if done["completion"] < 100 or done["needItems"] or done["needDeletes"]:
            return False
    return True


def in_step(a: Syncthing, b: Syncthing, folder_id: str, timeout: float = 60) -> None:
    """Scan both folders now (no waiting for the watcher), then wait until each side has
    everything the other has, seen twice in a row (an index may still be on its way)."""
    for s in (a, b):
        s.post("/rest/db/scan", folder=folder_id)
    seen = 0

    def settled() -> bool:
        nonlocal seen
        seen = seen + 1 if _settled(a, b, folder_id) else 0
        return seen >= 3

    wait_for(settled, f"folder {folder_id} to be in step", a, b, timeout=timeout)
