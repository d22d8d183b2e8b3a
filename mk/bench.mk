# Benchmarks of the release builds against the alternatives, side by side (not tests).
.PHONY: bench
bench:
	@echo "bench: not written yet"; exit 1
