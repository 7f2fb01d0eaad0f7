# The two commands of the README: `make run` and `make test`. Both start with `make setup`.
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup setup-test run test lint demo

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --browser

# The demo runs the development configuration (DEBUG on, plain-HTTP cookies) and keeps the
# demo accounts' shared password; a production server sets none of these.
run: export DJANGO_DEBUG = 1
run: export BULLETIN_DEMO = 1
run: setup
	$(PY) manage.py load_demo
	@echo "杭州人大信息编辑系统：http://$(HOST):$(PORT)/  （Ctrl+C 停止）"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup-test
	$(PY) -m pytest $(PYTEST_ARGS)

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

demo: export DJANGO_DEBUG = 1
demo:
	$(PY) manage.py load_demo
