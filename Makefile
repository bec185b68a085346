# Two commands do everything: `make demo` and `make test`. Every step is a file target, so a second
# run does no install work.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := var/tools
VERSITYGW_VERSION := v1.8.0
OPENSEARCH_DIST := services/opensearch/target
export WATHIQA_S3_SERVER_BIN ?= $(CURDIR)/$(TOOLS)/bin/versitygw

.PHONY: demo test setup services-build services-up services-down lint dagster fuzz soak clean

demo: setup services-up
	$(VENV)/bin/wathiqa demo

test: setup services-up
	@set -o pipefail; status=0; \
	  $(VENV)/bin/pytest $(PYTEST_ARGS) || status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure here" >&2; status=1; fi; \
	  $(MAKE) --no-print-directory services-down; \
	  exit $$status

setup: var/.system-packages $(VENV)/.installed services-build

var/.system-packages: scripts/install-system-packages.sh
	bash scripts/install-system-packages.sh
	@mkdir -p var && touch $@

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	@touch $@

services-build: $(OPENSEARCH_DIST)/.built $(TOOLS)/bin/versitygw

$(OPENSEARCH_DIST)/.built: services/opensearch/pom.xml $(wildcard services/opensearch/src/main/java/wathiqa/opensearch/*.java)
	mvn -q -B -f services/opensearch/pom.xml package
	@touch $@

$(TOOLS)/bin/versitygw:
	@mkdir -p $(TOOLS)/bin
	GOBIN=$(CURDIR)/$(TOOLS)/bin GOFLAGS=-mod=mod go install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)
	echo $(VERSITYGW_VERSION) > $(TOOLS)/bin/versitygw.version

services-up:
	$(VENV)/bin/wathiqa services up

services-down:
	$(VENV)/bin/wathiqa services down

lint: setup
	$(VENV)/bin/ruff check .

# The hostile-input sweep, longer than the test suite's (results: bench/RESULTS-fuzz.md).
fuzz: setup
	$(PY) bench/fuzz_extract.py --files 200

# Uploads, processing and freshness questions at once for two minutes (results: bench/RESULTS-soak.md).
soak: setup services-up
	$(PY) bench/soak.py --seconds 120

dagster: setup services-up
	DAGSTER_HOME=$(CURDIR) $(VENV)/bin/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

clean: services-down
	rm -rf var $(VENV) $(OPENSEARCH_DIST)
