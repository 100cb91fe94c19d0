# gonghui — `make run` serves the demo on SQLite; `make test` runs everything on PostgreSQL.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= gonghui.settings.base

.PHONY: install run test test-fast bench lint db clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed")'
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	@echo "installing Python packages into $(VENV)…" >&2
	@$(PY) -m pip install -q --upgrade pip >&2
	@$(PY) -m pip install -q -e '.[dev]' >&2
	@touch $@

install: $(VENV)/.installed
	@bash scripts/assets.sh

# As production would serve it, still on SQLite: DEBUG off, static files collected and compressed (serve.sh).
run: export DEBUG ?= false
run: export STATIC_MANIFEST ?= true
run: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed-demo --if-empty
	@echo "服务地址 / serving at http://127.0.0.1:$(PORT)"
	@bash scripts/serve.sh $(PORT)

db:
	@bash scripts/db.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy gonghui

test: install
	@bash scripts/system-deps.sh
	@bash scripts/test.sh

test-fast: install
	DATABASE_URL=sqlite:///var/test.sqlite3 $(VENV)/bin/pytest -q -m "not slow and not e2e and not postgres_only" tests

bench: install
	@bash scripts/bench.sh

clean:
	rm -rf var node_modules gonghui/static/vendor
