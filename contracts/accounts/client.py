"""The typed accounts client: which users exist (``Users/UsersExist``)."""

from __future__ import annotations

from collections.abc import Collection

from contracts.accounts import accounts_pb2, accounts_pb2_grpc
from shared.grpc.peers import PeerChannel, peer_channel
from shared.ids import UserId
from shared.settings import CommonSettings

MAX_IDS = 1000
"""Accounts answers ``UsersExist`` for at most this many ids per call."""


class AccountsClient:
    """Asks accounts which users exist. Its channel (``shared.grpc.peers.peer_channel``)
    gives each call a deadline, retries the reads, and turns a failed call into a
    ``BeyondError``."""

    def __init__(self, channel: PeerChannel) -> None:
        self.channel = channel
        self._stub = accounts_pb2_grpc.UsersStub(channel)

    @classmethod
    def connect(cls, settings: CommonSettings, *, deadline: float) -> AccountsClient:
        """A client of accounts as ``settings`` find it; close ``channel`` when done."""
        return cls(peer_channel(settings, "accounts", deadline=deadline))

    async def existing(self, user_ids: Collection[int]) -> set[UserId]:
        wanted = sorted(set(user_ids))
        found: set[UserId] = set()
        for start in range(0, len(wanted), MAX_IDS):
            reply = await self._stub.UsersExist(
                accounts_pb2.UsersExistRequest(ids=wanted[start : start + MAX_IDS])
            )
            found.update(UserId(i) for i in reply.existing_ids)
        return found
