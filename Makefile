# The two commands of the README: `make run` and `make test`. Everything else is a helper of those.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
export DJANGO_SETTINGS_MODULE := safetyteams.settings

# Tests always run against real PostgreSQL and Redis (local by default; override the URLs below).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/veiligheidsteam
TEST_REDIS_URL    ?= redis://127.0.0.1:6379/0

.PHONY: run test lint bench install install-dev deploy-check services browser-tools nlds-css clean

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) scripts/run_stack.py

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	# Every service and selector type-checks (django-stubs); the modules they import are read, not judged.
	$(VENV)/bin/mypy --follow-imports=silent $$(find partners security cases workflows metrics exchange \
		\( -name services.py -o -name selectors.py \) -not -path '*/migrations/*' | sort)

# Production settings with fresh random secrets: each of the three must be set, long and its own.
NEW_SECRET = $$($(PY) -c 'import secrets; print(secrets.token_urlsafe(48))')
deploy-check: $(VENV)/.installed
	DEBUG=false SECRET_KEY=$(NEW_SECRET) PSEUDONYM_SECRET=$(NEW_SECRET) ACCESS_LOG_KEY=$(NEW_SECRET) \
	ALLOWED_HOSTS=veiligheidsteam.example.org DATABASE_URL=$(TEST_DATABASE_URL) \
	$(PY) manage.py check --deploy --fail-level WARNING

services:
	@bash scripts/ensure_services.sh

# The browser tests drive Debian's chromium (no browser download) and check pages with axe-core.
AXE_CORE_VERSION := 4.14.1
browser-tools:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	@grep -qs '"version": "$(AXE_CORE_VERSION)"' node_modules/axe-core/package.json || \
		npm install --no-save --no-audit --no-fund axe-core@$(AXE_CORE_VERSION)

# The NL Design System CSS is vendored (safetyteams/static/vendor/nl-design-system/, committed), so `make run`
# needs no npm; this refreshes it from the npm registry at the versions pinned in the script.
nlds-css:
	bash scripts/vendor_nlds.sh

test: $(VENV)/.installed-dev services browser-tools lint deploy-check
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(PY) scripts/i18n.py check
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_REDIS_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(VENV)/bin/pytest -q

bench: $(VENV)/.installed-dev services
	CELERY_BROKER_URL=$(TEST_REDIS_URL) $(PY) benchmarks/run.py  # BENCH_SCALE=100k (default), national or both

clean:
	rm -rf $(VENV) var db.sqlite3 staticfiles
