"""The feed's event consumers: articles' own stream, and social's follow stream.

    articles.feed-fanout   <prefix>events:articles   ArticlePublished, ArticleDeleted
    articles.feed-follows  <prefix>events:social     UserFollowed, UserUnfollowed

Each handler's Redis writes are idempotent (adding or removing the same
members again changes nothing) and the shared consumer records the event as
processed in the transaction it gives the handler, so a redelivered event is
skipped; a failed one is retried and finally dead-lettered.
"""

from __future__ import annotations

from datetime import datetime

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database
from shared.events import Consumer, Event, event_stream
from shared.pagination import Position
from subgraphs.articles.events import ARTICLE_DELETED, ARTICLE_PUBLISHED
from subgraphs.articles.feed import Feed

USER_FOLLOWED = "UserFollowed"
USER_UNFOLLOWED = "UserUnfollowed"


def feed_consumers(feed: Feed, database: Database, redis: Redis, *, prefix: str) -> list[Consumer]:
    async def on_article(event: Event, session: AsyncSession) -> None:
        article_id = int(event.payload["articleId"])
        author_id = int(event.payload["authorId"])
        if event.type == ARTICLE_PUBLISHED:
            published_at = datetime.fromisoformat(event.payload["publishedAt"])
            await feed.fan_out(author_id, Position(published_at, article_id), session=session)
        else:
            await feed.withdraw(author_id, article_id, session=session)

    async def on_follow(event: Event, session: AsyncSession) -> None:
        follower_id = int(event.payload["followerId"])
        followee_id = int(event.payload["followeeId"])
        if event.type == USER_FOLLOWED:
            await feed.followed(follower_id, followee_id, session=session)
        else:
            await feed.unfollowed(follower_id, followee_id, session=session)

    return [
        Consumer(
            database,
            redis,
            stream=event_stream(prefix, "articles"),
            name="articles.feed-fanout",
            handler=on_article,
            event_types=[ARTICLE_PUBLISHED, ARTICLE_DELETED],
            # A fan-out streams up to the pull threshold of followers: give it time.
            claim_idle=120.0,
        ),
        Consumer(
            database,
            redis,
            stream=event_stream(prefix, "social"),
            name="articles.feed-follows",
            handler=on_follow,
            event_types=[USER_FOLLOWED, USER_UNFOLLOWED],
        ),
    ]
