"""The core is the program; it must never depend on Qt (DESIGN.md)."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "pkm" / "core"


def test_core_never_imports_qt():
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in {"PySide6", "PyQt5", "PyQt6", "shiboken6"} for n in names):
                offenders.append(str(path.relative_to(CORE)))
    assert offenders == []


def test_core_never_imports_gui_or_cli():
    for path in CORE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "pkm.gui" not in text and "pkm.cli" not in text, path
