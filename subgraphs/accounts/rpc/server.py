"""What the accounts gRPC server serves, over the same service (and cache) as the app."""

from __future__ import annotations

from fastapi import FastAPI

from shared.grpc import GrpcService
from subgraphs.accounts.rpc import accounts_pb2, accounts_pb2_grpc
from subgraphs.accounts.rpc.servicer import UsersServicer
from subgraphs.accounts.settings import AccountsSettings


def grpc_services(settings: AccountsSettings, app: FastAPI) -> list[GrpcService]:
    return [
        GrpcService(
            name=accounts_pb2.DESCRIPTOR.services_by_name["Users"].full_name,
            servicer=UsersServicer(app.state.service),
            add_to_server=accounts_pb2_grpc.add_UsersServicer_to_server,
        )
    ]
