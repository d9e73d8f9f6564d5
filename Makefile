# Keyworker — the two commands the README promises: `make run` and `make test`.
.PHONY: setup run test lint typecheck unit bench clean

VENV := .venv
PY := $(VENV)/bin/python

setup:
	@bash scripts/setup.sh

run: setup
	@bash scripts/run.sh

lint: setup
	$(VENV)/bin/ruff check keyworker_app tests bench

typecheck: setup
	$(VENV)/bin/mypy --strict keyworker_app

unit: setup
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q

# Lint, types, then the whole suite inside a private D-Bus session with an unlocked
# gnome-keyring (the real Secret Service) and the end-to-end tests under Xvfb.
test: setup
	$(VENV)/bin/ruff check keyworker_app tests bench
	$(VENV)/bin/mypy --strict keyworker_app
	QT_QPA_PLATFORM=offscreen KEYWORKER_E2E=1 bash tests/run_with_secret_service.sh $(VENV)/bin/pytest -q -p no:cacheprovider

bench: setup
	bash tests/run_with_secret_service.sh $(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build dist *.egg-info
