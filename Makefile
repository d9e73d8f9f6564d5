# Keyworker — the two commands the README promises: `make run` and `make test`.
.PHONY: setup run test lint typecheck unit bench torture package clean

VENV := .venv
PY := $(VENV)/bin/python

setup:
	@bash scripts/setup.sh

run: setup
	@bash scripts/run.sh; status=$$?; [ $$status -eq 3 ] || exit $$status  # 3: no display, explained

lint: setup
	$(VENV)/bin/ruff check keyworker_app tests bench

typecheck: setup
	$(VENV)/bin/mypy --strict keyworker_app

unit: setup
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q

# Lint, types, then the whole suite inside a private D-Bus session with an unlocked
# gnome-keyring (the real Secret Service), the end-to-end tests under Xvfb and the
# packaging test (builds dist/keyworker/ with packaging/build.sh, about a minute).
test: setup
	$(VENV)/bin/ruff check keyworker_app tests bench
	$(VENV)/bin/mypy --strict keyworker_app
	QT_QPA_PLATFORM=offscreen KEYWORKER_E2E=1 KEYWORKER_SLOW=1 bash tests/run_with_secret_service.sh $(VENV)/bin/pytest -q -p no:cacheprovider

# The torture suite at full size (minutes; not part of `make test`, whose short version
# is tests/torture/test_torture_short.py): prints a table of inputs tried and failures.
torture: setup
	bash tests/run_with_secret_service.sh $(PY) -m tests.torture.run

bench: setup
	bash tests/run_with_secret_service.sh $(PY) bench/run_all.py

# The one-folder PyInstaller bundle dist/keyworker/ and its installable tarball
# dist/keyworker-<version>-linux-<arch>.tar.gz (see packaging/build.sh and README "Deploying").
package: setup
	bash packaging/build.sh

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build dist *.egg-info
