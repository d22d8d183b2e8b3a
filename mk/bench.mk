# Benchmarks of the release builds against the alternatives, side by side (not tests: figures
# and targets are printed, the exit status is 0 unless a benchmark cannot run). bench/run.mjs
# says what is measured and how.
#
#   bench          everything below, then bench/run.mjs
#   bench-sandbox  the release sandbox command (cargo build --release -p instagram-graph-sandbox)
#   bench-node     the package to measure in bench/.work/node-package: unpacked from dist/'s npm
#                  tarball when `make dist` made one (what ships, every platform's addon in it),
#                  else node-package/dist with the host's release addon
#                  (cargo build --release -p instagram-graph-node, no test hooks)
#   bench-core     the core's release webhook_throughput example (the core alone, MB/s)
#   bench-python   bench/.work/venv with the pinned requests (bench/requirements.txt) and the
#                  instagram-graph wheel: dist/'s for this machine when there, else
#                  `maturin build --release` (no test hooks) into bench/.work/wheels
#
# IG_BENCH_ROUNDS (15), IG_BENCH_COLD_RUNS (20) and IG_BENCH_ONLY=paging,cold,memory,sizes,webhooks tune a
# run, e.g. `make bench IG_BENCH_ONLY=paging`.

BENCH_WORK := bench/.work
BENCH_VENV := $(BENCH_WORK)/venv
BENCH_PKG := $(BENCH_WORK)/node-package
BENCH_WHEELS := $(BENCH_WORK)/wheels
BENCH_REQS_STAMP := $(BENCH_VENV)/.requirements.stamp
BENCH_SANDBOX := $(CARGO_TARGET_DIR)/release/instagram-graph-sandbox
BENCH_ADDON := $(CARGO_TARGET_DIR)/release/$(NODE_DYLIB_NAME)
BENCH_WEBHOOK_CORE := $(CARGO_TARGET_DIR)/release/examples/webhook_throughput
# What `make dist` left (mk/dist.mk's interface), if anything: then that is what is measured.
BENCH_TARBALL = $(firstword $(wildcard dist/n8n-nodes-instagram-graph-*.tgz))
BENCH_DIST_WHEELS = $(wildcard dist/instagram_graph-*.whl)

.PHONY: bench bench-sandbox bench-node bench-python bench-core

bench: bench-sandbox bench-node bench-python bench-core
	IG_BENCH_SANDBOX=$(abspath $(BENCH_SANDBOX)) IG_BENCH_PACKAGE=$(abspath $(BENCH_PKG)) \
	IG_BENCH_WEBHOOK_CORE=$(abspath $(BENCH_WEBHOOK_CORE)) \
	IG_BENCH_PYTHON=$(abspath $(BENCH_VENV))/bin/python \
	$(if $(and $(BENCH_TARBALL),$(wildcard dist/native)),IG_BENCH_DIST=$(abspath dist), \
	  IG_BENCH_HOST_ARTIFACTS="$(abspath $(BENCH_ADDON)) $$(ls $(abspath $(BENCH_WHEELS))/*.whl) $(abspath $(BENCH_SANDBOX))") \
	$(NODE) bench/run.mjs

# One cargo run for both when the addon is needed too (one feature resolution, one link step
# each); the sandbox is always the host's release build.
bench-sandbox:
	$(CARGO) build --release -p instagram-graph-sandbox $(if $(BENCH_TARBALL),,-p instagram-graph-node)

bench-core:
	$(CARGO) build --release -p instagram-graph --example webhook_throughput

# The tarball's `package/` is the package as npm installs it. Otherwise the compiled TypeScript
# ($(NODE_BUILT), no debug addon needed) and the release addon under this machine's file name.
bench-node: $(if $(BENCH_TARBALL),,$(NODE_BUILT) bench-sandbox)
	rm -rf $(BENCH_PKG) $(BENCH_WORK)/unpack && mkdir -p $(BENCH_WORK)/unpack
ifneq ($(BENCH_TARBALL),)
	tar -xzf $(BENCH_TARBALL) -C $(BENCH_WORK)/unpack
	mv $(BENCH_WORK)/unpack/package $(BENCH_PKG)
	@echo "bench: the package from $(BENCH_TARBALL)"
else
	mkdir -p $(BENCH_PKG)/native
	cp -R $(NODE_PKG)/dist $(NODE_PKG)/package.json $(BENCH_PKG)/
	cp $(BENCH_ADDON) $(BENCH_PKG)/native/instagram-graph.$(NODE_TRIPLE).node
	@echo "bench: node-package/dist with the host's release addon ($(NODE_TRIPLE))"
endif
	rmdir $(BENCH_WORK)/unpack

$(BENCH_REQS_STAMP): bench/requirements.txt
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	touch $@

# pip picks the wheel of dist/ that fits this machine (abi3: any CPython >= 3.10).
bench-python: $(BENCH_REQS_STAMP) $(if $(BENCH_DIST_WHEELS),,py-deps)
ifeq ($(BENCH_DIST_WHEELS),)
	rm -rf $(BENCH_WHEELS)
	cd $(PY_PKG) && $(PY_BIN)/maturin build --quiet --release --out $(abspath $(BENCH_WHEELS))
endif
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps --only-binary :all: \
		--no-index --find-links $(if $(BENCH_DIST_WHEELS),dist,$(BENCH_WHEELS)) instagram-graph
