# The two commands of the README: `make run` and `make test`. Both start with `make setup`.
# `make serve` is the production-like trial: gunicorn and the task worker, DEBUG off.
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup setup-test setup-bench run serve test lint lint-imports demo

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --browser

# What bench/pages.py and bench/load.py need beyond `make setup`: gunicorn (pinned in
# requirements.txt), a reachable PostgreSQL and the throwaway databases they empty.
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
setup-bench: setup
	$(PY) -c "import gunicorn; print('gunicorn', gunicorn.__version__)"
	$(PY) scripts/bench_databases.py $(BENCH_PG) bench_pages bench_load

# The demo runs the development configuration (DEBUG on, plain-HTTP cookies) and keeps the
# demo accounts' shared password; a production server sets none of these.
run: export DJANGO_DEBUG = 1
run: export BULLETIN_DEMO = 1
run: setup
	$(PY) manage.py load_demo
	@echo "杭州人大信息编辑系统：http://$(HOST):$(PORT)/  （Ctrl+C 停止）"
	@# The task worker renders previews and publishes in the background (docs/operations.md, "Work in the background").
	$(PY) manage.py run_worker & worker=$$!; trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

serve: setup
	HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

# Both cores by default (pytest-xdist; each worker has its own test database);
# TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= 2
test: setup-test
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: lint-imports
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# The layer contract (.importlinter): fails on an import that climbs up a layer.
lint-imports: setup
	.venv/bin/lint-imports --no-cache

demo: export DJANGO_DEBUG = 1
demo:
	$(PY) manage.py load_demo
