# Python side: the pyo3 binding (bindings-python) and the package (python-package).
# Included by the top-level Makefile; also usable alone: `make -f mk/python.mk py-test`.
#
#   py-deps       .venv/ at the repo root with the pinned dev tools (requirements-dev.txt)
#   py-build      build the native module and install the package into .venv (maturin develop,
#                 with the test hooks: PY_FEATURES=test-hooks; a wheel for users is built
#                 without them)
#   py-gen        regenerate instagram_graph/_generated.py (catalogue) and _webhook_events.py (webhook event schema)
#   py-gen-check  fail if a generated file is stale
#   py-test       pytest (sync + async, against the embedded sandbox)
#   py-lint       ruff check, ruff format --check, mypy --strict (package, tools, tests, examples),
#                 py-gen-check

PY_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
PYTHON ?= python3
CARGO_TARGET_DIR ?= $(PY_ROOT)/target
PY_VENV := $(PY_ROOT)/.venv
PY_BIN := $(PY_VENV)/bin
PY_PKG := $(PY_ROOT)/python-package
PY_DEPS_STAMP := $(PY_VENV)/.py-deps.stamp
# maturin develop profile: debug by default (reuses `cargo build` artifacts); PY_PROFILE=--release for speed.
PY_PROFILE ?=
# Cargo features of the development build in .venv: the test hooks (_panic_in_future) the tests
# need. Shipped wheels (`maturin build --release`, no --features) never contain them.
PY_FEATURES ?= test-hooks

.PHONY: py-deps py-build py-gen py-gen-check py-test py-lint py-clean

py-deps: $(PY_DEPS_STAMP)

$(PY_DEPS_STAMP): $(PY_PKG)/requirements-dev.txt
	test -x $(PY_BIN)/python || $(PYTHON) -m venv $(PY_VENV)
	$(PY_BIN)/python -m pip install --quiet --disable-pip-version-check -r $(PY_PKG)/requirements-dev.txt
	touch $@

py-build: py-deps
	cd $(PY_PKG) && VIRTUAL_ENV=$(PY_VENV) CARGO_TARGET_DIR=$(CARGO_TARGET_DIR) \
		$(PY_BIN)/maturin develop --quiet $(PY_PROFILE) $(if $(strip $(PY_FEATURES)),--features $(PY_FEATURES))
	cd $(PY_ROOT) && $(PY_BIN)/python -c 'import instagram_graph as ig; print("instagram_graph", ig.__version__, "installed in .venv")'

py-gen: py-build
	$(PY_BIN)/python $(PY_PKG)/tools/generate.py

py-gen-check: py-build
	$(PY_BIN)/python $(PY_PKG)/tools/generate.py --check

py-test: py-build
	cd $(PY_PKG) && $(PY_BIN)/python -m pytest $(call leak_tee,py-test.log)

py-lint: py-build
	cd $(PY_PKG) && $(PY_BIN)/ruff check . && $(PY_BIN)/ruff format --check .
	$(PY_BIN)/ruff check --config $(PY_PKG)/pyproject.toml $(PY_ROOT)/examples/demo.py $(PY_ROOT)/examples/webhook_receiver.py
	$(PY_BIN)/ruff format --check --config $(PY_PKG)/pyproject.toml $(PY_ROOT)/examples/demo.py $(PY_ROOT)/examples/webhook_receiver.py
	cd $(PY_PKG) && $(PY_BIN)/mypy
	$(PY_BIN)/python $(PY_PKG)/tools/generate.py --check

py-clean:
	rm -rf $(PY_VENV) $(PY_PKG)/instagram_graph/_native*.so
