"""The typed accounts client: which users exist (``Users/UsersExist``)."""

from __future__ import annotations

from collections.abc import Collection

import grpc

from contracts.accounts import accounts_pb2, accounts_pb2_grpc
from shared.grpc import create_channel
from shared.ids import UserId

MAX_IDS = 1000
"""Accounts answers ``UsersExist`` for at most this many ids per call."""


class AccountsClient:
    """Asks accounts which users exist. Its channel (from ``shared.grpc.create_channel``)
    gives each call a deadline and turns a failed call into a ``BeyondError``."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self.channel = channel
        self._stub = accounts_pb2_grpc.UsersStub(channel)

    @classmethod
    def connect(cls, target: str, *, deadline: float) -> AccountsClient:
        """A client of the accounts server at ``target``; close ``channel`` when done."""
        return cls(create_channel(target, service="accounts", deadline=deadline))

    async def existing(self, user_ids: Collection[int]) -> set[UserId]:
        wanted = sorted(set(user_ids))
        found: set[UserId] = set()
        for start in range(0, len(wanted), MAX_IDS):
            reply = await self._stub.UsersExist(
                accounts_pb2.UsersExistRequest(ids=wanted[start : start + MAX_IDS])
            )
            found.update(UserId(i) for i in reply.existing_ids)
        return found
