"""Articles' view of social: who follows whom, as the feed needs it (a :class:`FollowGraph`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection

import grpc

from subgraphs.articles.rpc.clients import social_pb2, social_pb2_grpc

# Social answers WhichFollowed for at most this many candidates per call.
_MAX_CANDIDATES = 1000


class SocialFollowGraph:
    """Streams followers and followees, and asks which candidates a reader follows.

    ``stream_deadline`` bounds a whole stream (a channel's default deadline is
    meant for unary calls).
    """

    def __init__(self, channel: grpc.aio.Channel, *, stream_deadline: float) -> None:
        self._stub = social_pb2_grpc.FollowsStub(channel)
        self._stream_deadline = stream_deadline

    async def follower_batches(self, user_id: int, *, batch_size: int) -> AsyncIterator[list[int]]:
        request = social_pb2.FollowerIdsRequest(user_id=user_id, batch_size=batch_size)
        async for batch in self._stub.FollowerIds(request, timeout=self._stream_deadline):
            yield list(batch.follower_ids)

    async def followee_batches(self, user_id: int, *, batch_size: int) -> AsyncIterator[list[int]]:
        request = social_pb2.FolloweeIdsRequest(user_id=user_id, batch_size=batch_size)
        async for batch in self._stub.FolloweeIds(request, timeout=self._stream_deadline):
            yield list(batch.followee_ids)

    async def which_followed(self, follower_id: int, candidates: Collection[int]) -> set[int]:
        wanted = sorted(set(candidates))
        followed: set[int] = set()
        for start in range(0, len(wanted), _MAX_CANDIDATES):
            reply = await self._stub.WhichFollowed(
                social_pb2.WhichFollowedRequest(
                    follower_id=follower_id, candidate_ids=wanted[start : start + _MAX_CANDIDATES]
                )
            )
            followed.update(reply.followed_ids)
        return followed
