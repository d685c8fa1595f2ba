"""A real etcd server on loopback for tests: free ports, a temporary data dir, restartable."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from socket import create_connection

from shared.registry.etcd import EtcdEndpoint
from tests.support.net import free_port


class EtcdServer:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.client_port = free_port()
        self.peer_port = free_port()
        self.endpoint = EtcdEndpoint("127.0.0.1", self.client_port)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        client = f"http://127.0.0.1:{self.client_port}"
        peer = f"http://127.0.0.1:{self.peer_port}"
        self._process = subprocess.Popen(
            [
                shutil.which("etcd") or "etcd",
                "--name=beyond-test",
                f"--data-dir={self.data_dir}",
                f"--listen-client-urls={client}",
                f"--advertise-client-urls={client}",
                f"--listen-peer-urls={peer}",
                f"--initial-advertise-peer-urls={peer}",
                f"--initial-cluster=beyond-test={peer}",
                "--log-level=error",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                create_connection(("127.0.0.1", self.client_port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("etcd did not start")

    def stop(self, *, wipe: bool = False) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None
        if wipe:
            shutil.rmtree(self.data_dir, ignore_errors=True)
