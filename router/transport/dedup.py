"""Send identical in-flight requests once and share the answer.

Only queries are shared: a mutation must run as many times as it was asked.
The key is the subgraph, the operation text, the variables and the forwarded
headers (two users' requests are never merged). The shared future is removed
as soon as it settles, so this is in-flight deduplication, not a cache.
"""

from __future__ import annotations

import asyncio

import orjson

from router.transport.types import SubgraphRequest, SubgraphResponse, Transport

_Key = tuple[str, bytes]


class DedupTransport:
    def __init__(self, inner: Transport) -> None:
        self._inner = inner
        self._in_flight: dict[_Key, asyncio.Future[SubgraphResponse]] = {}

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        if _is_mutation(request.query):
            return await self._inner.fetch(service_name, request)
        key = (service_name, _fingerprint(request))
        shared = self._in_flight.get(key)
        if shared is not None:
            return await asyncio.shield(shared)
        future: asyncio.Future[SubgraphResponse] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            response = await self._inner.fetch(service_name, request)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            # Mark it retrieved: there may be no follower to read it.
            future.exception()
            raise
        else:
            future.set_result(response)
            return response
        finally:
            del self._in_flight[key]


def _fingerprint(request: SubgraphRequest) -> bytes:
    return orjson.dumps(
        [request.query, request.operation_name, request.variables, sorted(request.headers)],
        option=orjson.OPT_SORT_KEYS,
    )


def _is_mutation(query: str) -> bool:
    # Plans print subgraph operations with the operation keyword first.
    return query.lstrip().startswith("mutation")
