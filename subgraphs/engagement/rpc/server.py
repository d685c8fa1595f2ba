"""What the engagement gRPC server serves, over the same runtime as the app."""

from __future__ import annotations

from contracts.engagement import engagement_pb2, engagement_pb2_grpc
from shared.grpc import GrpcService
from subgraphs.engagement.rpc.servicer import EngagementServicer
from subgraphs.engagement.runtime import EngagementRuntime


def grpc_services(runtime: EngagementRuntime) -> list[GrpcService]:
    return [
        GrpcService(
            name=engagement_pb2.DESCRIPTOR.services_by_name["Engagement"].full_name,
            servicer=EngagementServicer(runtime.service, runtime.database),
            add_to_server=engagement_pb2_grpc.add_EngagementServicer_to_server,
        )
    ]
