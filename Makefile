# The README's two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Test services: the machine's PostgreSQL and Redis unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/secor
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test bench lint format install install-test system-packages check-services check-compose clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run: the app on SQLite with local private files, tasks in-process, demo data.
# gunicorn with threads holds up under several users at once (the SQLite options
# are in settings); one process, since the cache (sessions, rate limits) is per process.
# The site refuses to start without DEBUG and SECRET_KEY; the demo sets DEBUG on
# and uses a random key kept in var/ (made once, so sessions survive a restart).
DEV_KEY := var/dev-secret-key
RUN_ENV = DEBUG=true SECRET_KEY="$$(cat $(DEV_KEY))" SECOR_REQUIRE_STAFF_MFA=false

$(DEV_KEY):
	mkdir -p var
	$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

run: install $(DEV_KEY)
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py demo_data
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C stops it)"
	$(RUN_ENV) $(VENV)/bin/gunicorn secor.wsgi --bind 127.0.0.1:8000 --workers 1 --threads 8 --access-logfile -

system-packages:
	scripts/system-packages.sh

check-services: install-test
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) scripts/check_services.py

# No Docker client on CI machines: validate against the vendored Compose schema.
check-compose: install-test
	$(PY) scripts/check_compose.py

## make test: everything the suite needs, then the whole suite on PostgreSQL and Redis.
test: system-packages install-test check-services check-compose
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DJANGO_ALLOW_ASYNC_UNSAFE=true \
	  $(VENV)/bin/pytest $(PYTEST_ARGS)

## make bench: the budgets of the issues, as ratios and counts measured in one run.
# Production-like settings (DEBUG off: no query log growing per request), plain http on loopback.
BENCH_ENV = DEBUG=false SECRET_KEY=bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
  SECURE_SSL_REDIRECT=false DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL)
bench: system-packages install-test check-services
	$(BENCH_ENV) $(PY) bench/run.py $(BENCH)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 var .pytest_cache .ruff_cache
