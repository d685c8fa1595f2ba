"""The production transport: subgraph POSTs over pooled keep-alive connections.

Connections are kept per subgraph origin (:mod:`router.transport.http_pool`)
and opened lazily inside the running loop; :meth:`HttpTransport.aclose`
closes them.

A pooled connection can be closed by the subgraph while idle just as a request
goes out on it. Idle connections are dropped after 4 s, before uvicorn's
default 5 s keep-alive ends them from the other side; and a query whose
connection dropped before any of its answer came is sent once more on a fresh
one. A mutation is not: it may have run before the connection went.
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from router.transport.decode import decode_response
from router.transport.errors import TransportError, UnknownSubgraphError
from router.transport.http_pool import BadAnswer, Dropped, Pool, target
from router.transport.types import Headers, SubgraphRequest, SubgraphResponse, is_mutation

_FIXED_HEADERS = (
    b"Content-Type: application/json\r\n"
    b"Accept: application/graphql-response+json, application/json;q=0.9\r\n"
    b"User-Agent: beyond-router\r\n"
)
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
        self._default_timeout = default_timeout
        self._pool_size = pool_size
        self._pool: Pool | None = None

    def set_urls(self, urls: Mapping[str, str]) -> None:
        """Point at new subgraph URLs (a reloaded supergraph); one assignment, so atomic."""
        self._urls = dict(urls)

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
        try:
            to = target(url)
            head = _head(to.start, request.headers)
        except ValueError as exc:
            raise TransportError(service_name, f"request failed: {exc}") from None
        body = orjson.dumps(request.body())
        message = b"%sContent-Length: %d\r\n\r\n%s" % (head, len(body), body)
        if self._pool is None:
            self._pool = Pool(self._pool_size, _IDLE_SECONDS)
        retry = not is_mutation(request.query)
        while True:
            try:
                answer = await self._pool.post(to, message, timeout)
            except Dropped as exc:
                if retry and not exc.answered:
                    retry = False
                    continue
                raise TransportError(service_name, f"request failed: {exc}") from None
            except TimeoutError:
                raise TransportError(service_name, f"timed out after {timeout:g}s") from None
            except (BadAnswer, OSError) as exc:
                raise TransportError(service_name, f"request failed: {exc}") from None
            return decode_response(service_name, answer.status, answer.body, answer.headers)

    async def aclose(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


def _head(start: bytes, headers: Headers) -> bytes:
    """The request line, ``Host`` and every header but ``Content-Length``; refuses a line break in one."""
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers)
    if lines.count("\n") != len(headers) or lines.count("\r") != len(headers) or "\0" in lines:
        raise ValueError("a header carries a line break")
    try:
        return start + lines.encode("latin-1") + _FIXED_HEADERS
    except UnicodeEncodeError:
        raise ValueError("a header is not latin-1") from None
