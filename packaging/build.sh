#!/usr/bin/env bash
# One command for a self-contained pkm: `packaging/build.sh` builds dist/pkm/ with PyInstaller
# (see packaging/pkm.spec for why PyInstaller and one-folder mode). Run dist/pkm/pkm: the
# window with no arguments, the CLI with arguments. The folder needs no Python and can be
# copied anywhere; it runs on the OS (and CPU) it was built on and similar or newer ones.
#
# Sets up .venv with the build tools on first use, like scripts/run. PKM_VENV=/path/to/venv
# uses another virtualenv that already has pkm's dependencies and PyInstaller.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${PKM_VENV:-.venv}
if [ -z "${PKM_VENV:-}" ]; then
  # (Re)install when PyInstaller is missing, or when pyproject.toml changed since this script
  # installed (CI installs '.[build]' itself just before).
  if [ ! -x .venv/bin/pyinstaller ] ||
    { [ -e .venv/.installed-build ] && [ pyproject.toml -nt .venv/.installed-build ]; }; then
    echo "Setting up the build environment in .venv…" >&2
    "${PYTHON:-python3}" -m venv .venv
    .venv/bin/python -m pip install --quiet --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet --quiet -e '.[build]'
    touch .venv/.installed-build .venv/.installed
  fi
fi
start=$(date +%s)
# Work files go to build/pyinstaller; dist/pkm is replaced.
"$VENV/bin/python" -m PyInstaller --noconfirm --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/pkm.spec
echo "Built dist/pkm/ ($(du -sh dist/pkm | cut -f1)) in $(( $(date +%s) - start )) s. Start it with dist/pkm/pkm" >&2
