"""The Add target form: Folder first and needing no account, a real default folder made on
the first publish, the name kept as typed, drafts only where a kind has them, and
addresses with a port accepted as typed."""

from __future__ import annotations

import os
from pathlib import Path

from pkm.core.errors import BadInput
from pkm.core.feeds.urls import check_url
from pkm.core.publish.base import with_scheme
from pkm.gui.share.kinds import KINDS
from pkm.gui.share.target_dialog import KIND_ROLE
from tests.gui import look
from tests.gui import share_helpers as h
from tests.gui.share_helpers import LEFT
from tests.gui.test_targets_settings import _add_dialog, _choose_kind, _open_targets_page, _type

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_folder_first_with_a_real_default_and_the_name_as_typed(open_window, tmp_path, clock):
    o = h.open_with_targets(open_window, tmp_path / "ws", clock, lambda ws: None)
    settings = _open_targets_page(o)
    dialog = _add_dialog(o, settings)
    assert KINDS[0].kind == "folder" and dialog.kinds.item(0).data(KIND_ROLE) == "folder"
    assert "No account needed" in KINDS[0].line
    _choose_kind(o, dialog, "folder")
    form = dialog.form
    default = Path(os.path.expanduser("~/Documents/pkm posts"))
    assert form.url.text() == "~/Documents/pkm posts" and not default.exists()
    assert form.draft_default.isVisibleTo(dialog)  # a folder marks drafts in front matter
    _type(o, form.name, "Intranet news")
    assert form.name.text() == "Intranet news"  # kept as typed, spaces and all
    assert "Intranet-news" in form.name_id.text() and form.name_id.isVisibleTo(dialog)
    dialog.resize(620, 640)
    o.qtbot.wait(50)
    shot = dialog.grab()
    look.check(dialog, shot, shown=[form.name, form.url, form.name_id, dialog.save_button])
    target = DOCS if os.environ.get("PKM_SCREENSHOTS") else tmp_path
    assert shot.save(str(target / "folder-target.png"))
    o.qtbot.mouseClick(dialog.save_button, LEFT)
    o.qtbot.waitUntil(
        lambda: h.gone(dialog) or dialog.result.text() not in ("", "Saving…"), timeout=10_000
    )
    assert h.gone(dialog), dialog.result.text()
    t = o.ws.publishing.targets.get("Intranet-news")
    assert t.url == str(default) and t.option("label") == "Intranet news"
    settings.close()
    # The folder is made on the first publish.
    entry = o.ws.journal.today()
    o.ws.journal.save(entry.id, body="A reflection worth keeping.")
    o.ws.publishing.publish(entry.id, "Intranet-news")
    assert default.is_dir() and any(default.glob("*.md"))
    # The card says the name as typed.
    o.window.show_stage("share")
    share = o.window.stages["share"]
    o.qtbot.waitUntil(lambda: share.targets_panel.card("Intranet-news") is not None)
    assert "Intranet news" in share.targets_panel.card("Intranet-news").name.text()


def test_drafts_only_where_the_kind_has_them(open_window, tmp_path, clock):
    o = h.open_with_targets(open_window, tmp_path / "ws", clock, lambda ws: None)
    settings = _open_targets_page(o)
    dialog = _add_dialog(o, settings)
    _choose_kind(o, dialog, "slack")
    assert not dialog.form.draft_default.isVisibleTo(dialog)
    _choose_kind(o, dialog, "wordpress")
    assert dialog.form.draft_default.isVisibleTo(dialog)
    dialog.reject()
    settings.close()


def test_addresses_with_a_port_are_taken_as_typed():
    assert with_scheme("127.0.0.1:8080/blog") == "http://127.0.0.1:8080/blog"
    assert with_scheme("intranet:8443") == "https://intranet:8443"
    assert with_scheme("localhost:8000") == "http://localhost:8000"
    assert with_scheme("https://blog.example.com") == "https://blog.example.com"
    assert check_url("intranet:8443/feed.xml") == "https://intranet:8443/feed.xml"
    assert check_url("127.0.0.1:8080/feed") == "http://127.0.0.1:8080/feed"


def test_messages_never_say_no_scheme():
    for bad in ("ftp://example.com/feed", "javascript:alert(1)", "//example.com/x"):
        try:
            check_url(bad)
        except BadInput as exc:
            assert "scheme" not in str(exc)
            assert "http" in str(exc)
        else:
            raise AssertionError(bad)


def test_a_wordpress_address_with_a_port_from_the_form(open_window, tmp_path, clock):
    o = h.open_with_targets(open_window, tmp_path / "ws", clock, lambda ws: None)
    settings = _open_targets_page(o)
    dialog = _add_dialog(o, settings)
    _choose_kind(o, dialog, "wordpress")
    form = dialog.form
    _type(o, form.url, "127.0.0.1:8080/blog")
    _type(o, form.user, "editor")
    _type(o, form.secret, "abcd efgh ijkl mnop qrst uvwx")
    o.qtbot.mouseClick(dialog.save_button, LEFT)
    o.qtbot.waitUntil(lambda: h.gone(dialog), timeout=10_000)
    t = o.ws.publishing.targets.get("blog")
    assert t.url == "http://127.0.0.1:8080/blog"
    settings.close()
