"""Ids shared across domains. Each domain types its own ids the same way (``NewType``)."""

from __future__ import annotations

from typing import NewType

UserId = NewType("UserId", int)
"""A member, as accounts numbers them; every domain refers to members by it."""
