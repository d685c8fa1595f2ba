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
logged. One pooled aiohttp session, opened lazily, closed with the router.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
import orjson

from router.config import PolicyEvaluatorConfig

log = logging.getLogger("router.http")


class EvaluatorFailed(Exception):
    pass


class PolicyEvaluator:
    def __init__(self, config: PolicyEvaluatorConfig) -> None:
        self._url = config.url
        self._timeout = aiohttp.ClientTimeout(total=config.timeout)
        self._max_bytes = config.max_response_bytes
        self._session: aiohttp.ClientSession | None = None

    async def satisfied(
        self, policies: frozenset[str], claims: Mapping[str, Any] | None
    ) -> frozenset[str]:
        """Those of ``policies`` the evaluator finds satisfied; none when it cannot say."""
        body = orjson.dumps({"policies": sorted(policies), "claims": claims})
        try:
            answer = await self._ask(body)
        except (EvaluatorFailed, aiohttp.ClientError, TimeoutError, ValueError) as exc:
            log.warning(
                "policy evaluator %s gave no answer, no policy satisfied: %s",
                self._url,
                str(exc) or type(exc).__name__,
            )
            return frozenset()
        return policies & answer

    async def _ask(self, body: bytes) -> frozenset[str]:
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
