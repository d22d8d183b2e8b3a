# instagram-graph — one entry point. Every target installs what it needs on a fresh machine
# (Rust toolchain, Node and Python come from the machine; packages from their registries).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export CARGO ?= cargo
export CARGO_TARGET_DIR ?= $(CURDIR)/target
export PYTHON ?= python3
# Keep cargo from fighting itself on 2 cores.
export CARGO_BUILD_JOBS ?= 2

SANDBOX_BIN := $(CARGO_TARGET_DIR)/debug/instagram-graph-sandbox

include mk/node.mk
include mk/python.mk

.PHONY: help deps build demo test lint e2e gen gen-check rust-build rust-test rust-lint sandbox-bin sandbox

help:
	@echo "make demo    build, start the embedded sandbox, run the demo job from Node and Python"
	@echo "make test    everything CI runs: build, Rust + Node + Python tests, lint, e2e in a real n8n"
	@echo "make build   native addon + Node package + Python package installed in .venv/"
	@echo "make lint    rustfmt, clippy, tsc, n8n lint, ruff, mypy, generated-files check"
	@echo "make e2e     the n8n node inside a real n8n (installed offline into .e2e/)"
	@echo "make gen     regenerate TypeScript/n8n/Python surfaces from the core's catalogue"
	@echo "make sandbox run the sandbox Graph API in the foreground (prints its URL and token)"

deps: node-deps py-deps

rust-build:
	$(CARGO) build --workspace --all-targets

sandbox-bin:
	$(CARGO) build -p instagram-graph-sandbox

sandbox: sandbox-bin
	$(SANDBOX_BIN) $(ARGS)

build: rust-build node-build py-build

demo: node-build py-build
	@echo "=== Node (examples/demo.mjs) ==="
	node examples/demo.mjs
	@echo
	@echo "=== Python (examples/demo.py) ==="
	.venv/bin/python examples/demo.py

rust-test:
	$(CARGO) test --workspace

rust-lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

gen: node-gen py-gen

gen-check: node-gen-check py-gen-check

lint: rust-lint node-lint py-lint

e2e: node-pack sandbox-bin
	IG_SANDBOX_BIN=$(SANDBOX_BIN) scripts/e2e-run.sh "$$(ls -t node-package/n8n-nodes-instagram-graph-*.tgz | head -1)"

test: build rust-test node-test py-test lint e2e
	@echo "make test: all green"
