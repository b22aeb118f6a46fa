"""Shared set-up and helpers for the tests, one module per area: build a state, drive a
flow, read results back. Fixtures live in tests/conftest.py."""
