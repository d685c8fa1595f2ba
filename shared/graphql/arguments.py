"""Argument annotations every subgraph's list and lookup fields share.

``first``/``after`` page a connection forwards (see :mod:`shared.pagination`
for the bounds and the cursors); ``IdArgument`` is an entity id argument.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from shared.pagination import MAX_FIRST

First = Annotated[
    int | None, strawberry.argument(description=f"How many to return, at most {MAX_FIRST}.")
]
After = Annotated[
    str | None, strawberry.argument(description="The `endCursor` of the previous page.")
]
IdArgument = Annotated[strawberry.ID, strawberry.argument(description="Its id.")]
