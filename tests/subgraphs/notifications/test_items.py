"""Creating and reading notifications items, on the domain's own app."""

from __future__ import annotations

import pytest

from tests.subgraphs.notifications.conftest import Notifications
from tests.support.graphql import error_of

CREATE = "mutation($t: String!) { createNotificationsItem(title: $t) { id title author { id } } }"
READ = "query($id: ID!) { notificationsItem(id: $id) { id title } }"


@pytest.mark.sqlite
async def test_a_member_creates_an_item_anyone_reads(notifications: Notifications) -> None:
    created = (await notifications.execute(CREATE, "7", t="  First  "))["data"]["createNotificationsItem"]
    assert created["title"] == "First" and created["author"] == {"id": "7"}
    read = await notifications.execute(READ, id=created["id"])
    assert read["data"] == {"notificationsItem": {"id": created["id"], "title": "First"}}


async def test_creating_needs_a_viewer_and_a_title(notifications: Notifications) -> None:
    anonymous = error_of(await notifications.execute(CREATE, t="x"))
    assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"
    empty = error_of(await notifications.execute(CREATE, "7", t=" "))
    assert empty["extensions"] == {"code": "BAD_USER_INPUT", "field": "title"}


async def test_an_unknown_id_reads_as_null(notifications: Notifications) -> None:
    for missing in ("999999999", "not-an-id"):
        assert (await notifications.execute(READ, id=missing))["data"] == {"notificationsItem": None}
