# Cunzhi: `make run` sets everything up and serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
PORT ?= 8000
UV := .tools/bin/uv
VENV := .venv/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
# Every manage.py call reads the key make setup wrote, unless the environment brings its own.
MANAGE = SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" $(VENV)/python manage.py

.PHONY: setup run serve test test-postgres bench lint check ci clean messages messages-update

setup: $(VENV)/.synced node_modules/.installed var/secret_key messages ## install Python and npm packages, compile translations

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==0.13.8"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

var/secret_key:
	mkdir -p var
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

messages: $(VENV)/.synced var/secret_key
	@$(MANAGE) compilemessages --ignore=.venv --ignore=.tools --ignore=node_modules -v 0

messages-update: $(VENV)/.synced var/secret_key ## collect new strings into the Chinese catalogue
	$(MANAGE) makemessages -l zh_Hans --ignore=.venv --ignore=.tools --ignore=node_modules --ignore=var --no-obsolete

# The demo signs in with the password alone, so that each role can be tried in a minute; with
# OTP_REQUIRED=1 make run, roles that may reveal numbers set up an authenticator (docs/deploy.md).
run: export OTP_REQUIRED := $(or $(OTP_REQUIRED),0)
run: setup ## migrate, seed the demo county if the database is empty, and serve on 127.0.0.1:$(PORT)
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) seed_demo --if-empty
	$(MANAGE) collectstatic --no-input -v 0
	$(MAKE) --no-print-directory serve

serve:
	@echo "Cunzhi on http://127.0.0.1:$(PORT)/ (Ctrl-C stops the server and the background worker)"
	@export SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}"; \
	$(VENV)/python manage.py db_worker --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/gunicorn cunzhi.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --access-logfile -

test: setup ## the whole suite, on SQLite unless DATABASE_URL says otherwise
	$(VENV)/pytest -n 2 --dist loadfile -q

test-postgres: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(VENV)/pytest -n 2 --dist loadfile -q

bench: setup ## benchmarks, each printing a ratio against a baseline measured in the same run
	$(VENV)/python benchmarks/run.py

lint: setup
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	SECRET_KEY=type-checking-only $(VENV)/mypy cunzhi benchmarks

check: setup
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

ci: lint check test

clean:
	rm -rf .venv .tools node_modules var/static
