"""The live endpoints under one etcd prefix, kept current by a watch.

``start()`` reads the prefix (so a client has its endpoints before serving)
and watches from the next revision; a watch that fails (etcd restarted,
connection lost, revision compacted) is dropped and the prefix read whole
again after a short jittered pause, so an endpoint deleted while this process
was cut off does not linger. ``on_change`` gets the new address set after
every change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable

import aetcd
from aetcd.rtypes import EventKind

from shared.lifecycle import cancelled
from shared.registry.etcd import EtcdEndpoint

log = logging.getLogger(__name__)


class Discovery:
    def __init__(
        self,
        etcd: EtcdEndpoint,
        prefix: str,
        *,
        on_change: Callable[[frozenset[str]], None] | None = None,
    ) -> None:
        self._etcd = etcd
        self._prefix = prefix
        self._on_change = on_change
        self._found: dict[bytes, str] = {}
        self._task: asyncio.Task[None] | None = None

    @property
    def name(self) -> str:
        return f"etcd discovery of {self._prefix}"

    @property
    def addresses(self) -> frozenset[str]:
        return frozenset(self._found.values())

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self.addresses)

    async def _load(self, client: aetcd.Client) -> int:
        listed = await client.get_prefix(self._prefix.encode())
        self._found = {kv.key: kv.value.decode() for kv in listed}
        self._changed()
        return int(listed.header.revision)

    async def start(self) -> None:
        client = self._etcd.client()
        await client.connect()
        try:
            revision = await self._load(client)
        except Exception:
            await client.close()
            raise
        self._task = asyncio.create_task(self._follow(client, revision), name=self.name)

    async def _follow(self, client: aetcd.Client, revision: int) -> None:
        while True:
            try:
                await self._watch(client, revision)
            except asyncio.CancelledError:
                await client.close()
                raise
            except Exception as exc:
                log.warning("watch of %s failed (%s); reading it again", self._prefix, exc)
            with contextlib.suppress(Exception):
                await client.close()
            await asyncio.sleep(random.uniform(0.05, 0.3))
            client = self._etcd.client()
            try:
                await client.connect()
                revision = await self._load(client)
            except Exception as exc:
                log.warning("etcd unreachable (%s); keeping the last known endpoints", exc)

    async def _watch(self, client: aetcd.Client, revision: int) -> None:
        watch = await client.watch_prefix(self._prefix.encode(), start_revision=revision + 1)
        async for event in watch:
            if event.kind == EventKind.PUT:
                self._found[event.kv.key] = event.kv.value.decode()
            else:
                self._found.pop(event.kv.key, None)
            self._changed()

    async def stop(self) -> None:
        await cancelled(self._task)
        self._task = None
