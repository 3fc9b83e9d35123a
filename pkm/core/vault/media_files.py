"""Images and attachments travel with their entries: ``media/`` inside the vault.

An entry names its files ``media/<sha256>.<ext>`` (pkm.core.media); the export puts
them beside the Markdown at the same relative path, and so does the vault, so
Obsidian shows them and another device's pkm finds them. Coming in, a file is
taken into the data folder's media store only if its bytes hash to the name it
has (a file swapped in the vault cannot pose as another), and before the entry
that names it is written, as the media store requires.
"""

from __future__ import annotations

from pathlib import Path

from pkm.core.errors import BadInput
from pkm.core.media import MediaStore
from pkm.core.settings import atomic_write_bytes


def send(home: Path, folder: Path, body: str) -> list[str]:
    """Copy the files ``body`` names into the vault; returns the ones the data folder lacks."""
    store, missing = MediaStore(home), []
    for ref in store.refs_in(body):
        source, target = Path(home) / ref, Path(folder) / ref
        if target.exists():
            continue
        if not source.is_file():
            missing.append(ref)
            continue
        atomic_write_bytes(target, source.read_bytes(), shared=True)
    return missing


def receive(home: Path, folder: Path, body: str) -> list[str]:
    """Take the files ``body`` names from the vault into the media store; returns problems."""
    store, problems = MediaStore(home), []
    for ref in store.refs_in(body):
        if (Path(home) / ref).exists():
            continue
        source = Path(folder) / ref
        if not source.is_file():
            continue  # not arrived yet (a sync engine still copying): the next sync looks again
        try:
            stored = store.add(source.read_bytes(), source.name)
        except (OSError, BadInput) as exc:
            problems.append(f"{ref}: not taken in ({exc})")
            continue
        if stored.ref != ref:
            problems.append(f"{ref}: its bytes do not match its name; not used")
    return problems
