"""Benchmarks. Run by hand (never by the test suite); see bench/README.md."""
