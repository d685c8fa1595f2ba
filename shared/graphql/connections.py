"""Types every Relay-style connection shares across subgraphs."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry


@strawberry.federation.type(
    shareable=True,
    description="Where a page of a connection starts and ends, and what surrounds it.",
)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool = strawberry.field(
        description="Whether edges come before this page; lists are read forwards from `after`, "
        "so this is true exactly when `after` was given."
    )
    start_cursor: str | None = strawberry.field(
        description="The first edge's cursor; null on an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` to get the next page; null on an empty page."
    )

    @classmethod
    def of(cls, cursors: Sequence[str], *, has_next_page: bool, after: str | None) -> PageInfo:
        """The page info of a page whose edges carry ``cursors``, read after ``after``."""
        return cls(
            has_next_page=has_next_page,
            has_previous_page=after is not None,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )
