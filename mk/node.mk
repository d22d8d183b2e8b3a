# Node side: the napi-rs addon (bindings-node), the npm package n8n-nodes-instagram-graph
# (node-package), its generated surfaces, tests, lint and tarball. Included by the top-level
# Makefile; also usable alone: `make -f mk/node.mk node-test`.
#
#   node-deps       npm install --no-save from package-lock.json (skipped while the lock is unchanged)
#   node-addon      cargo build -p instagram-graph-node (with NODE_FEATURES, default test-hooks),
#                   copy the cdylib to node-package/native/
#   node-gen        regenerate src/generated/{operations,webhook-events}.ts, nodes/Instagram/generated/properties.ts
#                   and nodes/InstagramTrigger/generated/events.ts (catalogue, webhook fields and event schema)
#   node-gen-check  fail when a checked-in generated file is stale
#   node-build      addon + tsc into node-package/dist (require('./node-package') works after it)
#   node-test       node --test against the embedded sandbox
#   node-lint       tsc --noEmit (strict) + n8n-node lint (strict, unmodified config) + node-gen-check
#                   + scan-lint (dist/**/*.js under the rules n8n's package scanner applies)
#   node-pack       rebuild the addon without test hooks, npm pack into node-package/, check the
#                   tarball, print its path (last line)

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
# Cargo features of the addon in native/. Development and tests get the test hooks
# (__panicForTests...); node-pack rebuilds without them, so what ships never has them.
NODE_FEATURES ?= test-hooks
# Which features the addon now in native/ was built with (a feature switch rebuilds the
# cdylib under the same file name, possibly not newer than the copy).
NODE_FEATURES_STAMP := $(CARGO_TARGET_DIR)/node-addon.features

.PHONY: node-deps node-addon node-gen node-gen-check node-build node-test node-lint node-pack node-clean

node-deps: $(NODE_STAMP_DEPS)

# Installs exactly the versions of package-lock.json. Not `npm ci`: the registry reachable here
# serves only the linux builds of some optional platform packages (@unrs/resolver-binding-*),
# so the lock cannot list the others and `npm ci` refuses it as out of sync; `npm install
# --no-save` follows the lock and never rewrites it. Reruns only when the lock changes.
# Install scripts stay off (node-package/.npmrc): a dev dependency ships a pnpm-only preinstall.
$(NODE_STAMP_DEPS): $(NODE_PKG)/package-lock.json $(NODE_PKG)/package.json
	cd $(NODE_PKG) && $(NPM) install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# cargo decides what is stale; the copy happens only when the library is newer. The copy loses
# its DWARF line tables (strip --strip-debug, when strip exists): half the size in the tarball,
# and panics still name their file and line.
node-addon:
	$(CARGO) build -p instagram-graph-node $(if $(strip $(NODE_FEATURES)),--features $(NODE_FEATURES))
	@mkdir -p $(NODE_PKG)/native
	@if [ ! -f $(NODE_ADDON) ] || [ $(NODE_DYLIB) -nt $(NODE_ADDON) ] || \
	    [ "$$(cat $(NODE_FEATURES_STAMP) 2>/dev/null)" != "features:$(strip $(NODE_FEATURES))" ]; then \
	  cp $(NODE_DYLIB) $(NODE_ADDON).tmp && { strip --strip-debug $(NODE_ADDON).tmp 2>/dev/null || true; } && \
	  mv -f $(NODE_ADDON).tmp $(NODE_ADDON) && echo "features:$(strip $(NODE_FEATURES))" > $(NODE_FEATURES_STAMP) && \
	  echo "copied $(NODE_ADDON) (features: $(or $(strip $(NODE_FEATURES)),none))"; fi

node-gen: node-addon
	$(NODE) $(NODE_PKG)/scripts/generate.mjs

node-gen-check: node-addon
	$(NODE) $(NODE_PKG)/scripts/generate.mjs --check

$(NODE_BUILT): $(NODE_STAMP_DEPS) $(NODE_SOURCES) $(NODE_PKG)/scripts/postbuild.mjs
	rm -rf $(NODE_PKG)/dist
	cd $(NODE_PKG) && ./node_modules/.bin/tsc -p tsconfig.json && $(NODE) scripts/postbuild.mjs
	@touch $@

node-build: node-addon $(NODE_BUILT)

node-test: node-build
	cd $(NODE_PKG) && $(if $(IG_LEAK_DIR),NODE_OPTIONS="--require $(abspath $(NODE_PKG))/test/leak-collector.cjs") \
		$(NODE) --test --test-reporter=spec test/*.test.mjs $(call leak_tee,node-test.log)

node-lint: node-build node-gen-check
	cd $(NODE_PKG) && ./node_modules/.bin/tsc -p tsconfig.json --noEmit
	cd $(NODE_PKG) && ./node_modules/.bin/n8n-node lint
	$(NODE) $(NODE_PKG)/scripts/scan-lint.mjs

node-pack: node-build
	$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) node-addon NODE_FEATURES=
	rm -f $(NODE_PKG)/n8n-nodes-instagram-graph-*.tgz
	$(NODE) $(NODE_PKG)/scripts/scan-lint.mjs
	cd $(NODE_PKG) && $(NPM) pack --ignore-scripts --loglevel=error >/dev/null
	$(NODE) $(NODE_PKG)/scripts/check-pack.mjs $(NODE_PKG)/n8n-nodes-instagram-graph-*.tgz

node-clean:
	rm -rf $(NODE_PKG)/dist $(NODE_PKG)/native/*.node $(NODE_PKG)/n8n-nodes-instagram-graph-*.tgz
