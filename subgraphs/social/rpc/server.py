"""What the social gRPC server serves, over the same service and database as the app."""

from __future__ import annotations

from fastapi import FastAPI

from shared.grpc import GrpcService
from subgraphs.social.rpc import social_pb2, social_pb2_grpc
from subgraphs.social.rpc.servicer import FollowsServicer
from subgraphs.social.settings import SocialSettings


def grpc_services(settings: SocialSettings, app: FastAPI) -> list[GrpcService]:
    return [
        GrpcService(
            name=social_pb2.DESCRIPTOR.services_by_name["Follows"].full_name,
            servicer=FollowsServicer(app.state.service, app.state.database),
            add_to_server=social_pb2_grpc.add_FollowsServicer_to_server,
        )
    ]
