"""The short preview before an entry first goes to a target: what, where, and Publish.

It shows the reflection as readers will see it (formatted, or as plain text
for networks that take only text), where it goes, and the few choices that
matter (a draft, where the target has drafts). What goes over the wire is
one click away under "Show exactly what is sent" for the curious or for IT;
it is the core's dry run, byte for byte, with secrets shown as ***.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pkm.core.publish.post_media import with_sizes
from pkm.core.publish.registry import adapter_class
from pkm.gui.sense.preview import Preview
from pkm.gui.share.kinds import info
from pkm.gui.share.look import badge_icon
from pkm.gui.share.ops import Preview as PreviewData
from pkm.gui.widgets import Hint

PLAIN_KINDS = ("mastodon", "viva-engage")  # text only: show what they will show
DRY_RUN_DEFAULT = "Dry run: nothing was sent."


def destination(preview: PreviewData) -> str:
    """'team-blog · WordPress at https://blog.example.com' in words."""
    t = preview.target
    k = info(t.kind)
    if k.webhook:
        where = "the channel of its webhook"
    elif t.kind == "email":
        where = t.option("to") or t.url
    elif t.kind == "viva-engage":
        where = f"community {t.option('group_id')}"
    elif t.kind == "matrix":
        where = f"room {t.option('room')} on {t.url}"
    else:
        where = t.url
    return f"{t.name} · {k.label}" + (f" · {where}" if where else "")


class PreviewDialog(QDialog):
    #: The user pressed Publish: True to send it as a draft.
    confirmed = Signal(bool)

    def __init__(self, preview: PreviewData, *, draft: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preview = preview
        result, post, target = preview.result, preview.post, preview.target
        kind = info(target.kind)
        updating = result.action == "updated"
        self.setWindowTitle(f"Publish to {target.name}")
        self.resize(640, 620)
        lay = QVBoxLayout(self)
        lay.setSpacing(8)

        head = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(badge_icon(target.kind, self.palette(), 28).pixmap(28, 28))
        head.addWidget(icon)
        self.heading = QLabel(f"{'Update' if updating else 'Publish'} “{post.title}”")
        f = QFont(self.heading.font())
        f.setPointSizeF(f.pointSizeF() * 1.25)
        f.setBold(True)
        self.heading.setFont(f)
        self.heading.setWordWrap(True)
        head.addWidget(self.heading, 1)
        lay.addLayout(head)
        self.where = Hint("To: " + destination(preview))
        self.where.setObjectName("previewDestination")
        lay.addWidget(self.where)

        # The editor's preview widget: it draws the post's images from the media store.
        self.body = Preview(media_home=preview.media_home)
        self.body.setObjectName("previewBody")
        self.body.setPlaceholderText("")
        if target.kind in PLAIN_KINDS:
            text = f"{post.title}\n\n{post.plain}"
            shown = f"<div style='white-space:pre-wrap'>{html.escape(text)}</div>"
            if (
                adapter_class(target.kind).media is not None
            ):  # attached below the text, as Mastodon shows them
                shown += "".join(f'<p><img src="{i.ref}"></p>' for i in post.images)
        else:
            shown = f"<h2>{html.escape(post.title)}</h2>{post.html}"
        self.body.show_html(with_sizes(shown, post.images, 560, 800))
        lay.addWidget(self.body, 1)

        notes = []
        if result.message and result.message != DRY_RUN_DEFAULT:
            notes.append(result.message)
        if not kind.can_edit:
            notes.append(
                f"{kind.label} cannot change a message once it is sent: read it over first."
            )
        elif not updating:
            notes.append("Publishing again later updates this same post.")
        if target.kind == "mastodon":
            notes.append(
                "Long text is cut to fit, with a link to your blog post when there is one."
            )
        self.notes = Hint(" ".join(notes))
        self.notes.setObjectName("previewNotes")
        self.notes.setVisible(bool(notes))
        lay.addWidget(self.notes)

        self.draft = QCheckBox("Save as a draft (publish it later on the site)")
        self.draft.setChecked(draft)
        self.draft.setVisible(kind.drafts)
        self._drafts = kind.drafts
        lay.addWidget(self.draft)

        self.details_button = QToolButton(text="Show exactly what is sent", checkable=True)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details_button.setAutoRaise(True)
        self.details_button.toggled.connect(self._toggle_details)
        lay.addWidget(self.details_button)
        self.details = QPlainTextEdit(readOnly=True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setPlainText("\n\n".join(r.show() for r in result.requests))
        self.details.setVisible(False)
        lay.addWidget(self.details, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.publish_button = self.buttons.addButton(
            "Update" if updating else "Publish", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.publish_button.setDefault(True)
        self.buttons.accepted.connect(self._publish)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.publish_button.setFocus()

    def _toggle_details(self, on: bool) -> None:
        self.details.setVisible(on)
        self.details_button.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    def _publish(self) -> None:
        draft = self.draft.isChecked() and self._drafts
        self.accept()
        self.confirmed.emit(draft)
