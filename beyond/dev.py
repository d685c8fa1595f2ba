"""``beyond dev``: the whole graph in one process on embedded defaults.

Every service runs on its own port inside one event loop, with its gRPC
server (its gRPC port moved by as much as ``--port`` moves the graph) and its event relays and consumers beside it,
and the router on the graph's port in front of them, serving the supergraph
composed from the code at start-up (written to ``<data>/supergraph.graphql``).
Databases are SQLite files under the data folder unless
``BEYOND_<SERVICE>_DATABASE_URL`` is set; Redis is the in-process store
unless ``BEYOND_REDIS_URL`` is set; the JWT secret and data key are generated
once into ``<data>/secrets.json``; services that call another's gRPC server
are pointed at its dev port unless ``BEYOND_<SERVICE>_GRPC_TARGET`` is set.

Before anything starts, every HTTP and gRPC port is checked (a taken one is
named, with its holder) and a ``BEYOND_REDIS_URL`` must answer: either
refusal is one line per reason, and nothing says "running".
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
from redis.exceptions import RedisError
from starlette.applications import Starlette

from beyond.chat_page import chat_page_routes
from beyond.community import CommunitySeed
from beyond.domains import Spec, discover, export_sdls
from beyond.ports import taken
from beyond.runtime import event_workers, grpc_server, http_server, run_until_stopped
from beyond.telemetry import (
    METRICS_LISTEN_VARIABLE,
    configure_tracing,
    instrumented,
    serve_metrics,
    with_sampler,
)
from composition import SubgraphSDL, compose
from router.config import AuthenticationConfig, CorsConfig, RouterConfig, ServerSettings
from router.http import create_router_app
from router.http.cors import LOCALHOST_ORIGINS
from router.telemetry import RouterMetrics
from shared.domain import Runtime, create_app, grpc_target_setting
from shared.grpc import GrpcServer
from shared.lifecycle import Worker
from shared.logs import configure_logging
from shared.migrations import upgrade
from shared.redis import create_redis
from shared.settings import CommonSettings, load_settings
from shared.tokens import AccessTokens

DEFAULT_GRAPH_PORT = 4000


class CompositionFailed(Exception):
    """The subgraphs' SDLs do not compose; the message lists every error."""


class DevRefused(Exception):
    """``beyond dev`` cannot start as asked; the message says why, one line per reason."""


def service_port(spec: Spec, graph_port: int) -> int:
    """Services keep their place after the graph: 4001, 4002, … when the graph is on 4000."""
    return graph_port + spec.port - DEFAULT_GRAPH_PORT


def dev_grpc_port(spec: Spec, graph_port: int) -> int | None:
    """gRPC ports move with the graph too: 5001 with the graph on 4000, 5101 on 4100."""
    return None if spec.grpc_port is None else graph_port + spec.grpc_port - DEFAULT_GRAPH_PORT


def wanted_ports(graph_port: int, *, with_router: bool = True) -> dict[str, int]:
    """Every port the dev graph listens on, by what it is for."""
    ports = {"the router": graph_port} if with_router else {}
    for spec in discover().values():
        ports[f"{spec.name} HTTP"] = service_port(spec, graph_port)
        grpc = dev_grpc_port(spec, graph_port)
        if grpc is not None and spec.grpc_services is not None:
            ports[f"{spec.name} gRPC"] = grpc
    return ports


def check_ports(host: str, graph_port: int, *, with_router: bool = True) -> None:
    lines = taken(host, wanted_ports(graph_port, with_router=with_router))
    if lines:
        lines.append(f"pass --port N to move the whole graph (now {graph_port}; the others follow)")
        raise DevRefused("\n".join(lines))


async def check_redis(settings: CommonSettings) -> None:
    """A ``BEYOND_REDIS_URL`` that does not answer refuses the start (no retry loop)."""
    if settings.redis_url is None:
        return
    redis = create_redis(settings.redis_url)
    try:
        await redis.ping()
    except (RedisError, OSError) as exc:
        raise DevRefused(
            f"BEYOND_REDIS_URL {settings.redis_url} does not answer ({exc}): start Redis, "
            "or unset it for the in-process store"
        ) from None
    finally:
        await redis.aclose()


