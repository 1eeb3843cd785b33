"""Fixtures of the adversarial suite (the tools themselves live in tools.py, importable by every test file)."""

from tests.reliability.tools import free_port_listener

__all__ = ["free_port_listener"]
