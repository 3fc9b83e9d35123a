#!/usr/bin/env bash
# Smoke test of the self-contained build (run packaging/build.sh first): on a fresh, empty
# data folder, dist/pkm/pkm opens its window offscreen (prints pkm-ready after the first
# paint, then exits 0), and the CLI writes an entry and finds it again.
set -euo pipefail
cd "$(dirname "$0")/.."
APP=${1:-dist/pkm/pkm}
[ -x "$APP" ] || { echo "smoke test: $APP not found; run packaging/build.sh first" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
home="$tmp/data"  # does not exist yet: pkm must create it
export QT_QPA_PLATFORM=offscreen
unset PKM_HOME

fail() { echo "smoke test FAILED: $1" >&2; [ -f "$tmp/out" ] && sed 's/^/  | /' "$tmp/out" >&2; exit 1; }

echo "smoke test: $APP on $home"
set +e
PKM_EXIT_WHEN_READY=1 timeout 60 "$APP" --home "$home" >"$tmp/out" 2>&1
rc=$?
set -e
[ "$rc" = 124 ] && fail "the window did not become ready within 60 s"
[ "$rc" = 0 ] || fail "the window exited with status $rc"
grep -qx "pkm-ready" "$tmp/out" || fail "the window exited without printing pkm-ready"
[ -d "$home" ] || fail "the data folder was not created"
echo "  window: ready and closed (exit 0)"
# The same on a real X server, as on a desktop: the bundled xcb plugin and the system's
# X11 libraries (a missing one is named by pkm itself, not by a Qt abort).
if command -v Xvfb >/dev/null; then
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" 2>/dev/null &
  xvfb=$!
  trap 'kill "$xvfb" 2>/dev/null || true; rm -rf "$tmp"' EXIT
  for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
  display=$(tr -d '[:space:]' <"$tmp/display")  # -displayfd: the free number it chose
  [ -n "$display" ] || fail "Xvfb did not start"
  set +e
  DISPLAY=":$display" QT_QPA_PLATFORM=xcb PKM_EXIT_WHEN_READY=1 timeout 60 "$APP" --home "$home" \
    >"$tmp/out" 2>&1
  rc=$?
  set -e
  [ "$rc" = 0 ] || fail "the window did not open on X11 (exit $rc)"
  grep -qx "pkm-ready" "$tmp/out" || fail "the window on X11 exited without printing pkm-ready"
  kill "$xvfb"; wait "$xvfb" 2>/dev/null || true
  trap 'rm -rf "$tmp"' EXIT
  echo "  window on X11 (Xvfb :$display): ready and closed (exit 0)"
else
  echo "  window on X11: skipped, Xvfb is not installed (apt-get install xvfb)"
fi

timeout 60 "$APP" --home "$home" journal add "hello from the smoke test" >"$tmp/out" 2>&1 \
  || fail "journal add failed"
id=$(tr -d '[:space:]' <"$tmp/out")
[[ "$id" =~ ^[0-9]+$ ]] || fail "journal add printed no entry id"
echo "  journal add: $(cat "$tmp/out")"

timeout 60 "$APP" --home "$home" search hello --json >"$tmp/out" 2>&1 || fail "search failed"
grep -q "hello from the smoke test" "$tmp/out" || fail "search did not find the new entry"
grep -Eq "\"id\": *${id}[,}]" "$tmp/out" || fail "search did not return entry $id"
echo "  search hello --json: $(tr -d '\n' <"$tmp/out" | cut -c1-160)"
# Markdown extensions loaded by name, and the PDF drawn by Qt in a child process.
timeout 60 "$APP" --home "$home" journal edit "$id" $'| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done ~~old~~' \
  >"$tmp/out" 2>&1 || fail "journal edit failed"
timeout 60 "$APP" --home "$home" journal show "$id" --html >"$tmp/out" 2>&1 || fail "journal show failed"
for html in "<table>" 'type="checkbox"' "<del>old</del>"; do
  grep -qF "$html" "$tmp/out" || fail "Markdown was not fully rendered (no $html)"
done
echo "  journal show --html: tables, task lists and strikethrough rendered"
timeout 120 "$APP" --home "$home" export "$id" --format pdf -o "$tmp/entry.pdf" >"$tmp/out" 2>&1 \
  || fail "export --format pdf failed"
[ "$(head -c 5 "$tmp/entry.pdf")" = "%PDF-" ] || fail "export --format pdf wrote no PDF"
echo "  export --format pdf: $(wc -c <"$tmp/entry.pdf") bytes"
# A rebuild of 2,000+ documents runs in a spawned child process (pkm/core/search/child.py),
# which a frozen app can only start through multiprocessing.freeze_support().
mkdir -p "$tmp/notes"
for i in $(seq 1 2100); do printf '# Note %s\n\nquarterly zephyrword %s\n' "$i" "$i" >"$tmp/notes/note-$i.md"; done
timeout 300 "$APP" --home "$home" import markdown "$tmp/notes" >"$tmp/out" 2>&1 \
  || fail "import markdown of 2,100 notes failed"
timeout 300 "$APP" --home "$home" index rebuild >"$tmp/out" 2>&1 || fail "index rebuild (child process) failed"
timeout 60 "$APP" --home "$home" search zephyrword --json >"$tmp/out" 2>&1 || fail "search after the rebuild failed"
grep -q "Note 2100\|Note 1" "$tmp/out" || fail "the rebuilt index does not find the imported notes"
echo "  import markdown (2,100 notes), index rebuild in a child process, search: ok"
# The vault folder (watchdog is imported by it).
timeout 60 "$APP" --home "$home" vault set "$tmp/vault" >"$tmp/out" 2>&1 || fail "vault set failed"
timeout 300 "$APP" --home "$home" vault sync >"$tmp/out" 2>&1 || fail "vault sync failed"
[ "$(find "$tmp/vault" -name '*.md' | wc -l)" -ge 2100 ] || fail "vault sync wrote too few files"
echo "  vault set + sync: $(find "$tmp/vault" -name '*.md' | wc -l) files"
"$APP" --version >"$tmp/out" 2>&1 || fail "--version failed"
echo "  $(cat "$tmp/out")"
# The Linux install (README "Install as an app"), into a throwaway prefix.
if [ "$APP" = dist/pkm/pkm ] && [ "$(uname -s)" = Linux ]; then
  packaging/linux/install.sh "$tmp/prefix" >"$tmp/out" 2>&1 || fail "packaging/linux/install.sh failed"
  if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$tmp/prefix/share/applications/io.github.pkm_app.Pkm.desktop" >"$tmp/out" 2>&1 \
      || fail "the installed desktop file is not valid"
  fi
  "$tmp/prefix/bin/pkm" --version >"$tmp/out" 2>&1 || fail "the installed pkm does not start"
  packaging/linux/install.sh --uninstall "$tmp/prefix" >"$tmp/out" 2>&1 || fail "uninstall failed"
  [ ! -e "$tmp/prefix/bin/pkm" ] || fail "uninstall left $tmp/prefix/bin/pkm"
  echo "  packaging/linux/install.sh: installed, started, uninstalled"
fi
echo "smoke test passed"
