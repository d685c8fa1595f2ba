"""``beyond dev``: the whole graph in one process on embedded defaults.

Every service runs on its own port inside one event loop, with its gRPC
server (on its dev gRPC port) and its event relays and consumers beside it,
and the router on the graph's port in front of them, serving the supergraph
composed from the code at start-up (written to ``<data>/supergraph.graphql``).
Databases are SQLite files under the data folder unless
``BEYOND_<SERVICE>_DATABASE_URL`` is set; Redis is the in-process store
unless ``BEYOND_REDIS_URL`` is set; the JWT secret and data key are generated
once into ``<data>/secrets.json``; services that call another's gRPC server
are pointed at its dev port unless ``BEYOND_<SERVICE>_GRPC_TARGET`` is set.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from beyond.runtime import event_workers, grpc_server, http_server, run_until_stopped
from beyond.services import SERVICES, ServiceSpec, export_sdls
from beyond.telemetry import (
    METRICS_LISTEN_VARIABLE,
    configure_tracing,
    instrumented,
    serve_metrics,
    with_sampler,
)
from composition import SubgraphSDL, compose
from router.config import RouterConfig
from router.http import create_router_app
from router.telemetry import RouterMetrics
from shared.grpc import GrpcServer
from shared.lifecycle import Worker
from shared.migrations import upgrade
from shared.settings import CommonSettings, load_settings

DEFAULT_GRAPH_PORT = 4000


class CompositionFailed(Exception):
    """The subgraphs' SDLs do not compose; the message lists every error."""


def service_port(spec: ServiceSpec, graph_port: int) -> int:
    """Services keep their place after the graph: 4001, 4002, … when the graph is on 4000."""
    return graph_port + spec.dev_port - DEFAULT_GRAPH_PORT


def compose_dev_supergraph(host: str, graph_port: int) -> str:
    sources = [
        SubgraphSDL(
            name=name,
            url=f"http://{host}:{service_port(SERVICES[name], graph_port)}/graphql",
            sdl=sdl,
        )
        for name, sdl in export_sdls().items()
    ]
    result = compose(sources)
    if result.supergraph_sdl is None:
        raise CompositionFailed(
            "\n".join(f"{error.code}: {error.message}" for error in result.errors)
        )
    return result.supergraph_sdl


def dev_secrets(data_dir: Path) -> dict[str, str]:
    path = data_dir / "secrets.json"
    if path.exists():
        stored: dict[str, str] = json.loads(path.read_text())
        return stored
    generated = {
        "jwt_secret": secrets.token_urlsafe(48),
        "data_key": base64.b64encode(os.urandom(32)).decode(),
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps(generated, indent=2))
    return generated


def dev_settings(spec: ServiceSpec, data_dir: Path, stored: dict[str, str]) -> CommonSettings:
    defaults: dict[str, Any] = {
        spec.database_setting: f"sqlite+aiosqlite:///{(data_dir / spec.name).resolve()}.db",
        "jwt_secret": stored["jwt_secret"],
        "data_key": stored["data_key"],
    }
    for other in SERVICES.values():
        if (
            other.grpc_port is not None
            and other.grpc_target_setting in spec.settings_cls.model_fields
        ):
            defaults[other.grpc_target_setting] = f"127.0.0.1:{other.grpc_port}"
    overrides = {
        key: value for key, value in defaults.items() if f"BEYOND_{key.upper()}" not in os.environ
    }
    return load_settings(spec.settings_cls, **overrides)


def _say(line: str) -> None:
    # Flushed: through a pipe (tee, a log collector) each line must show when it happens.
    print(line, flush=True)


async def run_dev(
    *, data_dir: Path, host: str, port: int, seed: bool, say: Callable[[str], None] = _say
) -> None:
    stored = dev_secrets(data_dir)
    # Every service and the router share this process, and so one /metrics.
    metrics = serve_metrics(os.environ.get(METRICS_LISTEN_VARIABLE))
    if metrics:
        say(f"metrics: http://{os.environ[METRICS_LISTEN_VARIABLE]}/metrics")
    tracer = configure_tracing("dev")
    apps: dict[str, FastAPI] = {}
    grpc_servers: list[GrpcServer] = []
    workers: list[Worker] = []
    for spec in SERVICES.values():
        settings = dev_settings(spec, data_dir, stored)
        await asyncio.to_thread(upgrade, spec.database_url(settings), spec.migrations)
        app = apps[spec.name] = instrumented(spec.name, spec.create_app(settings), tracer)
        if seed and spec.seed:
            created = await spec.seed(app)
            say(f"{spec.name}: seeded {created} demo record(s)")
        server = grpc_server(spec, settings, app, host=host, port=None)
        if server is not None:
            grpc_servers.append(server)
        service_workers = event_workers(spec, settings, app)
        workers += with_sampler(spec.name, app, service_workers) if metrics else service_workers
    supergraph = data_dir / "supergraph.graphql"
    supergraph.write_text(compose_dev_supergraph(host, port))
    router = create_router_app(
        RouterConfig(supergraph=supergraph),
        metrics=RouterMetrics() if metrics else None,
        tracer=tracer,
    )
    servers = [
        *(
            http_server(
                app, host=host, port=service_port(SERVICES[name], port), log_level="warning"
            )
            for name, app in apps.items()
        ),
        http_server(router, host=host, port=port, log_level="warning"),
    ]
    for name in apps:
        say(f"{name}: http://{host}:{service_port(SERVICES[name], port)}/graphql")
    for server in grpc_servers:
        say(server.name)
    say(f"Beyond is running: GraphiQL and the graph at http://{host}:{port}/graphql")
    say("Verification codes are printed here as 'SMS to <mobile>: <code>'. Ctrl-C stops.")
    # gRPC servers start first and stop last: consumers may call them.
    await run_until_stopped(
        apps=[*apps.values(), router], workers=[*grpc_servers, *workers], servers=servers
    )
    if not all(server.started for server in servers):
        ports = ", ".join(str(server.config.port) for server in servers)
        raise OSError(f"could not listen on {host} ports {ports}: is another process using one?")
