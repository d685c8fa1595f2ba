"""gRPC between services: a server with health checking, channels with deadlines.

Serving (the service that owns the ``.proto`` in ``subgraphs/<svc>/rpc/``)::

    server = GrpcServer([GrpcService(name=…, servicer=…, add_to_server=…)],
                        address="127.0.0.1:50051")
    await server.start()   # a shared.lifecycle.Worker; beyond runs it
    …
    await server.stop()

Calling::

    channel = create_channel("127.0.0.1:50051", service="accounts", deadline=2.0)
    stub = accounts_pb2_grpc.AccountsStub(channel)
    reply = await stub.GetUser(request)           # BeyondError on failure

Across replicas: ``peer_channel(settings, "accounts", deadline=…)``
(:mod:`shared.grpc.peers`) is the channel a domain uses for each domain it
calls: the fixed ``<name>_grpc_target``, or with ``BEYOND_GRPC_DISCOVERY=etcd``
a :class:`~shared.grpc.balanced.BalancedChannel` over the replicas registered
in etcd. Reads the ``.proto`` declares free of side effects are retried
(:mod:`shared.grpc.idempotency`); nothing else is.

Every unary-unary and unary-stream call gets ``deadline`` seconds unless it
passes ``timeout=``; a call never hangs. (Client-streaming and bidirectional
calls are not intercepted: give them a ``timeout=`` and catch
``grpc.aio.AioRpcError`` yourself.) Failures reach the caller as the
shared error model, so a resolver need not catch anything:

    servicer raised BeyondError X      → X again (status + ``beyond-error`` trailer)
        BAD_USER_INPUT  ↔ INVALID_ARGUMENT     UNAUTHENTICATED ↔ UNAUTHENTICATED
        FORBIDDEN       ↔ PERMISSION_DENIED    NOT_FOUND       ↔ NOT_FOUND
        CONFLICT        ↔ ALREADY_EXISTS       RATE_LIMITED    ↔ RESOURCE_EXHAUSTED
        UNAVAILABLE     ↔ UNAVAILABLE          INTERNAL        ↔ INTERNAL
        OVERLOADED      ↔ RESOURCE_EXHAUSTED (the server shed the call, see ``GrpcServer``)
    NOT_FOUND without the trailer       → NotFound(details)
    DEADLINE_EXCEEDED                   → ServiceUnavailable "The <svc> service did not answer within N s. Try again."
    UNAVAILABLE, CANCELLED (down, refused, stopped mid-call) → ServiceUnavailable "The <svc> service is unavailable. Try again shortly."
    any other status                    → RemoteCallFailed "The <svc> service could not handle the request (STATUS)."

``RemoteCallFailed`` is a ``BeyondError`` with code INTERNAL and
``extensions.service`` / ``extensions.status``: GraphQL clients read its
message (it is not masked), and the server's own details stay in the logs.
``ServiceUnavailable`` is the outage case: code UNAVAILABLE with the same
extensions plus ``retryAfter`` (seconds), so a client knows to wait and retry.

Stubs: ``beyond proto`` regenerates ``*_pb2.py``, ``*_pb2_grpc.py`` and
``*_pb2.pyi`` next to each ``.proto`` with package-relative imports; a test
fails when the checked-in stubs are stale.
"""

from __future__ import annotations

from shared.grpc.client import create_channel
from shared.grpc.errors import RemoteCallFailed, ServiceUnavailable
from shared.grpc.server import GrpcServer, GrpcService

__all__ = ["GrpcServer", "GrpcService", "RemoteCallFailed", "ServiceUnavailable", "create_channel"]
