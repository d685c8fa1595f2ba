"""Types every Relay-style connection shares across subgraphs."""

from __future__ import annotations

import strawberry


@strawberry.federation.type(
    shareable=True, description="Where a page of a connection ends and whether more follow."
)
class PageInfo:
    has_next_page: bool
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` to get the next page; null on an empty page."
    )
