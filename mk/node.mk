# Node side: the napi-rs addon (bindings-node), the npm package n8n-nodes-instagram-graph
# (node-package), its generated surfaces, tests, lint and tarball. Included by the top-level
# Makefile; also usable alone: `make -f mk/node.mk node-test`.
#
#   node-deps       npm ci in node-package (skipped while package-lock.json is unchanged)
#   node-addon      cargo build -p instagram-graph-node, copy the cdylib to node-package/native/
#   node-gen        regenerate src/generated/operations.ts + nodes/Instagram/generated/properties.ts
#   node-gen-check  fail when a checked-in generated file is stale
#   node-build      addon + tsc into node-package/dist (require('./node-package') works after it)
#   node-test       node --test against the embedded sandbox
#   node-lint       tsc --noEmit (strict) + n8n-node lint + node-gen-check
#   node-pack       npm pack into node-package/, check the tarball, print its path

CARGO ?= cargo
CARGO_TARGET_DIR ?= $(CURDIR)/target
NODE ?= node
NPM ?= npm

NODE_PKG := node-package
# napi-rs platform triple of this machine (linux-x64-gnu, linux-x64-musl, darwin-arm64, ...).
NODE_TRIPLE ?= $(shell $(NODE) -e 'const p=process.platform,a=process.arch;let t=p+"-"+a;if(p==="linux")t+=process.report.getReport().header.glibcVersionRuntime?"-gnu":"-musl";if(p==="win32")t+="-msvc";console.log(t)')
NODE_DYLIB_NAME := $(if $(findstring darwin,$(NODE_TRIPLE)),libinstagram_graph_node.dylib,$(if $(findstring win32,$(NODE_TRIPLE)),instagram_graph_node.dll,libinstagram_graph_node.so))
NODE_DYLIB := $(CARGO_TARGET_DIR)/debug/$(NODE_DYLIB_NAME)
NODE_ADDON := $(NODE_PKG)/native/instagram-graph.$(NODE_TRIPLE).node
NODE_STAMP_DEPS := $(NODE_PKG)/node_modules/.package-lock.json
NODE_SOURCES = $(shell find $(NODE_PKG)/index.ts $(NODE_PKG)/src $(NODE_PKG)/nodes $(NODE_PKG)/credentials $(NODE_PKG)/icons -type f 2>/dev/null) $(NODE_PKG)/tsconfig.json
NODE_BUILT := $(NODE_PKG)/dist/index.js

.PHONY: node-deps node-addon node-gen node-gen-check node-build node-test node-lint node-pack node-clean

node-deps: $(NODE_STAMP_DEPS)

# npm ci rewrites node_modules/.package-lock.json, so this reruns only when the lock changes.
# Install scripts stay off (node-package/.npmrc): a dev dependency ships a pnpm-only preinstall.
$(NODE_STAMP_DEPS): $(NODE_PKG)/package-lock.json $(NODE_PKG)/package.json
	cd $(NODE_PKG) && $(NPM) ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# cargo decides what is stale; the copy happens only when the library changed.
node-addon:
	$(CARGO) build -p instagram-graph-node
	@mkdir -p $(NODE_PKG)/native
	@cmp -s $(NODE_DYLIB) $(NODE_ADDON) || { cp $(NODE_DYLIB) $(NODE_ADDON) && echo "copied $(NODE_ADDON)"; }

node-gen: node-addon
	$(NODE) $(NODE_PKG)/scripts/generate.mjs

node-gen-check: node-addon
	$(NODE) $(NODE_PKG)/scripts/generate.mjs --check

$(NODE_BUILT): $(NODE_STAMP_DEPS) $(NODE_SOURCES) $(NODE_PKG)/scripts/copy-assets.mjs
	rm -rf $(NODE_PKG)/dist
	cd $(NODE_PKG) && ./node_modules/.bin/tsc -p tsconfig.json && $(NODE) scripts/copy-assets.mjs
	@touch $@

node-build: node-addon $(NODE_BUILT)

node-test: node-build
	cd $(NODE_PKG) && $(NODE) --test --test-reporter=spec test/*.test.mjs

node-lint: node-deps node-gen-check
	cd $(NODE_PKG) && ./node_modules/.bin/tsc -p tsconfig.json --noEmit
	cd $(NODE_PKG) && ./node_modules/.bin/n8n-node lint

node-pack: node-build
	rm -f $(NODE_PKG)/n8n-nodes-instagram-graph-*.tgz
	cd $(NODE_PKG) && $(NPM) pack --ignore-scripts --loglevel=error >/dev/null
	$(NODE) $(NODE_PKG)/scripts/check-pack.mjs $(NODE_PKG)/n8n-nodes-instagram-graph-*.tgz

node-clean:
	rm -rf $(NODE_PKG)/dist $(NODE_PKG)/native/*.node $(NODE_PKG)/n8n-nodes-instagram-graph-*.tgz
