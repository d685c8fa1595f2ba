"""The accounts gRPC servicer: answers from the same cache-aside reads the graph uses."""

from __future__ import annotations

import grpc

from contracts.accounts import accounts_pb2
from contracts.accounts.client import MAX_IDS
from shared.db import Database
from shared.errors import BadUserInput
from shared.ids import UserId
from subgraphs.accounts.service import AccountsService


# Not a subclass of the generated servicer base, which is untyped: the
# generated add_*_to_server only needs the methods.
class UsersServicer:
    def __init__(self, service: AccountsService, database: Database) -> None:
        self._service = service
        self._database = database

    async def UsersExist(
        self, request: accounts_pb2.UsersExistRequest, context: grpc.aio.ServicerContext
    ) -> accounts_pb2.UsersExistResponse:
        if len(request.ids) > MAX_IDS:
            raise BadUserInput(f"Ask about at most {MAX_IDS} ids at a time.", field="ids")
        async with self._database.transaction() as session:
            found = await self._service.users_by_id(
                (UserId(i) for i in request.ids if i > 0), session=session
            )
        return accounts_pb2.UsersExistResponse(
            existing_ids=[user_id for user_id, user in found.items() if user is not None]
        )
