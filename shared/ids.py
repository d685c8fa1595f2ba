"""Entity ids: BIGINT primary keys, written as ASCII decimal without sign or leading zero.

The one parser every id goes through: GraphQL arguments, federation
representations, cursors and the ``sub`` of access tokens. Anything else a
client can write (Unicode digits such as ``"²"`` or ``"٣"``, ``"+1"``, ``" 1"``,
``"1_000"``, values above the BIGINT range) names nothing of ours. Each domain
types its own ids the same way (``NewType``).
"""

from __future__ import annotations

import re
from typing import NewType

UserId = NewType("UserId", int)
"""A member, as accounts numbers them; every domain refers to members by it."""

MAX_ID = 2**63 - 1

# [0-9], not \d: \d also matches the decimal digits of every other script.
_ID = re.compile(r"[1-9][0-9]{0,18}")


def parse_id(raw: object) -> int | None:
    """The key ``raw`` names, or ``None`` when it is not one of our ids."""
    if not isinstance(raw, str) or not _ID.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= MAX_ID else None
