"""Fixtures of the adversarial suite (the tools themselves live in helpers.py, importable by every test file)."""

from tests.reliability.helpers import free_port_listener

__all__ = ["free_port_listener"]
