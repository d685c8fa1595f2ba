"""The benchmark's subgraphs registered in a real etcd, for the router's p2c variant.

:func:`subgraphs_in_etcd` starts etcd on free loopback ports (as the tests
do), registers each subgraph's URL under ``/beyond/services/<name>/graphql/``
as ``beyond serve`` would, and writes a router config taking every
subgraph's URLs from there (``discovery = "etcd"``), so the router balances
each over its one replica with p2c.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from shared.lifecycle import running
from shared.registry.etcd import service_prefix
from shared.registry.registration import Registration
from tests.support.etcd import EtcdServer


@asynccontextmanager
async def subgraphs_in_etcd(urls: Mapping[str, str], config: Path) -> AsyncIterator[Path]:
    """Register ``urls`` (subgraph name → URL) and write ``config``; both undone on exit."""
    with tempfile.TemporaryDirectory() as scratch:
        etcd = EtcdServer(Path(scratch) / "etcd")
        etcd.start()
        try:
            registrations = [
                Registration(etcd.endpoint, {service_prefix(name, "graphql") + url: url})
                for name, url in urls.items()
            ]
            _write_config(config, f"http://127.0.0.1:{etcd.client_port}", urls)
            async with running(registrations):
                yield config
        finally:
            _remove(config)
            etcd.stop()


def _write_config(config: Path, etcd: str, names: Iterable[str]) -> None:
    lines = ["[registry]", f'etcd = "{etcd}"']
    for name in names:
        lines += ["", f"[subgraphs.{name}]", 'discovery = "etcd"']
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _remove(config: Path) -> None:
    config.unlink(missing_ok=True)
