"""The social gRPC server, over the same service and database as the social app."""

from __future__ import annotations

from fastapi import FastAPI

from shared.grpc import GrpcServer, GrpcService
from subgraphs.social.rpc import social_pb2, social_pb2_grpc
from subgraphs.social.rpc.servicer import FollowsServicer


def grpc_server(app: FastAPI, *, address: str) -> GrpcServer:
    return GrpcServer(
        [
            GrpcService(
                name=social_pb2.DESCRIPTOR.services_by_name["Follows"].full_name,
                servicer=FollowsServicer(app.state.service, app.state.database),
                add_to_server=social_pb2_grpc.add_FollowsServicer_to_server,
            )
        ],
        address=address,
    )
