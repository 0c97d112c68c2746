# Two entry points for a fresh machine: `make dataset` and `make test`.
# Each creates .venv and installs the locked dependencies when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: dataset test venv lock clean bench

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# The dataset is whatever `dvc repro` rebuilds from data/raw/ (see dvc.yaml); it is a no-op
# when dvc.lock already matches the workspace.
dataset: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dvc repro

test: $(STAMP)
	$(BIN)/python -m pytest -q

# On demand, not part of `make test`: the build against datatrove's workload W (benchmarks/run.py).
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# Re-resolve every transitive dependency and rewrite the lock (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --extra test --python-version 3.11 --generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) data/interim .pytest_cache
