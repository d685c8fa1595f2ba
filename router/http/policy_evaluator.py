"""The ``@policy`` evaluator: an HTTP endpoint that says which policies a request satisfies.

What Apollo Router leaves to a coprocessor or a Rhai script (filling in
``apollo::authorization::required_policies``) is one POST here, made only for
an operation whose selections name policies::

    {"policies": ["hr", "owner"], "claims": {"sub": "u1", ...}}   # null claims: anonymous
    -> {"satisfied": ["hr"]}

The claims are those of the verified token. A name that was not asked
about counts for nothing. An answer that is late (``timeout``), not a 200,
larger than ``max_response_bytes`` or not of that shape satisfies no policy:
the request goes on with the fields needing one removed, and the failure is
logged: the first at once, then at most one line every ``LOG_EVERY``
seconds counting those in between, so an evaluator that is down costs no
log line per request. One pooled aiohttp session, opened lazily, closed
with the router.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
import orjson

from router.config import PolicyEvaluatorConfig

log = logging.getLogger("router.http")
LOG_EVERY = 10.0


class EvaluatorFailed(Exception):
    pass


class FailureLog:
    """Failures logged at most once every ``every`` seconds, with how many went unlogged."""

    def __init__(self, url: str, every: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._url = url
        self._every = every
        self._clock = clock
        self._next = -math.inf
        self._unlogged = 0

    def failed(self, reason: str) -> None:
        now = self._clock()
        if now < self._next:
            self._unlogged += 1
            return
        since = f" ({self._unlogged} more since the last line)" if self._unlogged else ""
        log.warning(
            "policy evaluator %s gave no answer, no policy satisfied: %s%s",
            self._url,
            reason,
            since,
        )
        self._next = now + self._every
        self._unlogged = 0


class PolicyEvaluator:
    def __init__(self, config: PolicyEvaluatorConfig) -> None:
        self._url = config.url
        self._timeout = aiohttp.ClientTimeout(total=config.timeout)
        self._max_bytes = config.max_response_bytes
        self._session: aiohttp.ClientSession | None = None
        self._failures = FailureLog(config.url, LOG_EVERY)

    async def satisfied(
        self, policies: frozenset[str], claims: Mapping[str, Any] | None
    ) -> frozenset[str]:
        """Those of ``policies`` the evaluator finds satisfied; none when it cannot say."""
        try:
            return policies & await self.ask(policies, claims)
        except EvaluatorFailed as exc:
            self._failures.failed(str(exc))
            return frozenset()

    async def ask(
        self, policies: frozenset[str], claims: Mapping[str, Any] | None
    ) -> frozenset[str]:
        """The evaluator's answer; ``EvaluatorFailed`` when there is none to read."""
        body = orjson.dumps({"policies": sorted(policies), "claims": claims})
        try:
            return await self._post(body)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise EvaluatorFailed(str(exc) or type(exc).__name__) from exc

    async def _post(self, body: bytes) -> frozenset[str]:
        session = self._client()
        async with session.post(
            self._url, data=body, headers={"content-type": "application/json"}
        ) as response:
            if response.status != 200:
                raise EvaluatorFailed(f"HTTP {response.status}")
            data = bytearray()
            async for chunk in response.content.iter_chunked(16_384):
                data += chunk
                if len(data) > self._max_bytes:
                    raise EvaluatorFailed(f"answer over {self._max_bytes} bytes")
        answer = orjson.loads(data)
        satisfied = answer.get("satisfied") if isinstance(answer, dict) else None
        if not isinstance(satisfied, list) or not all(isinstance(p, str) for p in satisfied):
            raise EvaluatorFailed('answer is not {"satisfied": [policy names]}')
        return frozenset(satisfied)

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
