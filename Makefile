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
# Release artifacts for every platform (mk/dist.mk builds, mk/dist-check.mk loads and checks
# them) and the benchmarks (mk/bench.mk).
include mk/dist.mk
include mk/dist-check.mk
include mk/bench.mk

.PHONY: help deps build demo test dist bench lint e2e e2e-browser e2e-queue gen gen-check rust-build rust-test rust-lint sandbox-bin sandbox leak-reset leak-scan

# `| tee FILE` of a test run's output while the secrets scan is on (make test), else nothing.
leak_tee = $(if $(IG_LEAK_DIR),2>&1 | tee $(IG_LEAK_DIR)/$(1))


help:
	@echo "make demo    build, start the embedded sandbox, run the demo job from Node and Python"
	@echo "make test    everything CI runs: build, Rust + Node + Python tests, lint, e2e in a real n8n (also in queue mode)"
	@echo "make build   native addon + Node package + Python package installed in .venv/"
	@echo "make lint    rustfmt, clippy, tsc, n8n lint, ruff, mypy, generated-files check"
	@echo "make e2e     the n8n nodes inside a real n8n (installed offline into .e2e/): actions, triggers, the panel in Chromium"
	@echo "make e2e-queue  the Instagram Trigger in n8n's queue mode (main + 2 workers, PostgreSQL + Redis)"
	@echo "make gen     regenerate TypeScript/n8n/Python surfaces from the core's catalogue"
	@echo "make sandbox run the sandbox Graph API in the foreground (prints its URL and token)"
	@echo "make dist    release addons + npm tarball + abi3 wheels + sdist for every platform into dist/, each checked"
	@echo "make bench   release-build benchmarks against fetch/requests (ratios, cold start, memory, sizes)"

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

# The soak prints its figures (requests, retries, waits): run it on its own, uncaptured.
rust-test:
	$(CARGO) test --workspace -- --skip soak:: $(call leak_tee,rust-test.log)
	$(CARGO) test -p instagram-graph --test it soak:: -- --nocapture $(call leak_tee,rust-soak.log)

rust-lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

gen: node-gen py-gen

gen-check: node-gen-check py-gen-check

lint: rust-lint node-lint py-lint

E2E_TGZ = "$$(ls -t node-package/n8n-nodes-instagram-graph-*.tgz | head -1)"

# The action node's checks, then the webhook and polling triggers (single n8n process, SQLite),
# then the node's panel in Chromium (Debian's package + playwright-core, installed on first use
# by scripts/e2e-browser-install.sh; about a minute, plus the install once).
e2e: node-pack sandbox-bin
	IG_SANDBOX_BIN=$(SANDBOX_BIN) scripts/e2e-run.sh $(E2E_TGZ)
	IG_SANDBOX_BIN=$(SANDBOX_BIN) scripts/e2e-trigger.sh $(E2E_TGZ)
	IG_SANDBOX_BIN=$(SANDBOX_BIN) scripts/e2e-browser.sh $(E2E_TGZ)

# Only the browser check (the node panel in a real Chromium).
e2e-browser: node-pack sandbox-bin
	IG_SANDBOX_BIN=$(SANDBOX_BIN) scripts/e2e-browser.sh $(E2E_TGZ)

# n8n's distributed mode: Debian's redis-server and postgresql (installed when missing, started
# on loopback under .e2e/ and stopped afterwards by scripts/e2e-queue/services.sh), one main
# and two workers.
e2e-queue: node-pack sandbox-bin
	IG_SANDBOX_BIN=$(SANDBOX_BIN) scripts/e2e-trigger.sh --queue $(E2E_TGZ)

# The secrets scan: every suite records the error texts, reprs, warnings and log lines it
# produces (node-package/test/leak-collector.cjs, python-package/tests/leakscan.py, the Rust
# secrets test) and its output is captured; scripts/scan-secrets.py fails on any secret in them.
LEAK_DIR := $(CARGO_TARGET_DIR)/leak-scan

leak-reset:
	rm -rf $(LEAK_DIR) && mkdir -p $(LEAK_DIR)

leak-scan:
	$(PYTHON) scripts/scan-secrets.py $(LEAK_DIR) --require node,python,rust

test: export IG_LEAK_DIR := $(LEAK_DIR)
test: leak-reset build rust-test node-test py-test leak-scan lint e2e e2e-queue
	@echo "make test: all green"

# Every release artifact built into dist/ and then checked (loaded where a runtime exists).
dist: dist-build dist-check
	@echo "make dist: every artifact built and checked (dist/)"
