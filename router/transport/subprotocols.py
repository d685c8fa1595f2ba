"""The two GraphQL-over-WebSocket subprotocols: their names and close codes.

``graphql-transport-ws`` is the protocol of the ``graphql-ws`` library
(connection_init/ack, ping/pong, subscribe/next/error/complete); its close
codes are defined by that protocol. ``graphql-ws`` is the legacy protocol of
Apollo's ``subscriptions-transport-ws`` (connection_init/ack, ka,
start/data/error/complete/stop, connection_terminate), which defines none: the
router closes it with the same codes. Shared by the router's subgraph client
(:mod:`router.transport.websocket`) and its client-facing endpoint
(:mod:`router.http.websocket`).
"""

from __future__ import annotations

import enum

GRAPHQL_TRANSPORT_WS = "graphql-transport-ws"
GRAPHQL_WS = "graphql-ws"
SUBPROTOCOLS = (GRAPHQL_TRANSPORT_WS, GRAPHQL_WS)


class CloseCode(enum.IntEnum):
    NORMAL = 1000
    GOING_AWAY = 1001
    BAD_REQUEST = 4400
    UNAUTHORIZED = 4401
    FORBIDDEN = 4403
    SUBPROTOCOL_NOT_ACCEPTABLE = 4406
    CONNECTION_INITIALISATION_TIMEOUT = 4408
    SUBSCRIBER_ALREADY_EXISTS = 4409
    TOO_MANY_INITIALISATION_REQUESTS = 4429
