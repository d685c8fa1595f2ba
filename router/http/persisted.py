"""Which operation text a request runs: its own, a persisted one by hash, and whether it may.

Automatic persisted queries, as Apollo's protocol has them: a request with
``extensions.persistedQuery = {"version": 1, "sha256Hash": h}`` and no
``query`` runs the operation registered under ``h``, or gets
``PersistedQueryNotFound`` (``PERSISTED_QUERY_NOT_FOUND``, HTTP 200) so the
client sends it again with the text; with the text, ``h`` must be its
SHA-256 (``PERSISTED_QUERY_HASH_MISMATCH``) and, once the operation has
prepared, it is registered. Registered operations live in Redis (shared by
every router, kept a day) and in a local LRU, which alone serves while Redis
is unset or failing. ``[persisted_queries] apq = false`` answers
``PERSISTED_QUERY_NOT_SUPPORTED``.

With a safelist (a manifest), only its operations run: by id
(``PERSISTED_QUERY_NOT_IN_LIST`` for another) or by exactly its body
(``QUERY_NOT_IN_SAFELIST`` for another), and nothing is registered.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from router.config import ConfigError, PersistedQueriesConfig
from router.errors import ErrorCode
from router.http.errors import BadRequest, RequestError
from router.http.manifest import ManifestError, Safelist, load_safelist, sha256_hex
from router.http.params import GraphQLParams
from shared.redis import create_redis

log = logging.getLogger("router.persisted")

REDIS_TTL_SECONDS = 24 * 3600


def persisted_queries(config: PersistedQueriesConfig) -> PersistedQueries:
    """Built from ``[persisted_queries]``; a safelist that cannot be read stops the router."""
    try:
        safelist = load_safelist(config.safelist) if config.safelist else None
    except ManifestError as exc:
        raise ConfigError(f"[persisted_queries] safelist: {exc}") from None
    return PersistedQueries(
        apq=config.apq,
        redis=create_redis(config.redis_url) if config.redis_url else None,
        redis_prefix=config.redis_prefix,
        local_size=config.local_cache_size,
        safelist=safelist,
    )


class PersistedQueryError(RequestError):
    def __init__(self, code: ErrorCode, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class PersistedQueries:
    def __init__(
        self,
        *,
        apq: bool,
        redis: Redis | None,
        redis_prefix: str,
        local_size: int,
        safelist: Safelist | None = None,
    ) -> None:
        self._apq = apq and safelist is None
        self._redis = redis
        self._prefix = redis_prefix
        self._local_size = local_size
        self._local: OrderedDict[str, str] = OrderedDict()
        self._safelist = safelist

    def passes_through(self, params: GraphQLParams) -> bool:
        """Is the request's own query the one to run, as :meth:`query_of` would find (no
        safelist, no ``persistedQuery``)? Then the caller need not await it."""
        return self._safelist is None and (params.extensions or {}).get("persistedQuery") is None

    async def query_of(self, params: GraphQLParams) -> tuple[str, str | None]:
        """The operation text to run, and the hash to register it under once it prepares."""
        persisted = _persisted_hash(params.extensions)
        if self._safelist is not None:
            return self._safelisted(params.query, persisted), None
        if persisted is None:
            return params.query, None
        if not self._apq:
            raise PersistedQueryError(
                ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED, "PersistedQueryNotSupported"
            )
        if params.query:
            if sha256_hex(params.query) != persisted:
                raise PersistedQueryError(
                    ErrorCode.PERSISTED_QUERY_HASH_MISMATCH, "provided sha does not match query"
                )
            return params.query, persisted
        found = await self._find(persisted)
        if found is None:
            raise PersistedQueryError(
                ErrorCode.PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound", status=200
            )
        return found, None

    async def register(self, sha256: str, query: str) -> None:
        self._remember(sha256, query)
        if self._redis is None:
            return
        try:
            await self._redis.set(self._prefix + sha256, query, ex=REDIS_TTL_SECONDS)
        except (RedisError, OSError) as exc:
            log.warning("persisted query not stored in Redis, kept locally: %s", exc)

    async def aclose(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()

    async def _find(self, sha256: str) -> str | None:
        local = self._local.get(sha256)
        if local is not None:
            self._local.move_to_end(sha256)
            return local
        if self._redis is None:
            return None
        try:
            stored = await self._redis.get(self._prefix + sha256)
        except (RedisError, OSError) as exc:
            log.warning("persisted query lookup in Redis failed, local cache only: %s", exc)
            return None
        if isinstance(stored, str) and sha256_hex(stored) == sha256:
            self._remember(sha256, stored)
            return stored
        return None

    def _remember(self, sha256: str, query: str) -> None:
        self._local[sha256] = query
        self._local.move_to_end(sha256)
        while len(self._local) > self._local_size:
            self._local.popitem(last=False)

    def _safelisted(self, query: str, persisted: str | None) -> str:
        assert self._safelist is not None
        if persisted is not None and not query:
            body = self._safelist.bodies.get(persisted)
            if body is None:
                raise PersistedQueryError(
                    ErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
                    f"Persisted query '{persisted}' not found in the persisted query list",
                )
            return body
        if not self._safelist.allows(query):
            raise PersistedQueryError(
                ErrorCode.QUERY_NOT_IN_SAFELIST,
                "The operation body was not found in the persisted query list",
            )
        return query


def _persisted_hash(extensions: Mapping[str, Any] | None) -> str | None:
    """``extensions.persistedQuery.sha256Hash``, checked; ``None`` without ``persistedQuery``."""
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, Mapping) or persisted.get("version") != 1:
        raise BadRequest("Unsupported persisted query version: send version 1")
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or len(sha256) != 64:
        raise BadRequest("extensions.persistedQuery.sha256Hash must be a SHA-256 hex digest")
    return sha256.lower()
