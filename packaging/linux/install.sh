#!/usr/bin/env bash
# Install the self-contained build (dist/pkm/, made by packaging/build.sh) for one user on
# Linux, with its launcher in the desktop's app menu:
#   packaging/linux/install.sh            # into ~/.local (no root needed)
#   packaging/linux/install.sh /usr/local # for everyone (run with sudo)
#   packaging/linux/install.sh --uninstall [PREFIX]
# Your data folder is never touched.
set -euo pipefail
cd "$(dirname "$0")/../.."
ID=io.github.pkm_app.Pkm
uninstall=0
if [ "${1:-}" = "--uninstall" ]; then uninstall=1; shift; fi
PREFIX=${1:-$HOME/.local}
SHARE=$PREFIX/share

if [ "$uninstall" = 1 ]; then
  rm -rf "$PREFIX/lib/pkm"
  [ -L "$PREFIX/bin/pkm" ] && rm -f "$PREFIX/bin/pkm"
  rm -f "$SHARE/applications/$ID.desktop" "$SHARE/metainfo/$ID.metainfo.xml"
  rm -f "$SHARE"/icons/hicolor/*/apps/"$ID".{png,svg}
  echo "pkm removed from $PREFIX (your data folder is kept)."
  exit 0
fi

[ -x dist/pkm/pkm ] || { echo "dist/pkm/pkm not found: run packaging/build.sh first." >&2; exit 1; }
mkdir -p "$PREFIX/lib" "$PREFIX/bin"
rm -rf "$PREFIX/lib/pkm"
cp -r dist/pkm "$PREFIX/lib/pkm"
ln -sfn "$PREFIX/lib/pkm/pkm" "$PREFIX/bin/pkm"
# The launcher names the program by its full path, so it works even where PREFIX/bin is not
# on the desktop session's PATH.
mkdir -p "$SHARE/applications" "$SHARE/metainfo"
sed -e "s|^Exec=pkm|Exec=$PREFIX/bin/pkm|" -e "s|^TryExec=pkm|TryExec=$PREFIX/bin/pkm|" \
  "packaging/linux/$ID.desktop" >"$SHARE/applications/$ID.desktop"
install -m 644 "packaging/linux/$ID.metainfo.xml" "$SHARE/metainfo/"
(cd resources/icons && find hicolor -type f -name "$ID.*") | while read -r icon; do
  install -D -m 644 "resources/icons/$icon" "$SHARE/icons/$icon"
done
# Refresh the menu and icon caches where the desktop keeps them (harmless where it does not).
if command -v update-desktop-database >/dev/null; then
  update-desktop-database -q "$SHARE/applications" || true
fi
if [ -f "$SHARE/icons/hicolor/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null; then
  gtk-update-icon-cache -q -t "$SHARE/icons/hicolor" || true
fi
echo "pkm installed in $PREFIX: find it in your app menu, or run $PREFIX/bin/pkm"
