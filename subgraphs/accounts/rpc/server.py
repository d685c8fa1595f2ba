"""The accounts gRPC server, over the same service (and cache) as the accounts app."""

from __future__ import annotations

from fastapi import FastAPI

from shared.grpc import GrpcServer, GrpcService
from subgraphs.accounts.rpc import accounts_pb2, accounts_pb2_grpc
from subgraphs.accounts.rpc.servicer import UsersServicer


def grpc_server(app: FastAPI, *, address: str) -> GrpcServer:
    return GrpcServer(
        [
            GrpcService(
                name=accounts_pb2.DESCRIPTOR.services_by_name["Users"].full_name,
                servicer=UsersServicer(app.state.service),
                add_to_server=accounts_pb2_grpc.add_UsersServicer_to_server,
            )
        ],
        address=address,
    )
