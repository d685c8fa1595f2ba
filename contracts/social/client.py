"""The typed social client: followers and followees streamed, and which candidates one follows."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection

from contracts.social import social_pb2, social_pb2_grpc
from shared.grpc.peers import PeerChannel, peer_channel
from shared.ids import UserId
from shared.settings import CommonSettings

MAX_CANDIDATES = 1000
"""Social answers ``WhichFollowed`` for at most this many candidates per call."""


class SocialClient:
    """Streams followers and followees, and asks which candidates a reader follows.

    ``stream_deadline`` bounds a whole stream (the channel's default deadline is
    meant for unary calls).
    """

    def __init__(self, channel: PeerChannel, *, stream_deadline: float) -> None:
        self.channel = channel
        self._stub = social_pb2_grpc.FollowsStub(channel)
        self._stream_deadline = stream_deadline

    @classmethod
    def connect(
        cls, settings: CommonSettings, *, deadline: float, stream_deadline: float
    ) -> SocialClient:
        """A client of social as ``settings`` find it; close ``channel`` when done."""
        channel = peer_channel(settings, "social", deadline=deadline)
        return cls(channel, stream_deadline=stream_deadline)

    async def follower_batches(
        self, user_id: int, *, batch_size: int
    ) -> AsyncIterator[list[UserId]]:
        request = social_pb2.FollowerIdsRequest(user_id=user_id, batch_size=batch_size)
        async for batch in self._stub.FollowerIds(request, timeout=self._stream_deadline):
            yield [UserId(i) for i in batch.follower_ids]

    async def followee_batches(
        self, user_id: int, *, batch_size: int
    ) -> AsyncIterator[list[UserId]]:
        request = social_pb2.FolloweeIdsRequest(user_id=user_id, batch_size=batch_size)
        async for batch in self._stub.FolloweeIds(request, timeout=self._stream_deadline):
            yield [UserId(i) for i in batch.followee_ids]

    async def which_followed(self, follower_id: int, candidates: Collection[int]) -> set[UserId]:
        wanted = sorted(set(candidates))
        followed: set[UserId] = set()
        for start in range(0, len(wanted), MAX_CANDIDATES):
            reply = await self._stub.WhichFollowed(
                social_pb2.WhichFollowedRequest(
                    follower_id=follower_id, candidate_ids=wanted[start : start + MAX_CANDIDATES]
                )
            )
            followed.update(UserId(i) for i in reply.followed_ids)
        return followed