def compose_dev_supergraph(host: str, graph_port: int) -> str:
    sources = [
        SubgraphSDL(
            name=name,
            url=f"http://{host}:{service_port(discover()[name], graph_port)}/graphql",
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


_DEV_SECRETS: dict[str, Callable[[], str]] = {
    "jwt_secret": lambda: secrets.token_urlsafe(48),
    "data_key": lambda: base64.b64encode(os.urandom(32)).decode(),
    "router_secret": lambda: secrets.token_urlsafe(32),
    "payment_webhook_secret": lambda: secrets.token_urlsafe(32),
}


def dev_access_token(data_dir: Path, user_id: str, scopes: list[str], ttl: int) -> str:
    """An access token for the dev graph under ``data_dir``, signed with its key."""
    path = data_dir / "secrets.json"
    if not path.exists():
        raise DevRefused(f"there is no dev graph in {data_dir}: start `beyond dev` first")
    spec = discover()["accounts"]
    settings = dev_settings(spec, data_dir, json.loads(path.read_text()))
    return AccessTokens.from_settings(settings, ttl=ttl).issue(user_id, scopes=scopes)


def dev_secrets(data_dir: Path) -> dict[str, str]:
    """The secrets kept in ``<data>/secrets.json``; any it lacks are generated into it."""
    path = data_dir / "secrets.json"
    stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = {name: make() for name, make in _DEV_SECRETS.items() if name not in stored}
    if missing:
        stored.update(missing)
        data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(json.dumps(stored, indent=2))
    return stored


def dev_settings(
    spec: Spec, data_dir: Path, stored: dict[str, str], graph_port: int = DEFAULT_GRAPH_PORT
) -> CommonSettings:
    defaults: dict[str, Any] = {
        f"{spec.name}_database_url": f"sqlite+aiosqlite:///{(data_dir / spec.name).resolve()}.db",
    }
    # Every generated secret a domain's settings have (the webhook key only for commerce).
    defaults.update(
        {name: stored[name] for name in _DEV_SECRETS if name in spec.settings.model_fields}
    )
    domains = discover()
    for called in spec.calls:
        defaults[grpc_target_setting(called)] = (
            f"127.0.0.1:{dev_grpc_port(domains[called], graph_port)}"
        )
    overrides = {
        key: value for key, value in defaults.items() if f"BEYOND_{key.upper()}" not in os.environ
    }
    settings: CommonSettings = load_settings(spec.settings, **overrides)
    return settings


def dev_router_config(
    supergraph: Path, stored: dict[str, str], *, poll_interval: float = 1.0
) -> RouterConfig:
    """The router of `beyond dev`: introspection and printed plans on, the services' router
    secret, tokens verified with the services' key (so `@requiresScopes` holds for a token
    from `beyond dev-token`), and CORS for a frontend on its own dev server (any localhost
    port)."""
    secret = os.environ.get("BEYOND_ROUTER_SECRET") or stored["router_secret"]
    jwt_secret = os.environ.get("BEYOND_JWT_SECRET") or stored["jwt_secret"]
    return RouterConfig(
        supergraph=supergraph,
        poll_interval=poll_interval,
        introspection=True,
        expose_query_plan=True,
        server=ServerSettings(router_secret=secret),
        cors=CorsConfig(origins=LOCALHOST_ORIGINS, allow_credentials=True),
        authentication=AuthenticationConfig(jwt_secret=jwt_secret),
    )


def write_supergraph(data_dir: Path, host: str, port: int) -> Path:
    """Compose the code's subgraphs into ``<data>/supergraph.graphql`` (the router watches it)."""
    supergraph = data_dir / "supergraph.graphql"
    text = compose_dev_supergraph(host, port)
    # Written whole, then renamed: the router never reads half a file.
    partial = supergraph.with_suffix(".partial")
    partial.write_text(text)
    partial.replace(supergraph)
    return supergraph


def say_running(host: str, port: int, say: Callable[[str], None]) -> None:
    say(f"Chat: http://{host}:{port}/chat")
    say(f"Beyond is running: GraphiQL and the graph at http://{host}:{port}/graphql")
    say("Verification codes are printed here as 'SMS to <mobile>: <code>'. Ctrl-C stops.")


def print_line(line: str) -> None:
    # Flushed: through a pipe (tee, a log collector) each line must show when it happens.
    print(line, flush=True)


async def check_backing(data_dir: Path, host: str, port: int, *, with_router: bool = True) -> None:
    """Every refusal, before anything starts or is said to be running: ports, then Redis."""
    check_ports(host, port, with_router=with_router)
    spec = next(iter(discover().values()))
    await check_redis(dev_settings(spec, data_dir, dev_secrets(data_dir), port))


async def run_dev(
    *,
    data_dir: Path,
    host: str,
    port: int,
    seed: bool,
    say: Callable[[str], None] = print_line,
    with_router: bool = True,
) -> None:
    """The whole graph; with ``with_router`` off, everything but the router (``beyond dev
    --reload`` runs the router itself and these in a process it restarts)."""
    # Human lines: one per expected error and per operation (router.access).
    configure_logging(service="beyond-dev", json_lines=False)
    stored = dev_secrets(data_dir)
    domains = discover()
    await check_backing(data_dir, host, port, with_router=with_router)
    all_settings = {
        spec.name: dev_settings(spec, data_dir, stored, port) for spec in domains.values()
    }
    # Every service and the router share this process, and so one /metrics.
    metrics = serve_metrics(os.environ.get(METRICS_LISTEN_VARIABLE))
    if metrics:
        say(f"metrics: http://{os.environ[METRICS_LISTEN_VARIABLE]}/metrics")
    tracer = configure_tracing("dev")
    apps: dict[str, FastAPI] = {}
    runtimes: list[Runtime[Any]] = []
    grpc_servers: list[GrpcServer] = []
    workers: list[Worker] = []
    for spec in domains.values():
        settings = all_settings[spec.name]
        await asyncio.to_thread(upgrade, spec.database_url(settings), spec.migrations)
        runtime = spec.build_runtime(settings)
        runtimes.append(runtime)
        apps[spec.name] = instrumented(spec.name, create_app(spec, runtime), runtime, tracer)
        if seed and spec.seed:
            created = await spec.seed(runtime)
            say(f"{spec.name}: seeded {created} demo record(s)")
        server = grpc_server(spec, runtime, host=host, port=dev_grpc_port(spec, port))
        if server is not None:
            grpc_servers.append(server)
        domain_workers = event_workers(spec, runtime)
        workers += with_sampler(spec.name, runtime, domain_workers) if metrics else domain_workers
    supergraph = write_supergraph(data_dir, host, port)
    servers = [
        http_server(app, host=host, port=service_port(domains[name], port), log_level="warning")
        for name, app in apps.items()
    ]
    served: list[Starlette] = list(apps.values())
    if with_router:
        router_app = create_router_app(
            dev_router_config(supergraph, stored),
            metrics=RouterMetrics() if metrics else None,
            tracer=tracer,
        )
        router_app.router.routes.extend(chat_page_routes())
        servers.append(http_server(router_app, host=host, port=port, log_level="warning"))
        served.append(router_app)
    for name in apps:
        say(f"{name}: http://{host}:{service_port(domains[name], port)}/graphql")
    for server in grpc_servers:
        say(server.name)
    if with_router:
        say_running(host, port, say)
    if seed:
        workers.append(CommunitySeed(f"http://{host}:{port}/graphql", servers, say))
    # gRPC servers start first and stop last: consumers may call them.
    await run_until_stopped(
        apps=served,
        workers=[*grpc_servers, *workers],
        servers=servers,
        runtimes=runtimes,
    )
    if not all(server.started for server in servers):
        ports = ", ".join(str(server.config.port) for server in servers)
        raise OSError(f"could not listen on {host} ports {ports}: is another process using one?")
