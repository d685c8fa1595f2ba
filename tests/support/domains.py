"""Every discovered domain, started for a test: settings, runtime, gRPC server, app.

Domains start in dependency order (a domain after those it calls), each gRPC
server on an ephemeral 127.0.0.1 port, and each caller's ``<name>_grpc_target``
points at it. Nothing here names a domain: what runs is what ``beyond``
discovers.
"""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from sqlalchemy.engine import URL

from beyond.domains import Spec, discover
from beyond.runtime import event_workers
from shared.domain import Runtime, create_app, grpc_target_setting
from shared.grpc import GrpcServer
from shared.lifecycle import Worker, running
from shared.settings import CommonSettings
from tests.conftest import REDIS_URL

JWT_SECRET = "test-secret-that-is-at-least-32-bytes-long"
DATA_KEY = base64.b64encode(os.urandom(32)).decode()
# Settings that make tests cheap, for whichever domain has them.
WEBHOOK_SECRET = "test-payment-webhook-secret"
CHEAP = {
    "data_key": DATA_KEY,
    "password_time_cost": 1,
    "password_memory_kib": 1024,
    "payment_webhook_secret": WEBHOOK_SECRET,
}
# Waits on the clock, made patient: the suite runs on both cores beside MariaDB and Redis,
# and on a stalled machine a healthy call can outlast a production limit (2 s for a gRPC call,
# 3 s to open a database connection or take one from the pool). Tests of those limits set
# their own.
PATIENT_SECONDS = 15.0
_PATIENT_DATABASE = frozenset({"database_connect_timeout", "database_checkout_timeout"})


def _patient(fields: Mapping[str, Any]) -> dict[str, float]:
    return {
        name: PATIENT_SECONDS
        for name in fields
        if name.endswith("_grpc_deadline") or name in _PATIENT_DATABASE
    }


def settings_for(spec: Spec, url: URL, redis_prefix: str, **overrides: Any) -> Any:
    """``spec``'s settings on ``url``, the real Redis under ``redis_prefix``, the tests' secrets,
    patient waits."""
    fields = spec.settings.model_fields
    values: dict[str, Any] = {
        f"{spec.name}_database_url": url.render_as_string(hide_password=False),
        "redis_url": REDIS_URL,
        "redis_prefix": redis_prefix,
        "jwt_secret": JWT_SECRET,
        **{name: value for name, value in CHEAP.items() if name in fields},
        **_patient(fields),
        **overrides,
    }
    return spec.settings(**values)


def dependency_order(domains: Mapping[str, Spec]) -> list[Spec]:
    """Each domain after every domain it calls."""
    ordered: list[Spec] = []
    pending = list(domains.values())
    while pending:
        ready = [s for s in pending if all(c in {o.name for o in ordered} for c in s.calls)]
        assert ready, f"the gRPC calls of {[s.name for s in pending]} form a cycle"
        ordered += ready
        pending = [s for s in pending if s not in ready]
    return ordered


@dataclass
class Domains:
    """The started domains: each one's runtime and app, and every event worker."""

    runtimes: dict[str, Runtime[Any]] = field(default_factory=dict)
    apps: dict[str, FastAPI] = field(default_factory=dict)
    workers: list[Worker] = field(default_factory=list)

    def settings(self, name: str) -> CommonSettings:
        settings: CommonSettings = self.runtimes[name].settings
        return settings


@asynccontextmanager
async def started_domains(
    urls: Mapping[str, URL],
    redis_prefix: str,
    *,
    runtime_builders: Mapping[str, Callable[[Any], Runtime[Any]]] | None = None,
    domains: Mapping[str, Spec] | None = None,
) -> AsyncIterator[Domains]:
    """Start every domain (``domains``, default: the discovered ones) on its database in ``urls``;
    ``runtime_builders`` replaces a domain's ``build_runtime`` (to record its SMS, say)."""
    builders = runtime_builders or {}
    started = Domains()
    targets: dict[str, str] = {}
    async with AsyncExitStack() as stack:
        for spec in dependency_order(domains or discover()):
            settings = settings_for(
                spec,
                urls[spec.name],
                redis_prefix,
                **{grpc_target_setting(c): targets[c] for c in spec.calls},
            )
            runtime = builders.get(spec.name, spec.build_runtime)(settings)
            stack.push_async_callback(runtime.aclose)
            started.runtimes[spec.name] = runtime
            started.apps[spec.name] = create_app(spec, runtime)
            started.workers += event_workers(spec, runtime)
            if spec.grpc_services is not None:
                server = GrpcServer(spec.grpc_services(runtime), address="127.0.0.1:0")
                await stack.enter_async_context(running([server]))
                targets[spec.name] = f"127.0.0.1:{server.port}"
        yield started
