"""Creating and reading engagement items, on the domain's own app."""

from __future__ import annotations

import pytest

from tests.subgraphs.engagement.conftest import Engagement
from tests.support.graphql import error_of

CREATE = "mutation($t: String!) { createEngagementItem(title: $t) { id title author { id } } }"
READ = "query($id: ID!) { engagementItem(id: $id) { id title } }"


@pytest.mark.sqlite
async def test_a_member_creates_an_item_anyone_reads(engagement: Engagement) -> None:
    created = (await engagement.execute(CREATE, "7", t="  First  "))["data"]["createEngagementItem"]
    assert created["title"] == "First" and created["author"] == {"id": "7"}
    read = await engagement.execute(READ, id=created["id"])
    assert read["data"] == {"engagementItem": {"id": created["id"], "title": "First"}}


async def test_creating_needs_a_viewer_and_a_title(engagement: Engagement) -> None:
    anonymous = error_of(await engagement.execute(CREATE, t="x"))
    assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"
    empty = error_of(await engagement.execute(CREATE, "7", t=" "))
    assert empty["extensions"] == {"code": "BAD_USER_INPUT", "field": "title"}


async def test_an_unknown_id_reads_as_null(engagement: Engagement) -> None:
    for missing in ("999999999", "not-an-id"):
        assert (await engagement.execute(READ, id=missing))["data"] == {"engagementItem": None}
