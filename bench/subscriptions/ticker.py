"""The benchmark's subgraph: ``python -m bench.subscriptions.ticker PORT``.

``ticks(every)`` sends 1, 2, 3, … every ``every`` seconds; ``sockets`` is
how many WebSockets it has accepted so far, so the driver can see how many
the router opened.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncGenerator
from typing import Any

import strawberry
import uvicorn
from strawberry.asgi import GraphQL

from shared.http_server import server_config

_accepted = 0


@strawberry.type
class Query:
    @strawberry.field
    def sockets(self) -> int:
        return _accepted


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def ticks(self, every: float) -> AsyncGenerator[int, None]:
        n = 0
        while True:
            n += 1
            yield n
            await asyncio.sleep(every)


SCHEMA = strawberry.federation.Schema(
    query=Query, subscription=Subscription, federation_version="2.7"
)


class Ticker(GraphQL[Any, Any]):
    async def on_ws_connect(self, context: dict[str, Any]) -> None:
        global _accepted
        _accepted += 1


def main() -> None:
    port = int(sys.argv[1])
    config = server_config(Ticker(SCHEMA), host="127.0.0.1", port=port, log_level="warning")
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
