"""Readiness: the supergraph is loaded and every subgraph answered a probe recently.

Asking ``/ready`` asks each subgraph of the served supergraph ``query
Ready { __typename }`` (any GraphQL server answers it, so this works for
subgraphs that are not Beyond's own) when the last round is more than
``interval`` seconds old, one round at a time however many ask; no probe is
sent while nobody asks. It reports 503 with the subgraphs that have not
answered within ``stale_after`` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable

from router.transport.types import SubgraphRequest, Transport

log = logging.getLogger("router.http")

PROBE = SubgraphRequest(query="query Ready { __typename }", operation_name="Ready")


class SubgraphReadiness:
    def __init__(
        self,
        transport: Transport,
        subgraphs: Callable[[], Iterable[str]],
        *,
        interval: float = 5.0,
        stale_after: float | None = None,
    ) -> None:
        self._transport = transport
        self._subgraphs = subgraphs
        self._interval = interval
        self._stale_after = stale_after if stale_after is not None else 3 * interval
        self._answered: dict[str, float] = {}
        self._last_round = -float("inf")
        self._round: asyncio.Future[None] | None = None

    async def probe_all(self) -> None:
        names = list(self._subgraphs())
        results = await asyncio.gather(*(self._probe(name) for name in names))
        now = time.monotonic()
        for name, ok in zip(names, results, strict=True):
            if ok:
                self._answered[name] = now

    async def _probe(self, name: str) -> bool:
        try:
            response = await asyncio.wait_for(
                self._transport.fetch(name, PROBE), timeout=self._interval
            )
        except Exception as exc:  # any failure means not ready; say why in the log
            log.warning("subgraph %s did not answer the readiness probe: %s", name, exc)
            return False
        return response.data is not None and not response.errors

    async def report(self) -> dict[str, str]:
        """Each subgraph: ``ok`` when it answered within ``stale_after`` seconds, else ``unavailable``."""
        if self._round is None and time.monotonic() - self._last_round >= self._interval:
            self._last_round = time.monotonic()
            self._round = asyncio.ensure_future(self.probe_all())
            self._round.add_done_callback(self._settled)
        if self._round is not None:
            await asyncio.shield(self._round)
        now = time.monotonic()
        return {
            name: "ok"
            if now - self._answered.get(name, -float("inf")) <= self._stale_after
            else "unavailable"
            for name in self._subgraphs()
        }

    def _settled(self, _: asyncio.Future[None]) -> None:
        self._round = None
