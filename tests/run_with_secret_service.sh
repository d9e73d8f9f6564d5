#!/usr/bin/env bash
# Run a command inside a private D-Bus session with an unlocked gnome-keyring
# (Secret Service), so tests can use the real default keyring without touching the
# user's own. Usage: bash tests/run_with_secret_service.sh CMD [ARGS...]
# Needs apt packages: gnome-keyring dbus.
set -euo pipefail
if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
    command -v "$tool" >/dev/null || { echo "$tool not found (apt install gnome-keyring dbus)" >&2; exit 2; }
done
T="$(mktemp -d "${TMPDIR:-/tmp}/kw-secret-service.XXXXXX")"
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/.local/share" "$T/.config" "$T/.cache" "$T/run"
chmod 700 "$T/run"
# Everything the daemon writes (the keyring file, its control socket) goes into $T.
export HOME="$T" XDG_DATA_HOME="$T/.local/share" XDG_CONFIG_HOME="$T/.config" \
    XDG_CACHE_HOME="$T/.cache" XDG_RUNTIME_DIR="$T/run"
# A throwaway password for the throwaway keyring.
PW="$(head -c 18 /dev/urandom | base64)"
export PW
dbus-run-session -- bash -c '
    eval "$(printf %s "$PW" | gnome-keyring-daemon --unlock --components=secrets)"
    unset PW
    export KEYWORKER_SECRET_SERVICE_TEST=1
    exec "$@"' bash "$@"
