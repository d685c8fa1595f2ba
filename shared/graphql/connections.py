"""Types every Relay-style connection shares across subgraphs.

Every connection in the graph has ``edges { cursor node }``, ``pageInfo``
and ``totalCount`` where the count is cheap, pages forward with
``first``/``after``, newest first (tests/composition/test_graph_conventions.py
checks the composed schema).
"""

from __future__ import annotations

import strawberry


@strawberry.federation.type(
    shareable=True,
    description="Where a page of a connection starts and ends, and what is around it.",
)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool = strawberry.field(
        description="Whether this page was asked for after a cursor (items come before it)."
    )
    start_cursor: str | None = strawberry.field(
        description="The first edge's cursor; null on an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` to get the next page; null on an empty page."
    )

    @classmethod
    def of(cls, cursors: list[str], *, has_next_page: bool, after: str | None) -> PageInfo:
        return cls(
            has_next_page=has_next_page,
            has_previous_page=after is not None,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )
