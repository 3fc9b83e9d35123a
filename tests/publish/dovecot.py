"""A real Dovecot IMAP server on 127.0.0.1 for the email replies: one per test session.

`.ci/dovecot-setup` installs Debian's `dovecot-imapd` (the system service stays
off). The fixture writes its own configuration into a fresh folder: IMAP only,
on a free port of 127.0.0.1, no TLS (pkm allows plain IMAP only to this
computer), one user in a passwd-file, Maildir storage. Mail arrives the way a
mail server hands it over: through Dovecot's own delivery agent, `dovecot-lda`.

Run as root (CI, this machine), Dovecot's login processes run as `dovenull`
and the mailbox belongs to `dovecot` (Dovecot never opens mail as root);
run as anyone else, everything runs as that user.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.publish.ports import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
LDA = "/usr/lib/dovecot/dovecot-lda"
# The same login as the SMTP test server (conftest), as one account sends and receives.
USER, PASSWORD = "anna", "smtp-password-321"

CONFIG = """\
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{dir}/mail/%u
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = {uid}
last_valid_uid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={dir}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def missing_reason() -> str:
    if not Path(DOVECOT).exists() or not Path(LDA).exists():
        return (
            "no Dovecot test server: dovecot and dovecot-lda are missing (run .ci/dovecot-setup "
            "to install Debian's dovecot-imapd)"
        )
    return ""


@dataclass
class Dovecot:
    folder: Path
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"imap://127.0.0.1:{self.port}"

    def start(self) -> None:
        d = self.folder
        self.port = free_port()
        if os.geteuid() == 0:
            mail = pwd.getpwnam("dovecot")
            internal, login, uid, gid = "dovecot", "dovenull", mail.pw_uid, mail.pw_gid
        else:
            me = pwd.getpwuid(os.geteuid())
            internal = login = me.pw_name
            uid, gid = me.pw_uid, me.pw_gid
        group = grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name
        for sub in ("run", "state", "mail", "home"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        for sub in ("mail", "home"):
            os.chown(d / sub, uid, gid)
        (d / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        settings = dict(internal=internal, login=login, uid=uid, gid=gid, group=group)
        (d / "dovecot.conf").write_text(CONFIG.format(dir=d, port=self.port, **settings))
        with open(d / "stderr.log", "wb") as errors:  # the child keeps its own copy
            self.process = subprocess.Popen(
                [DOVECOT, "-F", "-c", str(d / "dovecot.conf")],
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Dovecot exited ({self.process.returncode}): "
                    + (d / "stderr.log").read_text()[-2000:]
                    + self.log()
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(200).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"Dovecot did not answer on {self.url} within 30 s: {self.log()}")

    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text()[-2000:] if path.exists() else ""

    def deliver(self, message: bytes, sender: str) -> None:
        """Deliver one message into the user's INBOX with Dovecot's delivery agent."""
        subprocess.run(
            [LDA, "-c", str(self.folder / "dovecot.conf"), "-d", USER, "-f", sender],
            input=message, check=True, capture_output=True, timeout=30,
        )  # fmt: skip

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def dovecot_fixture():
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    # Not under pytest's 0700 temporary folders: Dovecot's unprivileged processes must reach it.
    folder = Path(tempfile.mkdtemp(prefix="pkm-dovecot-"))
    folder.chmod(0o755)
    server = Dovecot(folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
