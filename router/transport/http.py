"""The production transport: subgraph POSTs over one pooled aiohttp session.

aiohttp rather than httpx because its client costs about a third per request
(measured in STACK.md). The session is opened lazily inside the running loop
and closed by :meth:`HttpTransport.aclose`.

A pooled connection can be closed by the subgraph while idle just as a request
goes out on it. Idle connections are dropped after 4 s, before uvicorn's
default 5 s keep-alive ends them from the other side; and a query whose
connection the subgraph dropped is sent once more on a fresh one. A mutation is
not: it may have run before the connection went.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import aiohttp
import orjson

from router.transport.decode import decode_response
from router.transport.errors import TransportError, UnknownSubgraphError
from router.transport.types import SubgraphRequest, SubgraphResponse, is_mutation

_JSON = "application/json"
_ACCEPT = "application/graphql-response+json, application/json;q=0.9"
_IDLE_SECONDS = 4.0


class HttpTransport:
    def __init__(
        self,
        urls: Mapping[str, str],
        *,
        timeouts: Mapping[str, float] | None = None,
        default_timeout: float = 30.0,
        pool_size: int = 100,
    ) -> None:
        self._urls = dict(urls)
        self._timeouts = dict(timeouts or {})
        self._limits: dict[float, aiohttp.ClientTimeout] = {}
        self._default_timeout = default_timeout
        self._pool_size = pool_size
        self._session: aiohttp.ClientSession | None = None

    def set_urls(self, urls: Mapping[str, str]) -> None:
        """Point at new subgraph URLs (a reloaded supergraph); one assignment, so atomic."""
        self._urls = dict(urls)

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=self._pool_size, keepalive_timeout=_IDLE_SECONDS
                ),
                json_serialize=lambda obj: orjson.dumps(obj).decode(),
            )
        return self._session

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        url = self._urls.get(service_name)
        if url is None:
            raise UnknownSubgraphError(service_name)
        return await self.fetch_at(service_name, url, request)

    async def fetch_at(
        self, service_name: str, url: str, request: SubgraphRequest
    ) -> SubgraphResponse:
        """Send ``request`` to ``service_name`` at ``url`` (one of its replicas)."""
        timeout = self._timeouts.get(service_name, self._default_timeout)
        attempts = 1 if is_mutation(request.query) else 2
        for attempt in range(1, attempts + 1):
            try:
                return await self._post(service_name, url, request, self._limit(timeout))
            except aiohttp.ServerDisconnectedError as exc:
                if attempt == attempts:
                    raise TransportError(service_name, f"request failed: {exc}") from None
            except TimeoutError:
                raise TransportError(service_name, f"timed out after {timeout:g}s") from None
            except aiohttp.ClientError as exc:
                raise TransportError(service_name, f"request failed: {exc}") from None
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _limit(self, timeout: float) -> aiohttp.ClientTimeout:
        limit = self._limits.get(timeout)
        if limit is None:
            limit = self._limits[timeout] = aiohttp.ClientTimeout(total=timeout)
        return limit

    async def _post(
        self, service_name: str, url: str, request: SubgraphRequest, limit: aiohttp.ClientTimeout
    ) -> SubgraphResponse:
        headers = [*request.headers, ("Content-Type", _JSON), ("Accept", _ACCEPT)]
        async with self._client().post(
            url,
            data=orjson.dumps(request.body()),
            headers=headers,
            timeout=limit,
        ) as response:
            body = await response.read()
            received = tuple((k, v) for k, v in response.headers.items())
            return decode_response(service_name, response.status, body, received)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            # Let aiohttp's connector finish closing its sockets before the loop moves on.
            await asyncio.sleep(0)
            self._session = None
