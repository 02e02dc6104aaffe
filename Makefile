# The README's two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Test services: the machine's PostgreSQL and Redis unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/secor
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test bench lint format install install-test system-packages check-services clean

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
run: install
	DEBUG=true SECOR_REQUIRE_STAFF_MFA=false $(PY) manage.py migrate --noinput
	DEBUG=true SECOR_REQUIRE_STAFF_MFA=false $(PY) manage.py demo_data
	DEBUG=true SECOR_REQUIRE_STAFF_MFA=false $(PY) manage.py runserver 127.0.0.1:8000

system-packages:
	scripts/system-packages.sh

check-services: install-test
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) scripts/check_services.py

## make test: everything the suite needs, then the whole suite on PostgreSQL and Redis.
test: system-packages install-test check-services
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DJANGO_ALLOW_ASYNC_UNSAFE=true \
	  $(VENV)/bin/pytest $(PYTEST_ARGS)

## make bench: the budgets of the issues, as ratios and counts measured in one run.
bench: system-packages install-test check-services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/run.py $(BENCH)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 var .pytest_cache .ruff_cache
