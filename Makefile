# Two commands for a fresh machine: `make demo` and `make test`.
# Both create the virtual environment in .venv and install what they need.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test unit bench clean mysql-driver

# mysqlclient compiles against libmariadb: without it MariaDB tests are skipped, not broken.
# Its success is not part of the stamp: until the driver imports, every make that needs it
# tries again (say, once libmariadb-dev is installed).
MYSQL_DRIVER = $(BIN)/python -c "import MySQLdb" 2>/dev/null \
  || $(BIN)/pip install -q --disable-pip-version-check -e '.[mysql]' \
  || echo "warning: mysqlclient did not build (apt-get install libmariadb-dev pkg-config); MariaDB tests will be skipped"

$(STAMP): setup.py requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[postgresql]' -r requirements-dev.txt
	@$(MYSQL_DRIVER)
	@! $(BIN)/pip show -q nose 2>/dev/null || (echo "error: the broken 'nose' distribution got installed" && false)
	touch $(STAMP)

mysql-driver: $(STAMP)
	@$(MYSQL_DRIVER)

demo: $(STAMP)
	$(BIN)/python tools/demo.py

test: $(STAMP) mysql-driver
	$(BIN)/python -m pytest tests

# Every contender on every backend, side by side (11 to 16 minutes here, under 30); options:
# make bench BENCH_ARGS="--backends sqlite --runs 1". Contender venvs go in .bench/.
bench: $(STAMP) mysql-driver
	$(BIN)/python -m bench.run $(BENCH_ARGS)

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
