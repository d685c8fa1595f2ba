"""Ports on 127.0.0.1 for tests that start real servers."""

from __future__ import annotations

from beyond.ports import free_port

__all__ = ["free_port"]
