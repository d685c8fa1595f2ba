"""Replicas of a service as operators run them: ``beyond serve`` processes registered in etcd.

Each :class:`Replica` is its own process on free ports, with its metrics on a
listener of its own (how a test tells which replica answered) and its
registration in etcd (``BEYOND_REGISTRY_ETCD``); :meth:`Replica.kill` is
``kill -9``: no graceful stop, no lease revoked. :func:`pid_holding` finds
which of them holds a given client socket (a MariaDB processlist row's port).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import httpx

from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[2]
_SERVE = (sys.executable, "-m", "beyond.cli", "serve")


class Replica:
    def __init__(self, service: str, env: Mapping[str, str]) -> None:
        self.service = service
        self.port, self.metrics_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}/graphql"
        clean = {k: v for k, v in os.environ.items() if not k.startswith("BEYOND_")}
        self.process = subprocess.Popen(
            [*_SERVE, service, "--port", str(self.port), "--no-workers"],
            cwd=ROOT,
            env={
                **clean,
                **env,
                "BEYOND_METRICS_LISTEN": f"127.0.0.1:{self.metrics_port}",
                "GRPC_VERBOSITY": "ERROR",
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    async def operations(self) -> int:
        """GraphQL operations this replica has answered (0 until it serves its metrics)."""
        try:
            async with httpx.AsyncClient() as client:
                text = (await client.get(f"http://127.0.0.1:{self.metrics_port}/metrics")).text
        except httpx.HTTPError:
            return 0
        pattern = (
            rf'^beyond_graphql_operations_total{{[^}}]*service="{self.service}"[^}}]*}} (\S+)$'
        )
        return int(sum(float(v) for v in re.findall(pattern, text, re.MULTILINE)))

    def kill(self) -> None:
        """``kill -9``: the process vanishes mid-request, its lease left to expire."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> str:
        """Terminate (if still running) and return what it wrote to stderr."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            _, errors = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, errors = self.process.communicate()
        return errors or ""


def _socket_inodes(local_port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == local_port:
                inodes.add(fields[9])
    return inodes


def pid_holding(local_port: int, pids: Iterable[int]) -> int | None:
    """Which of ``pids`` has a TCP socket bound to ``local_port`` on this machine."""
    links = {f"socket:[{inode}]" for inode in _socket_inodes(local_port)}
    for pid in pids:
        try:
            descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for descriptor in descriptors:
            try:
                if os.readlink(descriptor) in links:
                    return pid
            except OSError:
                continue
    return None
