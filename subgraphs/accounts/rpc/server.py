"""What the accounts gRPC server serves, over the same runtime (service and cache) as the app."""

from __future__ import annotations

from contracts.accounts import accounts_pb2, accounts_pb2_grpc
from shared.grpc import GrpcService
from subgraphs.accounts.rpc.servicer import UsersServicer
from subgraphs.accounts.runtime import AccountsRuntime


def grpc_services(runtime: AccountsRuntime) -> list[GrpcService]:
    return [
        GrpcService(
            name=accounts_pb2.DESCRIPTOR.services_by_name["Users"].full_name,
            servicer=UsersServicer(runtime.service, runtime.database),
            add_to_server=accounts_pb2_grpc.add_UsersServicer_to_server,
        )
    ]
