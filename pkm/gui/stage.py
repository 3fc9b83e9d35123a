"""What a stage of the window is, and what it is given.

The window shows one stage at a time (Seek, Sense, Share). Each lives in its
own package (``pkm/gui/seek``, ``pkm/gui/sense``, ``pkm/gui/share``) with a
``create_stage(ctx) -> Stage`` function, so a stage can be rewritten without
touching the window or the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QWidget

from pkm.core.workspace import Workspace

if TYPE_CHECKING:
    from pkm.gui.operations import Operations
    from pkm.gui.status import StatusArea
    from pkm.gui.tasks import TaskManager

S = TypeVar("S")


class Window(Protocol):
    """What a stage may ask of the window (a QWidget, also the parent of its dialogs).

    A protocol, not the MainWindow class: stages talk to the window through
    these signals and calls and never import it (no import cycle, no reaching in).
    """

    open_entry: SignalInstance  # (entry id) show it in Sense, ready to write
    open_item: SignalInstance  # (item id) show it in Seek

    def show_stage(self, key: str) -> None: ...

    def search_for(self, query: str) -> None: ...

    def set_stage_badge(self, key: str, count: int, tip: str = "") -> None: ...

    def open_link(self, url: Any, what: str = "") -> bool:
        """Open an address (QUrl or str) with the desktop; when nothing can, the window
        says so and offers to copy it (pkm.gui.links). False if it did not open."""
        ...


class Hook(Generic[S]):
    """A named extension point one part offers and others add to (Anki's gui_hooks).

    ``run(subject)`` calls every callback added so far and remembers the subject,
    so a callback added later is still called for it: the order in which stages
    are built does not matter.
    """

    def __init__(self) -> None:
        self._callbacks: list[Callable[[S], None]] = []
        self._subjects: list[S] = []

    def add(self, callback: Callable[[S], None]) -> None:
        self._callbacks.append(callback)
        for subject in self._subjects:
            callback(subject)

    def run(self, subject: S) -> None:
        self._subjects.append(subject)
        for callback in self._callbacks:
            callback(subject)


@dataclass
class Hooks:
    """The extension points of the window's parts."""

    #: Sense's editor, once its toolbar exists: Share adds its Publish button.
    editor_toolbar: Hook[Any] = field(default_factory=Hook)
    #: Sense's right column (ContextPanel): Share adds the post's Responses there.
    context_panel: Hook[Any] = field(default_factory=Hook)


@dataclass(frozen=True)
class SettingsPage:
    """A page of the Settings dialog; ``factory`` builds its widget when the dialog opens."""

    title: str
    factory: Callable[[GuiContext], QWidget]


@dataclass
class GuiContext:
    """Everything a stage may use; passed in, never imported as a global."""

    ws: Workspace
    tasks: TaskManager
    ops: Operations
    status: StatusArea
    window: Window
    settings_pages: list[SettingsPage] = field(default_factory=list)
    hooks: Hooks = field(default_factory=Hooks)


class Stage(QWidget):
    """Base class of Seek, Sense and Share. Override what you need."""

    key = ""  # "seek", "sense", "share": also the settings key of its saved state
    title = ""  # shown under the icon in the sidebar and above the stage
    subtitle = ""  # a few words beside the title: what the stage is for
    tooltip = ""  # one sentence: what this stage is for

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def activated(self) -> None:
        """The user switched to this stage."""

    def flush(self) -> None:
        """Save anything typed and not saved yet (before switching away or closing)."""

    def closing(self) -> None:
        """The window is closing: flush, keep snapshots. Writes queued here still run."""
        self.flush()

    def unsaved(self) -> BaseException | None:
        """Why something the user typed could not be saved, if so (asked before closing,
        after the queued writes ran)."""
        return None

    def settings_closed(self) -> None:
        """The Settings dialog closed: show what a setting there may have changed."""

    def save_state(self) -> dict[str, Any]:
        """Splitter sizes, last selection... stored in the workspace settings."""
        return {}

    def restore_state(self, state: dict[str, Any]) -> None:
        """Called once at start with what save_state returned last time."""
