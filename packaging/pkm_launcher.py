"""Entry point of the self-contained build (packaging/pkm.spec): the `pkm` console script.

`dist/pkm/pkm` with no arguments opens the window; with arguments it is the CLI.
Kept outside the package so PyInstaller does not put pkm/ itself on the import path.
"""

import sys


def _python_c() -> None:
    """Stand in for `python -c CODE ARGS...` in the frozen build.

    pkm starts helpers as `sys.executable -c CODE` (the PDF export draws in a child
    process); frozen, sys.executable is this program, so it runs CODE the same way,
    with only the modules bundled in the build.
    """
    code = sys.argv[2]
    sys.argv = ["-c", *sys.argv[3:]]
    exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})


if __name__ == "__main__":
    # A big search-index rebuild runs in a multiprocessing "spawn" child
    # (pkm/core/search/child.py); frozen, that child is this program, started
    # with multiprocessing's own arguments, which freeze_support() runs.
    import multiprocessing

    multiprocessing.freeze_support()
    if getattr(sys, "frozen", False) and len(sys.argv) > 2 and sys.argv[1] == "-c":
        _python_c()
    else:
        from pkm.cli import main

        main()
