"""Social's view of accounts: the ``UsersExist`` call as a :class:`UserDirectory`."""

from __future__ import annotations

from collections.abc import Collection

import grpc

from subgraphs.social.rpc.clients import accounts_pb2, accounts_pb2_grpc


class AccountsDirectory:
    """Asks accounts which users exist. A channel from ``shared.grpc.create_channel``
    gives each call a deadline and turns a failed call into a ``BeyondError``."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self._stub = accounts_pb2_grpc.UsersStub(channel)

    async def existing(self, user_ids: Collection[int]) -> set[int]:
        reply = await self._stub.UsersExist(accounts_pb2.UsersExistRequest(ids=list(user_ids)))
        return set(reply.existing_ids)
