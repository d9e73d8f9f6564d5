#!/usr/bin/env bash
# Build the one-folder bundle dist/keyworker/ and dist/keyworker-<version>-linux-<arch>.tar.gz
# (the bundle plus packaging/linux/install.sh). Run by `make package`.
#
# The bundle is built from a separate virtualenv (build/package-venv) made from the
# distribution's own Python, not from the development .venv: PyInstaller copies the
# interpreter, and an interpreter installed under a home folder (pyenv, a per-user
# python.org install) carries that home path inside libpython and every extension module.
# PACKAGE_PYTHON chooses another interpreter (it must not live under a home folder).
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
mkdir -p build dist
# One build at a time in this checkout (two would overwrite each other's dist/keyworker/).
exec 9>build/package.lock
flock 9
PACKAGE_PYTHON=${PACKAGE_PYTHON:-/usr/bin/python3}
VENV=build/package-venv
PY=$VENV/bin/python

if [ ! -x "$PY" ]; then
  "$PACKAGE_PYTHON" -m venv "$VENV"
fi
stamp=$VENV/.keyworker-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  "$PY" -m pip install -q --upgrade pip
  "$PY" -m pip install -q -e ".[package]"
  touch "$stamp"
fi
prefix=$("$PY" -c 'import sys; print(sys.base_prefix)')
case "$prefix" in
  /home/*|/root|/root/*|/Users/*)
    echo "packaging: $PACKAGE_PYTHON lives under a home folder ($prefix); its path would" \
         "end up in the bundle. Set PACKAGE_PYTHON to a system Python." >&2
    exit 2;;
esac

"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/keyworker.spec

version=$("$PY" -c 'import keyworker_app; print(keyworker_app.__version__)')
name="keyworker-${version}-linux-$(uname -m)"
stage="build/tarball/$name"
rm -rf build/tarball
mkdir -p "$stage"
cp -R dist/keyworker "$stage/keyworker"
install -m 0755 packaging/linux/install.sh "$stage/install.sh"
# Reproducible and anonymous: no build user or group names, fixed order and times.
mtime=$(git log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" \
  -C build/tarball -czf "dist/$name.tar.gz.part" "$name"
mv "dist/$name.tar.gz.part" "dist/$name.tar.gz"
rm -rf build/tarball

end=$(date +%s)
echo "Built dist/keyworker/ ($(du -sh dist/keyworker | cut -f1)) and dist/$name.tar.gz" \
     "($(du -sh "dist/$name.tar.gz" | cut -f1)) in $((end - start)) s."
