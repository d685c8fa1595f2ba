"""What the social gRPC server serves, over the same runtime (service and database) as the app."""

from __future__ import annotations

from contracts.social import social_pb2, social_pb2_grpc
from shared.grpc import GrpcService
from subgraphs.social.rpc.servicer import FollowsServicer
from subgraphs.social.runtime import SocialRuntime


def grpc_services(runtime: SocialRuntime) -> list[GrpcService]:
    return [
        GrpcService(
            name=social_pb2.DESCRIPTOR.services_by_name["Follows"].full_name,
            servicer=FollowsServicer(runtime.service, runtime.database),
            add_to_server=social_pb2_grpc.add_FollowsServicer_to_server,
        )
    ]
