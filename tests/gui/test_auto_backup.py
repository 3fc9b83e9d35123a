"""The window makes the day's automatic backup on the pool, once."""

from __future__ import annotations

from pkm.core import auto_backup


def test_the_window_makes_the_days_backup(main_window):
    o = main_window
    done = []
    o.window.ops.auto_backup(on_done=done.append)
    o.qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    assert done[0] is not None and done[0].path.is_file()
    assert len(auto_backup.listing(o.ws.home)) == 1
