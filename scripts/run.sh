#!/usr/bin/env bash
# Launches the Keyworker desktop app. When no store exists at the chosen location
# it first creates a demo store of clearly fictitious families.
#   bash scripts/run.sh           on a desktop (DISPLAY or WAYLAND_DISPLAY set)
#   bash scripts/run.sh --xvfb    on a machine without a screen: a virtual screen,
#                                 a private D-Bus session and keyring kept in .demo/
# KEYWORKER_STORE chooses the store (both ways); KEYWORKER_XVFB_DISPLAY (e.g. :77) the
# virtual screen's number (a free one is chosen otherwise).
# Exit status 3: no display to open a window on (explained; `make run` treats it as done).
set -euo pipefail
cd "$(dirname "$0")/.."

NO_DISPLAY=3
DEMO_PASSPHRASE=${KEYWORKER_DEMO_PASSPHRASE:-"demo tangerine lantern 42"}
user_store=${KEYWORKER_STORE:-}
export KEYWORKER_STORE=${KEYWORKER_STORE:-"$(.venv/bin/python -c 'from keyworker_app.paths import default_store_dir; print(default_store_dir().parent / "demo-store")')"}

ensure_demo_store() {
  if [ ! -f "$KEYWORKER_STORE/casestore.header" ]; then
    echo "No case store at $KEYWORKER_STORE: creating a demo store (25 fictitious families)."
    KEYWORKER_PASSPHRASE="$DEMO_PASSPHRASE" .venv/bin/keyworker demo --families 25 --seed 1
    echo "Demo passphrase: $DEMO_PASSPHRASE"
  fi
}

if [ "${1:-}" = "--xvfb" ]; then
  demo_home="$PWD/.demo/home"
  mkdir -p "$demo_home" && chmod 700 "$PWD/.demo" "$demo_home"
  export HOME="$demo_home" XDG_DATA_HOME="$demo_home/.local/share" \
    XDG_CONFIG_HOME="$demo_home/.config" XDG_CACHE_HOME="$demo_home/.cache"
  if [ -n "$user_store" ]; then
    export KEYWORKER_STORE="$user_store"  # the user's own choice wins
    echo "Using the store at $KEYWORKER_STORE (the keyring here is a private one: a store"
    echo "made elsewhere opens with \"Use recovery key…\" on the unlock screen)."
  else
    export KEYWORKER_STORE="$demo_home/demo-store"
  fi
  export DEMO_PASSPHRASE
  if [ -n "${KEYWORKER_XVFB_DISPLAY:-}" ]; then
    display=$KEYWORKER_XVFB_DISPLAY
    Xvfb "$display" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb_pid=$!
  else  # let Xvfb pick a free display number and tell us which
    fifo=$(mktemp -u "${TMPDIR:-/tmp}/keyworker-xvfb.XXXXXX")
    mkfifo -m 600 "$fifo"
    Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$fifo" >/dev/null 2>&1 &
    xvfb_pid=$!
    read -r number <"$fifo"
    rm -f "$fifo"
    display=":$number"
  fi
  trap 'kill $xvfb_pid 2>/dev/null || true' EXIT
  export DISPLAY="$display" QT_QPA_PLATFORM=xcb
  echo "Keyworker is running on virtual screen $display."
  echo "Screenshot: DISPLAY=$display import -window root shot.png   (stop with Ctrl+C)"
  exec_cmd='eval "$(printf %s "keyworker-demo-keyring" | gnome-keyring-daemon --unlock --components=secrets)";
    export KEYWORKER_STORE HOME XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME DISPLAY QT_QPA_PLATFORM;
    if [ ! -f "$KEYWORKER_STORE/casestore.header" ]; then
      echo "Creating a demo store (25 fictitious families)...";
      KEYWORKER_PASSPHRASE="$DEMO_PASSPHRASE" .venv/bin/keyworker demo --families 25 --seed 1;
    fi;
    echo "Demo passphrase: $DEMO_PASSPHRASE";
    .venv/bin/keyworker'
  dbus-run-session -- bash -c "$exec_cmd"
  exit $?
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat <<MSG
Keyworker is a desktop app and this machine has no display (DISPLAY and
WAYLAND_DISPLAY are not set), so it cannot open a window here.

To run it on a virtual screen (Xvfb) with a private keyring instead:
    bash scripts/run.sh --xvfb
and take a screenshot from another terminal with the display it names, e.g.:
    DISPLAY=:77 import -window root shot.png
(KEYWORKER_XVFB_DISPLAY=:77 chooses the display; otherwise a free one is used.)
MSG
  exit $NO_DISPLAY
fi

ensure_demo_store
exec .venv/bin/keyworker
