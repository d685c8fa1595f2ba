"""Entity ids as clients see them: opaque strings that are, for us, BIGINT primary keys.

An id argument that is not an id is the client's mistake (``BAD_USER_INPUT``
naming the argument); a federation representation with such an id names no
entity (``None``). The parsing itself is :func:`shared.ids.parse_id`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from shared.errors import BadUserInput
from shared.ids import parse_id

__all__ = ["parse_id", "parse_typed", "require_id"]

Id = TypeVar("Id", bound=int)


def parse_typed(raw: str, kind: Callable[[int], Id]) -> Id | None:
    """``parse_id`` typed as the id ``kind`` (a ``NewType`` of ``int``)."""
    key = parse_id(raw)
    return kind(key) if key is not None else None


def require_id(raw: str, kind: Callable[[int], Id], *, field: str) -> Id:
    """The id the argument ``field`` holds; ``BadUserInput`` when it is not an id."""
    key = parse_typed(raw, kind)
    if key is None:
        raise BadUserInput(
            f'`{field}` is not an id: ids are whole numbers such as "42" that the API gave out.',
            field=field,
        )
    return key
