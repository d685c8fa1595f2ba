"""Where etcd is, and the one way Beyond opens a client to it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import aetcd

ROOT = "/beyond/services"


@dataclass(frozen=True, slots=True)
class EtcdEndpoint:
    host: str
    port: int

    @classmethod
    def parse(cls, url: str) -> EtcdEndpoint:
        """``http://127.0.0.1:2379`` or ``127.0.0.1:2379``."""
        parts = urlsplit(url if "//" in url else f"//{url}")
        if not parts.hostname:
            raise ValueError(f"not an etcd address: {url!r}")
        return cls(parts.hostname, parts.port or 2379)

    def client(self, *, timeout: int = 3) -> aetcd.Client:
        return aetcd.Client(host=self.host, port=self.port, timeout=timeout)


def service_prefix(service: str, kind: str) -> str:
    return f"{ROOT}/{service}/{kind}/"
