"""The boxes of one kind of target: only what that kind needs, in plain words.

``TargetForm.show_kind`` rebuilds the form for a kind (see kinds.py);
``values`` returns what to hand to the core, or a sentence saying what is
missing. The secret box hides what is typed and is emptied once saved.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pkm.core.publish.base import TargetConfig
from pkm.gui.share.kinds import FOLDER_FORMATS, KindInfo, shown_name
from pkm.gui.widgets import Hint

SUGGESTED_NAMES = {
    "wordpress": "blog",
    "micropub": "blog",
    "metaweblog": "blog",
    "slack": "team-slack",
    "teams": "team-channel",
    "mattermost": "team-chat",
    "viva-engage": "engage",
    "mastodon": "mastodon",
    "matrix": "matrix-room",
    "email": "email",
    "folder": "folder",
}


def tidy_name(text: str) -> str:
    """The target's id from the name as typed: spaces become '-', other odd characters go
    ("Team blog" -> "Team-blog"); the CLI and the publish log use it. The typed name is
    kept beside it (option ``label``) and is what the window shows."""
    tidy = re.sub(r"[^A-Za-z0-9._-]", "", text.strip().replace(" ", "-"))
    return re.sub(r"-{2,}", "-", tidy).strip("-._")[:40]


class TargetForm(QWidget):
    def __init__(self, choose_folder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choose_folder = choose_folder  # hook: (parent, caption, start) -> path | None
        self.kind: KindInfo | None = None
        self.existing: TargetConfig | None = None
        self._outer = QVBoxLayout(self)
        self._outer.setContentsMargins(0, 0, 0, 0)
        self._inner: QWidget | None = None
        self._typed_name = ""  # what the user typed as the name survives a change of kind

    def _typed(self, text: str) -> None:
        """The name stays as typed; the id made from it is shown under it when it differs."""
        self._typed_name = text
        tidy = tidy_name(text)
        shown = bool(text.strip()) and tidy != text.strip()
        self.name_id.setText(
            f"In the command line and the publish log: {tidy}" if tidy else
            "Use at least one letter or digit in the name."
        )  # fmt: skip
        self.name_id.setVisible(shown or (bool(text.strip()) and not tidy))

    def _browse(self) -> None:
        path = self.choose_folder(self, "Choose the folder to publish to", self.url.text())
        if path:
            self.url.setText(path)

    # ---- building -------------------------------------------------------------------

    def show_kind(self, kind: KindInfo, existing: TargetConfig | None = None) -> None:
        """A fresh set of boxes for ``kind`` (filled from ``existing`` when editing)."""
        self.kind, self.existing = kind, existing
        if self._inner is not None:
            self._inner.hide()  # now: deleteLater alone left both forms on screen until idle
            self._inner.deleteLater()
        self._inner = inner = QWidget(self)
        form = QFormLayout(inner)
        form.setContentsMargins(0, 0, 0, 0)
        self._outer.addWidget(inner)

        self.name = QLineEdit(objectName="targetName")
        self.name.setPlaceholderText("a short name, e.g. Team blog")
        self.name_id = Hint("")
        self.name_id.setObjectName("targetNameId")
        self.name_id.hide()
        self.name.textEdited.connect(self._typed)
        if existing is not None:
            self.name.setText(shown_name(existing))
            self.name.setReadOnly(True)
        else:
            self.name.setText(self._typed_name or SUGGESTED_NAMES.get(kind.kind, kind.kind))
        form.addRow("Name", self.name)
        form.addRow("", self.name_id)

        self.url = QLineEdit(objectName="targetUrl")
        if kind.url_label:
            self.url.setPlaceholderText(kind.url_placeholder)
            # "~/Documents/pkm posts" as people say it; the core expands ~ when it is saved.
            self.url.setText(existing.url if existing else kind.url_default)
            if kind.kind == "folder":
                browse = QPushButton("Choose…", objectName="targetBrowse")
                browse.clicked.connect(self._browse)
                row = QHBoxLayout()
                row.addWidget(self.url, 1)
                row.addWidget(browse)
                form.addRow(kind.url_label, row)
            else:
                form.addRow(kind.url_label, self.url)

        self.user = QLineEdit(objectName="targetUser")
        if kind.user_label:
            self.user.setText(existing.user if existing else "")
            form.addRow(kind.user_label, self.user)

        self.secret = QLineEdit(objectName="targetSecret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_hint = Hint()
        self.secret_hint.setObjectName("secretHint")
        if kind.secret_label:
            if existing is not None:
                self.secret.setPlaceholderText("stored safely; leave empty to keep it")
            else:
                self.secret.setPlaceholderText(kind.secret_placeholder)
            label = kind.secret_label + (" (if needed)" if kind.secret_optional else "")
            form.addRow(label, self.secret)
            form.addRow("", self.secret_hint)

        self.options: dict[str, QLineEdit | QComboBox] = {}
        for opt in kind.options:
            value = existing.option(opt.key) if existing else ""
            if opt.choices:
                box: QLineEdit | QComboBox = QComboBox()
                box.addItems(list(opt.choices))
                if value in opt.choices:
                    box.setCurrentText(value)
            else:
                box = QLineEdit(value)
                box.setPlaceholderText(opt.placeholder)
            box.setObjectName(f"option-{opt.key}")
            self.options[opt.key] = box
            form.addRow(opt.label, box)

        self.formats: dict[str, QCheckBox] = {}
        if kind.kind == "folder":
            chosen = ((existing.option("formats") if existing else "") or "md").replace(" ", "")
            row = QHBoxLayout()
            for fmt, text in FOLDER_FORMATS:
                check = QCheckBox(text)
                check.setObjectName(f"format-{fmt}")
                check.setChecked(fmt in chosen.split(","))
                self.formats[fmt] = check
                row.addWidget(check)
            row.addStretch(1)
            form.addRow("Save as", row)

        self.draft_default = QCheckBox(kind.draft_label)
        self.draft_default.setObjectName("targetDraftDefault")
        if kind.drafts:
            form.addRow("", self.draft_default)
        inner.show()  # now, not at the next turn of the event loop

    # ---- reading --------------------------------------------------------------------

    def values(self) -> tuple[dict, str]:
        """(keyword arguments for save_target, "") or ({}, what is missing)."""
        kind = self.kind
        assert kind is not None
        typed = self.name.text().strip()
        if self.existing is not None:
            name, typed = self.existing.name, shown_name(self.existing)
        else:
            name = tidy_name(typed)
        if not typed:
            return {}, "Give the target a short name, for example Team blog."
        if not name:
            return {}, "Use at least one letter or digit in the name, for example Team blog."
        url = self.url.text().strip() if kind.url_label else ""
        if kind.url_label and not url:
            return {}, f"Fill in the {kind.url_label.lower()}."
        user = self.user.text().strip() if kind.user_label else ""
        if kind.user_label and not kind.user_optional and not user:
            return {}, f"Fill in the {kind.user_label.lower()}."
        secret = self.secret.text().strip() if kind.secret_label else ""
        needs_secret = kind.secret_label and (not kind.secret_optional or user)
        if needs_secret and not secret and self.existing is None:
            return {}, f"Fill in the {kind.secret_label.lower()}."
        options: dict[str, str] = {"label": typed} if typed != name else {}
        for opt in kind.options:
            box = self.options[opt.key]
            value = box.currentText() if isinstance(box, QComboBox) else box.text().strip()
            if opt.required and not value:
                return {}, f"Fill in “{opt.label}”."
            if value:
                options[opt.key] = value
        if self.formats:
            chosen = [fmt for fmt, box in self.formats.items() if box.isChecked()]
            if not chosen:
                return {}, "Choose at least one kind of file to save."
            options["formats"] = ",".join(chosen)
        return (
            {
                "name": name,
                "kind": kind.kind,
                "url": "" if kind.webhook else url,
                "user": user,
                "options": options,
                "secret": secret or None,
            },
            "",
        )
