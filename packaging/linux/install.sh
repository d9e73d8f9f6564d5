#!/usr/bin/env bash
# Install Keyworker from this unpacked tarball.
#
#   ./install.sh                 for you only: ~/.local/opt/keyworker, ~/.local/bin/keyworker,
#                                the desktop entry and icons under ~/.local/share (no root)
#   sudo ./install.sh --system   for everyone: /opt/keyworker, /usr/local/bin/keyworker,
#                                /usr/local/share/applications and /usr/local/share/icons
#   ./install.sh --uninstall     (with --system too) removes what the install placed
#   --destdir DIR                stage everything under DIR (for packagers and tests); the
#                                desktop entry still names the final location
#
# The organisation's policy file goes in /etc/xdg/Keyworker/policy.toml (see the README's
# "Deploying" section); this script never writes one.
set -euo pipefail

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }

system=0 uninstall=0 destdir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --system) system=1 ;;
    --uninstall) uninstall=1 ;;
    --destdir) destdir=${2:?--destdir needs a folder}; shift ;;
    --destdir=*) destdir=${1#--destdir=} ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

if [ "$system" -eq 1 ]; then
  app_dir=/opt/keyworker
  bin_dir=/usr/local/bin
  data_dir=/usr/local/share
  if [ -z "$destdir" ] && [ "$(id -u)" -ne 0 ]; then
    echo "install.sh: --system installs for every user and needs root: sudo $0 --system" >&2
    exit 1
  fi
else
  : "${HOME:?HOME is not set}"
  app_dir=$HOME/.local/opt/keyworker
  bin_dir=$HOME/.local/bin
  data_dir=${XDG_DATA_HOME:-$HOME/.local/share}
fi
root=${destdir%/}
apps=$root$data_dir/applications
icons=$root$data_dir/icons/hicolor
sizes="16 32 48 64 128 256"

refresh_caches() {
  # Only for a live install: desktop caches of a staging folder are the packager's business.
  [ -z "$destdir" ] || return 0
  if command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$apps" 2>/dev/null || true
  fi
  if command -v gtk-update-icon-cache >/dev/null; then
    gtk-update-icon-cache -q -t "$icons/.." 2>/dev/null || true
  fi
}

if [ "$uninstall" -eq 1 ]; then
  rm -rf "$root$app_dir"
  # Only remove the command if it is our link into the app folder.
  if [ -L "$root$bin_dir/keyworker" ]; then rm -f "$root$bin_dir/keyworker"; fi
  rm -f "$apps/keyworker.desktop" "$icons/scalable/apps/keyworker.svg"
  for s in $sizes; do rm -f "$icons/${s}x${s}/apps/keyworker.png"; done
  refresh_caches
  echo "Keyworker removed from $app_dir. Case stores and the keyring entry are not touched."
  exit 0
fi

here=$(cd "$(dirname "$0")" && pwd)
bundle=$here/keyworker
res=$bundle/_internal/resources
if [ ! -x "$bundle/keyworker" ] || [ ! -f "$res/linux/keyworker.desktop" ]; then
  echo "install.sh: run it from the unpacked tarball (keyworker/ must sit beside it)" >&2
  exit 1
fi

umask 022
mkdir -p "$(dirname "$root$app_dir")" "$root$bin_dir" "$apps" "$icons/scalable/apps"
# Copy beside the old install, then swap, so a failed copy leaves the old one working.
rm -rf "$root$app_dir.new" "$root$app_dir.old"
cp -R "$bundle" "$root$app_dir.new"
chmod -R u+rwX,go+rX,go-w "$root$app_dir.new"
if [ -e "$root$app_dir" ]; then mv "$root$app_dir" "$root$app_dir.old"; fi
mv "$root$app_dir.new" "$root$app_dir"
rm -rf "$root$app_dir.old"
ln -sfn "$app_dir/keyworker" "$root$bin_dir/keyworker"

sed -e "s|^Exec=.*|Exec=$app_dir/keyworker|" -e "s|^TryExec=.*|TryExec=$app_dir/keyworker|" \
  "$res/linux/keyworker.desktop" > "$apps/keyworker.desktop"
chmod 0644 "$apps/keyworker.desktop"
install -m 0644 "$res/icons/keyworker.svg" "$icons/scalable/apps/keyworker.svg"
for s in $sizes; do
  mkdir -p "$icons/${s}x${s}/apps"
  install -m 0644 "$res/icons/keyworker-$s.png" "$icons/${s}x${s}/apps/keyworker.png"
done
refresh_caches

echo "Keyworker installed in $app_dir; command $bin_dir/keyworker; menu entry in $apps."
case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) [ -n "$destdir" ] || echo "Note: $bin_dir is not on your PATH; the menu entry works anyway." ;;
esac
