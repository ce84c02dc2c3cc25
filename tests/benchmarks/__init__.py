"""Accuracy, speed and memory harness, run on demand (never part of `make test`)."""
