# Two commands matter: `make run` (the system on embedded SQLite with demo data)
# and `make test` (the whole suite). Everything else is a helper for them.
PYTHON ?= python3
UV := $(PYTHON) -m uv
PORT ?= 8000
MANAGE := $(UV) run --frozen python manage.py

.PHONY: run test install uv migrate demo lint check bench generate messages

uv:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv

install: uv
	@$(UV) sync --frozen --quiet

migrate: install
	@mkdir -p var
	@$(MANAGE) migrate --noinput -v 0

demo: migrate
	@$(MANAGE) load_demo

run: demo
	@echo ""
	@echo "Бережно: откройте http://127.0.0.1:$(PORT)/ (справочник участков: http://127.0.0.1:$(PORT)/find-specialist/)"
	@echo "Вместе с сервером работают обработчик фоновых задач и планировщик (Ctrl-C останавливает всё)."
	@$(MANAGE) run_all --addr 127.0.0.1:$(PORT)

# The suite runs on one pytest-xdist worker per core (each with its own test database,
# docs/decisions/0013); TEST_WORKERS=0 runs it in this process. Running pytest by hand on a
# file or two stays in one process, without the workers' start-up. --compile-bytecode: the
# packages' .pyc are written once, not compiled again in every worker (some environments set
# PYTHONDONTWRITEBYTECODE).
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

test: install
	@mkdir -p var
	@$(UV) run --frozen --compile-bytecode pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	@$(UV) run --frozen ruff check .
	@$(UV) run --frozen lint-imports --no-cache
	@$(UV) run --frozen mypy
	@$(MANAGE) makemigrations --check --dry-run -v 0

check: lint
	@$(MANAGE) check

generate: migrate
	@$(MANAGE) generate_data --persons $${PERSONS:-10000}

bench: install
	@$(MANAGE) bench

# Refresh the message catalogue after changing user-facing strings (needs GNU gettext).
messages: install
	@$(MANAGE) makemessages -l ru --ignore ".venv/*" --ignore "var/*" --ignore "tests/*" --no-obsolete
	@$(MANAGE) compilemessages -l ru --ignore ".venv/*"
