"""Keeping one instance's endpoints in etcd under a lease for as long as it runs.

The lease has ``ttl`` seconds (go-zero uses 10) and is refreshed every
``ttl / 3``; a refresh answering TTL 0 means etcd forgot the lease (it
expired while this process was paused or cut off, or etcd lost its data), and
any error means etcd is unreachable: either way the loop opens a new client
and registers again, with a lease of its own, backing off up to 2 s between
tries. Stopping revokes the lease, which deletes the keys at once, so clients
watching the prefix drop this instance before it goes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Mapping
from typing import Any

import aetcd

from shared.lifecycle import cancelled
from shared.registry.etcd import EtcdEndpoint

log = logging.getLogger(__name__)

_BACKOFF_CAP = 2.0


class Registration:
    def __init__(self, etcd: EtcdEndpoint, entries: Mapping[str, str], *, ttl: int = 10) -> None:
        self._etcd = etcd
        self._entries = dict(entries)
        self._ttl = ttl
        self._client: aetcd.Client | None = None
        self._lease: Any = None
        self._task: asyncio.Task[None] | None = None
        self.registrations = 0
        """How many times the entries were put (1 plus each re-registration)."""

    @property
    def name(self) -> str:
        return f"etcd registration of {', '.join(self._entries)}"

    async def _register(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):
                await self._client.close()
        self._client = self._etcd.client()
        await self._client.connect()
        self._lease = await self._client.lease(self._ttl)
        for key, value in self._entries.items():
            await self._client.put(key.encode(), value.encode(), lease=self._lease)
        self.registrations += 1

    async def start(self) -> None:
        await self._register()
        self._task = asyncio.create_task(self._keep_alive(), name=self.name)

    async def _keep_alive(self) -> None:
        failures = 0
        while True:
            await asyncio.sleep(self._ttl / 3 if failures == 0 else _pause(failures))
            try:
                if failures or not await self._refreshed():
                    log.warning("registration lost; registering %s again", list(self._entries))
                    await self._register()
                failures = 0
            except Exception as exc:
                failures += 1
                log.warning("etcd unreachable (%s); retrying registration", exc)

    async def _refreshed(self) -> bool:
        assert self._client is not None
        reply = await self._client.refresh_lease(self._lease.id)
        return reply is not None and reply.TTL > 0

    async def stop(self) -> None:
        await cancelled(self._task)
        self._task = None
        if self._client is not None:
            try:
                await self._client.revoke_lease(self._lease.id)
            except Exception:
                log.warning("could not revoke the lease; the keys expire with its TTL")
            await self._client.close()
            self._client = None


def _pause(failures: int) -> float:
    return random.uniform(0, min(_BACKOFF_CAP, 0.1 * 2**failures))
