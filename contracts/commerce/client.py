"""The typed commerce client: a member's membership (``Memberships/GetMembership``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from contracts.commerce import commerce_pb2, commerce_pb2_grpc
from shared.grpc.peers import PeerChannel, peer_channel
from shared.settings import CommonSettings


@dataclass(frozen=True, slots=True)
class ActiveMembership:
    tier: str
    expires_at: datetime


class CommerceClient:
    """Asks commerce about memberships. Its channel (``shared.grpc.peers.peer_channel``)
    gives each call a deadline, retries the reads, and turns a failed call into a
    ``BeyondError``."""

    def __init__(self, channel: PeerChannel) -> None:
        self.channel = channel
        self._stub = commerce_pb2_grpc.MembershipsStub(channel)

    @classmethod
    def connect(cls, settings: CommonSettings, *, deadline: float) -> CommerceClient:
        """A client of commerce as ``settings`` find it; close ``channel`` when done."""
        return cls(peer_channel(settings, "commerce", deadline=deadline))

    async def membership(self, user_id: int) -> ActiveMembership | None:
        reply = await self._stub.GetMembership(commerce_pb2.GetMembershipRequest(user_id=user_id))
        if not reply.active:
            return None
        return ActiveMembership(
            reply.tier, datetime.fromtimestamp(reply.expires_at_ms / 1000, tz=UTC)
        )
