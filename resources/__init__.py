"""Files shipped inside the package: the app icon, in a freedesktop "hicolor" tree.

The same files are installed for the desktop (``share/icons/hicolor/...``, see
``[tool.setuptools.data-files]`` in pyproject.toml) and bundled by PyInstaller
(packaging/pkm.spec), so the window can always find its icon here, whether pkm
runs from a checkout, an installed wheel or a self-contained build.

No Qt here: the GUI turns these paths into a QIcon.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

APP_ID = "io.github.pkm_app.Pkm"  # reverse-DNS id: desktop file, AppStream, icon name
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def icon_root() -> Traversable:
    return files(__name__) / "icons" / "hicolor"


def icon_files() -> list[Traversable]:
    """The app icon: the SVG first, then the PNG sizes from small to large."""
    root = icon_root()
    return [root / "scalable" / "apps" / f"{APP_ID}.svg"] + [
        root / f"{n}x{n}" / "apps" / f"{APP_ID}.png" for n in ICON_SIZES
    ]
