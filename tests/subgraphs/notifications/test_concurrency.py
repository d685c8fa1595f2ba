"""Many members liking one thing at once, as consumer replicas handle their events in
parallel: one notification, every actor counted once, no deadlock."""

from __future__ import annotations

import asyncio

from shared.db import utcnow
from shared.ids import UserId
from subgraphs.notifications import kinds
from subgraphs.notifications.kinds import Kind, SubjectKind
from subgraphs.notifications.service import Activity
from tests.subgraphs.notifications.conftest import Ids, Notifications
from tests.subgraphs.notifications.test_message_center import nodes

LIKERS = 24


async def test_concurrent_likes_of_one_article_make_one_group_counting_each_liker(
    notifications: Notifications, ids: Ids
) -> None:
    runtime = notifications.runtime
    owner, article = UserId(ids(1)), ids(7)

    async def like(liker: int) -> None:
        activity = Activity(
            owner,
            UserId(ids(liker)),
            Kind.LIKED,
            kinds.like_key(SubjectKind.ARTICLE, article),
            utcnow(),
            subject_kind=SubjectKind.ARTICLE,
            subject_id=article,
        )
        async with runtime.database.transaction() as session:
            await runtime.service.record(activity, session=session)

    async def unlike(liker: int) -> None:
        key = kinds.like_key(SubjectKind.ARTICLE, article)
        async with runtime.database.transaction() as session:
            await runtime.service.withdraw(
                owner, key, UserId(ids(liker)), utcnow(), session=session
            )

    await asyncio.gather(*(like(n) for n in range(2, 2 + LIKERS)))
    [group] = await nodes(notifications, ids.s(1))
    assert group["actorCount"] == LIKERS

    # Half withdraw while others keep coming: the count is exact either way.
    await asyncio.gather(
        *(unlike(n) for n in range(2, 2 + LIKERS, 2)),
        *(like(n) for n in range(100, 110)),
    )
    [group] = await nodes(notifications, ids.s(1))
    assert group["actorCount"] == LIKERS // 2 + 10
