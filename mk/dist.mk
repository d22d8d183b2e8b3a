# Release builds of everything that ships, into dist/ (owner: the build scripts).
.PHONY: dist-tools dist-build
dist-tools:
	@echo "dist-tools: not written yet"; exit 1
dist-build:
	@echo "dist-build: not written yet"; exit 1
