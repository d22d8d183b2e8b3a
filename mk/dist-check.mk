# Checks of the artifacts in dist/ (scripts/dist-check/run.sh): formats, exported entry points,
# no test hooks, dynamic dependencies, sizes, wheel tags and auditwheel; then each artifact loaded
# where a runtime or emulator exists here: the tarball in a real n8n (e2e), the smoke script on
# musl, arm64 (qemu) and Windows (Wine) Nodes, the wheels in x86_64 and arm64 (qemu) Pythons.
# Installs its runtimes into .dist-check/ (cached; scripts/dist-check/setup.sh).
#
#   make dist-check                                  checks dist/
#   make dist-check DIST=/path/to/dist               checks another directory of the same layout
#   make dist-check DIST_CHECK_ONLY="static-addons node-win32-x64"   a subset (names: run.sh)
.PHONY: dist-check dist-check-setup

DIST ?= $(CURDIR)/dist

# The e2e needs the sandbox command (sandbox-bin builds it).
dist-check: sandbox-bin
	IG_SANDBOX_BIN=$(SANDBOX_BIN) scripts/dist-check/run.sh $(DIST)

# The runtimes alone (CI's first run downloads them; later runs find them cached).
dist-check-setup:
	scripts/dist-check/setup.sh
