"""The social gRPC servicer: follow streams for the feed, and batch follow checks.

``FollowerIds`` (the feed's fan-out) and ``FolloweeIds`` (its timeline
rebuild) read one keyset page per batch, each in its own short transaction, so a stream over millions of followers holds neither a long
transaction nor more than one batch in memory; a slow reader slows the reads
down (gRPC flow control) instead of piling batches up.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import grpc

from contracts.social import social_pb2
from contracts.social.client import MAX_CANDIDATES
from shared.db import Database
from shared.errors import BadUserInput
from shared.ids import UserId
from subgraphs.social.service import Page, SocialService

DEFAULT_BATCH = 500
MAX_BATCH = 5000

ListPage = Callable[..., Awaitable[Page]]


# Not a subclass of the generated servicer base, which is untyped: the
# generated add_*_to_server only needs the methods.
class FollowsServicer:
    def __init__(self, service: SocialService, database: Database) -> None:
        self._service = service
        self._database = database

    async def FollowerIds(
        self, request: social_pb2.FollowerIdsRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[social_pb2.FollowerIdsBatch]:
        async for ids in self._batches(
            self._service.followers, request.user_id, request.batch_size
        ):
            yield social_pb2.FollowerIdsBatch(follower_ids=ids)

    async def FolloweeIds(
        self, request: social_pb2.FolloweeIdsRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[social_pb2.FolloweeIdsBatch]:
        async for ids in self._batches(
            self._service.following, request.user_id, request.batch_size
        ):
            yield social_pb2.FolloweeIdsBatch(followee_ids=ids)

    async def _batches(
        self, list_page: ListPage, user_id: int, batch_size: int
    ) -> AsyncIterator[list[int]]:
        if not 0 <= batch_size <= MAX_BATCH:
            raise BadUserInput(f"batch_size must be 0 to {MAX_BATCH}.", field="batch_size")
        size = batch_size or DEFAULT_BATCH
        after = None
        while True:
            async with self._database.transaction() as session:
                page = await list_page(user_id, first=size, after=after, session=session)
            if page.edges:
                yield [edge.user_id for edge in page.edges]
            if not page.has_next_page:
                return
            after = page.edges[-1].position

    async def WhichFollowed(
        self, request: social_pb2.WhichFollowedRequest, context: grpc.aio.ServicerContext
    ) -> social_pb2.WhichFollowedResponse:
        if len(request.candidate_ids) > MAX_CANDIDATES:
            raise BadUserInput(
                f"Ask about at most {MAX_CANDIDATES} candidates at a time.",
                field="candidate_ids",
            )
        follower = UserId(request.follower_id)
        pairs = {(follower, UserId(candidate)) for candidate in request.candidate_ids}
        async with self._database.transaction() as session:
            found = await self._service.existing_edges(pairs, session=session)
        return social_pb2.WhichFollowedResponse(followed_ids=[followee for _, followee in found])
