"""The one Whoosh release the search engine is built against, checked at import.

The engine writes and reads Whoosh's on-disk format directly and uses about
40 of its private internals (``bulk.py``, ``postings.py``, ``cache.py``,
``engine.py``): the W3 codec's block layout, its term-info and hash-table
structs, ``SegmentWriter`` attributes, the Levenshtein automata. Any other
release can change one of them without notice (with the original ``Whoosh``
2.7.4 installed in its place, search breaks after the first update), so
``pyproject.toml`` pins ``whoosh-reloaded`` to exactly this version, the
package refuses to load with any other one, and the version is part of
``INDEX_VERSION`` (an index written by another release is rebuilt).

The check reads ``whoosh.__version__`` (the code actually imported, whichever
distribution put it there), not the package metadata: importing
``importlib.metadata`` costs ~50 ms of every command's start-up. The
metadata is read only to word the error.
"""

from __future__ import annotations

from pkm.core.errors import PkmError

DISTRIBUTION = "whoosh-reloaded"
VERSION = (2, 7, 5)
VERSION_TEXT = ".".join(map(str, VERSION))


class WrongWhoosh(PkmError):
    """The installed Whoosh is not the release the engine is built against."""


def _installed_distributions() -> str:
    """e.g. "Whoosh 2.7.4, whoosh-reloaded 2.7.5", for the message (best effort)."""
    try:
        from importlib import metadata

        found = []
        for name in ("Whoosh", "whoosh-reloaded"):
            try:
                found.append(f"{name} {metadata.version(name)}")
            except metadata.PackageNotFoundError:
                continue
        return ", ".join(found)
    except Exception:  # only the wording depends on it
        return ""


def check(imported: object = None) -> None:
    """Raise WrongWhoosh unless the importable ``whoosh`` is exactly VERSION."""
    try:
        if imported is None:
            import whoosh as imported
        found = tuple(getattr(imported, "__version__", ()))[:3]
    except ImportError:
        found = ()
    if found == VERSION:
        return
    what = f"version {'.'.join(map(str, found))}" if found else "no version of it"
    dists = _installed_distributions()
    raise WrongWhoosh(
        f"Search needs {DISTRIBUTION} {VERSION_TEXT} exactly, but Python finds {what}"
        + (f" (installed: {dists})" if dists else "")
        + f"; run: pip uninstall -y Whoosh {DISTRIBUTION} && "
        f"pip install '{DISTRIBUTION}=={VERSION_TEXT}', or reinstall pkm."
    )
