"""What the commerce gRPC server serves: memberships, over the app's runtime."""

from __future__ import annotations

import grpc

from contracts.commerce import commerce_pb2, commerce_pb2_grpc
from shared.db import Database
from shared.grpc import GrpcService
from shared.ids import UserId
from subgraphs.commerce.runtime import CommerceRuntime
from subgraphs.commerce.service import CommerceService


# Not a subclass of the generated servicer base, which is untyped: the
# generated add_*_to_server only needs the methods.
class MembershipsServicer:
    def __init__(self, service: CommerceService, database: Database) -> None:
        self._service = service
        self._database = database

    async def GetMembership(
        self, request: commerce_pb2.GetMembershipRequest, context: grpc.aio.ServicerContext
    ) -> commerce_pb2.GetMembershipResponse:
        async with self._database.transaction() as session:
            found = await self._service.membership(session, UserId(request.user_id))
        if found is None:
            return commerce_pb2.GetMembershipResponse(active=False)
        return commerce_pb2.GetMembershipResponse(
            active=True, tier=found.tier, expires_at_ms=int(found.expires_at.timestamp() * 1000)
        )


def grpc_services(runtime: CommerceRuntime) -> list[GrpcService]:
    return [
        GrpcService(
            name=commerce_pb2.DESCRIPTOR.services_by_name["Memberships"].full_name,
            servicer=MembershipsServicer(runtime.service, runtime.database),
            add_to_server=commerce_pb2_grpc.add_MembershipsServicer_to_server,
        )
    ]
