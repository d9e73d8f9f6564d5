#!/usr/bin/env bash
# Sets up what Keyworker needs on a Debian/Ubuntu machine: system packages
# (a Secret Service keyring, Xvfb and the Qt xcb libraries, PDF tools, the AT-SPI
# accessibility bus and the system Python's pyatspi to read it) and a
# virtualenv in .venv with the app and its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  dbus gnome-keyring
  xvfb xauth xdotool imagemagick libxss1
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0
  qpdf poppler-utils sqlite3 tesseract-ocr tesseract-ocr-eng
  at-spi2-core python3-pyatspi gir1.2-atspi-2.0
  python3-venv desktop-file-utils tzdata
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.keyworker-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "Installing Keyworker and its test tools into .venv: about 2 minutes the first time"
  echo "(each package is named as it is installed; the whole log is in .venv/install.log)."
  # pip's own lines go to the log; the packages it collects are shown as it goes.
  if ! { .venv/bin/python -m pip install --upgrade pip \
         && .venv/bin/python -m pip install -e ".[dev]"; } 2>&1 | tee .venv/install.log \
       | sed -un 's/^Collecting \([^ ]*\).*/  collecting \1/p'; then
    tail -n 30 .venv/install.log
    echo "Setting up .venv failed; the full log is in .venv/install.log" >&2
    exit 1
  fi
  touch "$stamp"
fi
