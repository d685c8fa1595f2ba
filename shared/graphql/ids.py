"""Entity ids as clients see them: opaque strings that are, for us, BIGINT primary keys.

An id argument that is not an id is the client's mistake (``BAD_USER_INPUT``);
a federation representation with such an id names no entity (``None``).
"""

from __future__ import annotations

from shared.errors import BadUserInput
from shared.ids import parse_id

__all__ = ["parse_id", "require_id"]


def require_id(raw: str, *, field: str) -> int:
    """The key the argument ``field`` names; ``BadUserInput`` when it is not an id."""
    value = parse_id(raw)
    if value is None:
        raise BadUserInput(
            f'`{field}` is not an id: ids are whole numbers such as "42" that the API gave out.',
            field=field,
        )
    return value
