# Two commands for a fresh machine: `make demo` and `make test`.
# Both create the virtual environment in .venv and install what they need.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test unit bench chaos clean mysql-driver

# mysqlclient compiles against libmariadb: without it MariaDB tests are skipped, not broken.
# Its success is not part of the stamp: until the driver imports, every make that needs it
# tries again (say, once libmariadb-dev is installed).
MYSQL_DRIVER = $(BIN)/python -c "import MySQLdb" 2>/dev/null \
  || $(BIN)/pip install -q --disable-pip-version-check -e '.[mysql]' \
  || echo "warning: mysqlclient did not build (apt-get install libmariadb-dev pkg-config); MariaDB tests will be skipped"

# One pip call with the driver when it builds (each call resolves again and builds the editable
# package again); else without it, and MYSQL_DRIVER says why.
PIP_INSTALL = $(BIN)/pip install -q --disable-pip-version-check --prefer-binary

$(STAMP): setup.py requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -e '.[postgresql,mysql]' -r requirements-dev.txt 2>/dev/null \
	  || $(PIP_INSTALL) -e '.[postgresql]' -r requirements-dev.txt
	@$(MYSQL_DRIVER)
	@! $(BIN)/pip show -q nose 2>/dev/null || (echo "error: the broken 'nose' distribution got installed" && false)
	touch $(STAMP)

mysql-driver: $(STAMP)
	@$(MYSQL_DRIVER)

demo: $(STAMP)
	$(BIN)/python tools/demo.py

# The tests run in parallel, one pytest-xdist worker per core (at most 4; TEST_WORKERS=0 for one
# process): each test goes to the next free worker (tests/conftest.py).
TEST_WORKERS ?= auto
test: $(STAMP) mysql-driver
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --maxprocesses=4 --dist loadgroup tests

# Every contender on every backend, side by side (11 to 16 minutes here, under 30); options:
# make bench BENCH_ARGS="--backends sqlite --runs 1". Contender venvs go in .bench/.
bench: $(STAMP) mysql-driver
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# The reliability campaign (kills, interrupts, fuzzed fixtures, races, real-database guards,
# bad options) on every backend, and its table; CHAOS_QUICK=1 for the short one CI runs.
# Options: make chaos CHAOS_ARGS="--backends sqlite --parts fuzz --fuzz 500".
CHAOS_STAMP := $(VENV)/.chaos-installed

$(CHAOS_STAMP): $(STAMP) chaos/requirements.txt
	$(PIP_INSTALL) -r chaos/requirements.txt
	touch $(CHAOS_STAMP)

chaos: $(CHAOS_STAMP)
	CHAOS_QUICK=$(CHAOS_QUICK) $(BIN)/python -m chaos $(CHAOS_ARGS)

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
