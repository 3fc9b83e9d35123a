"""Two devices, as users run them: "laptop" and "desktop" data folders whose vault
folders are kept in step by two real Syncthing instances on 127.0.0.1.

Edits on both sides, a delete, a rename in the file manager, and a real conflict
(both devices edit while they cannot reach each other, then meet again: Syncthing
keeps the older text as a ``.sync-conflict-…`` file); each side must end right.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pkm.core.workspace import Workspace
from tests.conftest import FakeClock
from tests.vault.syncthing import Syncthing, in_step, introduce, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(240)]
FOLDER = "pkm-journal"


@pytest.fixture
def devices(tmp_path: Path):
    clock = FakeClock()
    vaults = {name: tmp_path / name / "Sync" / "Journal" for name in ("laptop", "desktop")}
    for v in vaults.values():
        v.mkdir(parents=True)
    st_laptop = Syncthing(tmp_path / "laptop" / "syncthing", "laptop")
    try:
        st_desktop = Syncthing(tmp_path / "desktop" / "syncthing", "desktop")
    except BaseException:
        st_laptop.stop()
        raise
    laptop = Workspace(tmp_path / "laptop" / "pkm", clock=clock)
    desktop = Workspace(tmp_path / "desktop" / "pkm", clock=clock)
    try:
        introduce(st_laptop, st_desktop, FOLDER, vaults["laptop"], vaults["desktop"])
        laptop.vault.set_folder(vaults["laptop"])
        desktop.vault.set_folder(vaults["desktop"])
        yield laptop, desktop, st_laptop, st_desktop, clock
    finally:
        laptop.close()
        desktop.close()
        st_laptop.stop()
        st_desktop.stop()


def texts(ws: Workspace) -> dict[str, str]:
    return {e.title: e.body for e in ws.journal.list()}


def test_two_devices_through_real_syncthing(devices) -> None:
    laptop, desktop, st_l, st_d, clock = devices
    review = laptop.journal.create(title="Quarterly review", body="Revenue up.\n")
    old = laptop.journal.create(title="Old idea", body="Drop it.\n")
    laptop.journal.create(title="Hiring", body="Two engineers.\n")
    assert laptop.vault.sync().written == 3

    # 1. what the laptop wrote appears on the desktop
    in_step(st_l, st_d, FOLDER)
    report = desktop.vault.sync()
    assert report.created == 3, report.as_dict()
    assert texts(desktop) == texts(laptop)

    # 2. an edit on the desktop comes back to the laptop as a new revision
    d_review = desktop.journal.resolve("Quarterly review")
    assert d_review is not None
    clock.advance(minutes=3)
    desktop.journal.save(d_review.id, body="Revenue up.\nCosts flat.\n")
    assert desktop.vault.sync().written == 1
    in_step(st_l, st_d, FOLDER)
    assert laptop.vault.sync().updated == 1
    assert laptop.journal.get(review.id).body == "Revenue up.\nCosts flat.\n"
    assert [r.body for r in laptop.journal.revisions(review.id)] == ["Revenue up.\n"]

    # 3. a delete on the laptop sends the desktop's entry to its trash
    laptop.journal.delete(old.id)
    assert laptop.vault.sync().removed == 1
    in_step(st_l, st_d, FOLDER)
    assert desktop.vault.sync().trashed == 1
    assert [e.title for e in desktop.journal.trash()] == ["Old idea"]

    # 4. a rename in the desktop's file manager keeps the entry on both sides
    d_vault = desktop.vault.folder()
    assert d_vault is not None
    (d_vault / "Hiring.md").rename(d_vault / "Hiring 2027.md")
    in_step(st_l, st_d, FOLDER)
    assert laptop.vault.sync().renamed == 1
    assert desktop.vault.sync().renamed == 1
    l_vault = laptop.vault.folder()
    assert l_vault is not None and (l_vault / "Hiring 2027.md").exists()
    assert sorted(texts(laptop)) == sorted(texts(desktop)) == ["Hiring", "Quarterly review"]

    # 5. a conflict: both edit "Hiring" while they cannot reach each other
    st_l.pause(st_d)
    st_d.pause(st_l)
    wait_for(lambda: not st_l.connected(st_d), "the devices to disconnect", st_l, st_d)
    l_hiring, d_hiring = laptop.journal.resolve("Hiring"), desktop.journal.resolve("Hiring")
    assert l_hiring is not None and d_hiring is not None
    clock.advance(minutes=3)
    laptop.journal.save(l_hiring.id, body="Two engineers and a designer.\n")
    laptop.vault.sync()
    clock.advance(minutes=1)
    desktop.journal.save(d_hiring.id, body="Three engineers.\n")
    desktop.vault.sync()
    st_l.post("/rest/db/scan", folder=FOLDER)
    st_d.post("/rest/db/scan", folder=FOLDER)
    st_l.pause(st_d, False)
    st_d.pause(st_l, False)
    wait_for(lambda: st_l.connected(st_d), "the devices to reconnect", st_l, st_d)
    conflicts: list[str] = []
    for _round in range(4):  # each sync may write files the other side then reads
        in_step(st_l, st_d, FOLDER)
        conflicts += laptop.vault.sync().conflicts + desktop.vault.sync().conflicts
    assert conflicts, "Syncthing's conflict file was not seen"
    for ws in (laptop, desktop):
        mine = texts(ws)
        copies = [t for t in mine if t.startswith("Hiring (conflict copy")]
        assert len(copies) == 1, mine
        both = {mine["Hiring"].split("\n\n> **Sync conflict")[0].strip(), mine[copies[0]].strip()}
        assert both == {"Two engineers and a designer.", "Three engineers."}, mine
        assert f"[[{copies[0]}]]" in mine["Hiring"]
    assert texts(laptop) == texts(desktop)
    for folder in (l_vault, d_vault):
        assert not [p for p in folder.iterdir() if "sync-conflict" in p.name]
