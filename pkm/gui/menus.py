"""The menu bar: every action of the window, with its shortcut, where people look for it.

File, Edit, View, Go, Entry, Feeds and Help, as a Mac or Windows app has
them. Window-wide shortcuts (Ctrl+T, Ctrl+K, Ctrl+1…) are the menu actions
themselves. Keys that belong to one pane (J/K in the article list,
Ctrl+Shift+P in the editor) keep working only there; their menu items show
the key and do the same thing from anywhere, switching to the stage first.

The keyboard-shortcuts sheet (Help › Keyboard shortcuts, F1 or Ctrl+/) is
drawn from these menus, so it can never list a key that does not exist.

Stages are reached by name (`window.stages["seek"]`) and their methods by
attribute, so this module imports no stage: a stage that is not there (or
an action it does not have) simply leaves its items out.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMenu,
    QMenuBar,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pkm import __version__

ZOOM_KEY = "editor.zoom"  # steps of 10 %, remembered between runs


def _stage(window: Any, key: str) -> Any:
    return window.stages.get(key)


def _call(window: Any, stage: str, *path: str) -> Callable[[], None]:
    """A menu item that shows ``stage`` and calls ``stage.path…()`` (nothing if gone)."""

    def run() -> None:
        target = _stage(window, stage)
        if target is None:
            return
        window.show_stage(stage)
        for name in path[:-1]:
            target = getattr(target, name, None)
            if target is None:
                return
        fn = getattr(target, path[-1], None)
        if callable(fn):
            fn()

    return run


def _trigger(window: Any, stage: str, *path: str) -> Callable[[], None]:
    """Trigger a QAction a stage owns (it keeps its own enabled state and shortcut)."""

    def run() -> None:
        target = _stage(window, stage)
        for name in path:
            target = getattr(target, name, None) if target is not None else None
        if isinstance(target, QAction) and target.isEnabled():
            window.show_stage(stage)
            target.trigger()

    return run


class Menus:
    """Builds the menu bar of a MainWindow and keeps its window-wide actions."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.bar: QMenuBar = window.menuBar()
        self.bar.setObjectName("menuBar")
        self.actions: dict[str, QAction] = {}
        self.sheet: QDialog | None = None
        self.zoom_steps = 0

    def _menu(self, title: str) -> QMenu:
        menu = self.bar.addMenu(title)
        menu.setToolTipsVisible(True)
        return menu

    def add(
        self,
        menu: QMenu,
        text: str,
        fn: Callable[[], None],
        keys: str | QKeySequence.StandardKey = "",
        *,
        local: str = "",
        name: str = "",
    ) -> QAction:
        """``keys`` binds window-wide; ``local`` is a key that works in one pane only,
        shown in the menu (after a tab) without binding it twice."""
        act = QAction(f"{text}\t{local}" if local else text, self.window)
        if keys:
            act.setShortcut(QKeySequence(keys))
        act.triggered.connect(lambda _=False: fn())
        menu.addAction(act)
        self.window.addAction(act)  # the shortcut works while the menu bar is hidden too
        self.actions[name or text] = act
        return act

    # ---- building ------------------------------------------------------------------

    def build(self) -> None:
        w = self.window
        m = self._menu("&File")
        self.add(m, "Today's entry", lambda: w._sense("open_today"), "Ctrl+T", name="today")
        self.add(m, "New note", lambda: w._sense("new_note"), "Ctrl+N", name="new-note")
        m.addSeparator()
        imports = m.addMenu("Import")  # the same three as Sense's Import… button
        for source, text in (
            ("dayone", "Day One export (.zip)…"),
            ("enex", "Evernote export (.enex)…"),
            ("markdown", "Markdown folder or Obsidian vault…"),
        ):
            self.add(
                imports, text, _call(w, "sense", "import_button", f"import_{source}"),
                name=f"import-{source}",
            )  # fmt: skip
        export = m.addMenu("Export entry")
        for fmt, label in (("md", "Markdown…"), ("html", "Web page…"), ("pdf", "PDF…")):
            export.addAction(label, lambda fmt=fmt: self._export(fmt))
        self.add(m, "Export journal as a vault…", self.export_vault, name="export-vault")
        m.addSeparator()
        self.add(m, "Settings…", w.show_settings, "Ctrl+,", name="settings")
        m.addSeparator()
        self.add(m, "Quit", w.close, "Ctrl+Q", name="quit")

        m = self._menu("&Edit")
        for text, slot, key in (
            ("Undo", "undo", QKeySequence.StandardKey.Undo),
            ("Redo", "redo", QKeySequence.StandardKey.Redo),
            ("Cut", "cut", QKeySequence.StandardKey.Cut),
            ("Copy", "copy", QKeySequence.StandardKey.Copy),
            ("Paste", "paste", QKeySequence.StandardKey.Paste),
            ("Select all", "selectAll", QKeySequence.StandardKey.SelectAll),
        ):
            # Shown with their keys, which the text boxes handle themselves.
            self.add(m, text, _focused(slot), local=QKeySequence(key).toString(), name=slot)
        m.addSeparator()
        self.add(
            m,
            "Copy as rich text",
            _trigger(w, "sense", "editor", "toolbar", "copy_action"),
            local="Ctrl+Shift+C",
        )
        self.add(m, "Find in notes and reading", w.focus_search, "Ctrl+K", name="search")

        m = self._menu("&View")
        for n, (key, stage) in enumerate(w.stages.items(), start=1):
            self.add(m, stage.title, lambda key=key: w.show_stage(key), f"Ctrl+{n}", name=key)
        m.addSeparator()
        self._sense_toggles(m)
        m.addSeparator()
        self.add(m, "Zoom in", lambda: self.zoom(+1), "Ctrl+=", name="zoom-in")
        self.add(m, "Zoom out", lambda: self.zoom(-1), "Ctrl+-", name="zoom-out")
        self.add(m, "Actual size", lambda: self.zoom(0), "Ctrl+0", name="zoom-reset")
        # Ctrl++ too: on most keyboards "+" is Shift+=.
        self.actions["zoom-in"].setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])

        m = self._menu("&Go")
        self.add(m, "Search", w.focus_search, name="go-search", local="Ctrl+K")
        self.add(m, "Today", lambda: w._sense("open_today"), local="Ctrl+T")
        m.addSeparator()
        self.add(m, "Next article", _call(w, "seek", "next_item"), local="J")
        self.add(m, "Previous article", _call(w, "seek", "previous_item"), local="K")

        m = self._menu("E&ntry")
        self.add(
            m,
            "Share this…",
            _trigger(w, "share", "share_this", "action"),
            local="Ctrl+Shift+P",
            name="share-this",
        )
        self.add(m, "Publish…", _call(w, "share", "publish_button", "showMenu"))
        self.add(
            m, "Add picture…", _call(w, "sense", "editor", "pictures", "add"), name="add-picture"
        )
        self.add(m, "History…", _trigger(w, "sense", "editor", "toolbar", "history_action"))
        m.addSeparator()
        self.add(m, "Move to trash", _trigger(w, "sense", "editor", "toolbar", "trash_action"))

        m = self._menu("Fee&ds")
        self.add(m, "Add feed…", _call(w, "seek", "add_feed"))
        self.add(m, "Import OPML…", _call(w, "seek", "import_opml"))
        self.add(m, "Export OPML…", _call(w, "seek", "export_opml"))
        m.addSeparator()
        self.add(m, "Refresh all feeds", _call(w, "seek", "refresh_all"), local="F5")
        m.addSeparator()
        self.add(m, "Star or unstar", _call(w, "seek", "toggle_star"), local="S")
        self.add(m, "Mark read or unread", _call(w, "seek", "toggle_read"), local="M")
        self.add(m, "Clip the selection", _call(w, "seek", "clip"), local="C")
        self.add(m, "Open in browser", _call(w, "seek", "open_in_browser"), local="O")

        m = self._menu("&Help")
        act = self.add(m, "Keyboard shortcuts", self.show_shortcuts, "F1", name="shortcuts")
        act.setShortcuts([QKeySequence("F1"), QKeySequence("Ctrl+/")])
        self.add(m, "Report a problem…", self.report_problem, name="report")
        m.addSeparator()
        self.add(m, "About pkm", self.about, name="about")

    def _sense_toggles(self, m: QMenu) -> None:
        """View › Show preview and Focus mode: checkable, in step with the editor's state."""
        w = self.window
        sense = _stage(w, "sense")
        preview = getattr(
            getattr(getattr(sense, "editor", None), "toolbar", None), "preview_action", None
        )
        focus = getattr(sense, "focus", None)
        if preview is not None:
            act = self.add(
                m, "Show preview", _trigger(w, "sense", "editor", "toolbar", "preview_action"),
                name="preview",
            )  # fmt: skip
            act.setCheckable(True)
            act.setChecked(preview.isChecked())
            preview.toggled.connect(act.setChecked)
        if focus is not None:
            act = self.add(m, "Focus mode", _call(w, "sense", "focus", "toggle"), name="focus")
            act.setShortcuts([QKeySequence("F11"), QKeySequence("Ctrl+Shift+F")])
            act.setCheckable(True)
            focus.toggled.connect(act.setChecked)

    def _export(self, fmt: str) -> None:
        sense = _stage(self.window, "sense")
        toolbar = getattr(getattr(sense, "editor", None), "toolbar", None)
        if toolbar is not None:
            self.window.show_stage("sense")
            toolbar.ask_export(fmt)

    def export_vault(self) -> None:
        """Every entry as Markdown with front matter, images beside them: a folder Obsidian
        opens as a vault (pkm.core.export.export_vault), written on the pool."""
        w = self.window
        folder = w.choose_folder("Export the journal into a folder")
        if not folder:
            return
        ws = w.ctx.ws

        def fn(_ctx: Any) -> Any:  # a labelled job: it gets its TaskContext (progress, Cancel)
            from pathlib import Path

            from pkm.core.export import export_vault

            return export_vault(ws.journal.list(), ws.home, Path(folder))

        def done(result: Any) -> None:
            text = f"Exported {result.entries:,} entries and {result.media:,} files to {folder}."
            if result.missing_media:
                text += f" {len(result.missing_media)} images were missing and are not in it."
            url = QUrl.fromLocalFile(folder)
            w.status.show_undo(text, lambda: w.open_folder(url), label="Open")

        w.ops.background(
            fn, on_done=done, on_error=w.status.show_exception, label="Exporting the journal"
        )

    # ---- zoom ------------------------------------------------------------------------

    def zoom(self, step: int) -> None:
        """Zoom the writing (editor and preview) by 10 % a step; 0 is actual size."""
        steps = 0 if step == 0 else max(-5, min(10, self.zoom_steps + step))
        self.window.ops.set_setting(ZOOM_KEY, steps)  # written on the writer, in order
        self.apply_zoom(steps)
        self.window.status.show_message(f"Text size {100 + 10 * steps} %. Ctrl+0: actual size.")

    def apply_zoom(self, steps: int | None = None) -> None:
        if steps is None:
            steps = int(self.window.ops.setting(ZOOM_KEY) or 0)
        self.zoom_steps = steps
        sense = _stage(self.window, "sense")
        editor = getattr(sense, "editor", None)
        if editor is not None and hasattr(editor, "set_zoom"):
            editor.set_zoom(steps)

    # ---- help --------------------------------------------------------------------------

    def shortcut_rows(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(menu title, [(action, keys)]) for every menu item that has a key."""
        out = []
        for menu_action in self.bar.actions():
            menu = menu_action.menu()
            if menu is None:
                continue
            rows = []
            for act in menu.actions():
                text, _tab, local = act.text().partition("\t")
                keys = ", ".join(
                    s.toString(QKeySequence.SequenceFormat.NativeText) for s in act.shortcuts()
                )
                keys = keys or local
                if keys and not act.isSeparator():
                    rows.append((text.replace("&", ""), keys))
            if rows:
                out.append((menu_action.text().replace("&", ""), rows))
        return out

    def show_shortcuts(self) -> QDialog:
        if self.sheet is not None and self.sheet.isVisible():
            self.sheet.raise_()
            return self.sheet
        dialog = QDialog(self.window)
        dialog.setWindowTitle("Keyboard shortcuts")
        dialog.resize(560, 640)
        lay = QVBoxLayout(dialog)
        text = QTextBrowser()
        text.setObjectName("shortcutSheet")
        parts = []
        for title, rows in self.shortcut_rows():
            parts.append(f"<h3>{html.escape(title)}</h3><table cellpadding='3'>")
            for name, keys in rows:
                parts.append(
                    f"<tr><td width='300'>{html.escape(name)}</td>"
                    f"<td><b>{html.escape(keys)}</b></td></tr>"
                )
            parts.append("</table>")
        text.setHtml("".join(parts))
        lay.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        lay.addWidget(buttons)
        self.sheet = dialog
        dialog.open()
        return dialog

    def report_problem(self) -> None:
        """Open the log folder; where no file manager can, say where it is and copy it."""
        logs = self.window.ctx.ws.logs_dir
        logs.mkdir(parents=True, exist_ok=True)
        opened = self.window.open_folder(QUrl.fromLocalFile(str(logs)))
        if opened:
            self.window.status.show_message(
                f"The log folder is open ({logs}). Attach pkm.log to your message; it holds no "
                "passwords or tokens."
            )
        else:
            QApplication.clipboard().setText(str(logs))
            self.window.status.show_message(
                f"pkm could not open a file manager here. The log folder is {logs}; its path "
                "is on the clipboard. Attach pkm.log to your message."
            )

    def about(self) -> None:
        QMessageBox.about(
            self.window,
            "About pkm",
            f"pkm {__version__}\n\nSeek > Sense > Share: follow trusted sources, reflect in a "
            "private journal, share what you chose. Everything stays on this computer unless "
            "you publish it.",
        )


def _focused(slot: str) -> Callable[[], None]:
    """Run an edit command (undo, copy, paste…) on the widget that has the keyboard."""

    def run() -> None:
        widget: QWidget | None = QApplication.focusWidget()
        fn = getattr(widget, slot, None)
        if callable(fn):
            fn()

    return run
