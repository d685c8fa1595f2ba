"""``beyond serve SERVICE``: run one service as production does, configured by environment.

Beside the HTTP server run the service's gRPC server (``--grpc-port``,
default its dev gRPC port) and its event relays and consumers
(``--no-workers`` leaves those to ``beyond worker SERVICE``).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from beyond.commands import CommandError
from beyond.domain_folders import domain_names

if TYPE_CHECKING:
    from beyond.domains import Spec
    from shared.settings import CommonSettings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "serve", help="run one service with settings from BEYOND_* environment variables"
    )
    parser.add_argument("service", choices=domain_names())
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, help="default: the domain's port")
    parser.add_argument("--grpc-port", type=int, help="default: the domain's gRPC port")
    parser.add_argument(
        "--no-workers", action="store_true", help="do not run event relays and consumers here"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    import asyncio

    from beyond.domains import discover
    from beyond.ready import ready_settings
    from shared.logs import configure_logging

    spec = discover()[args.service]
    settings = ready_settings(spec)
    configure_logging(service=spec.name, level=settings.log_level, json_lines=True)
    try:
        asyncio.run(_serve(args, spec, settings))
    except OSError as exc:
        raise CommandError(str(exc)) from None
    return 0


async def _serve(args: argparse.Namespace, spec: Spec, settings: CommonSettings) -> None:
    # The runtime is built inside the running loop: gRPC channels and other
    # clients bind to the loop they are created in.
    from beyond.runtime import (
        event_workers,
        grpc_server,
        http_server,
        peer_workers,
        registration,
        run_until_stopped,
    )
    from beyond.telemetry import configure_tracing, instrumented, serve_metrics, with_sampler
    from shared.domain import create_app

    runtime = spec.build_runtime(settings)
    app = instrumented(spec.name, create_app(spec, runtime), runtime, configure_tracing(spec.name))
    server = grpc_server(spec, runtime, host=args.host, port=args.grpc_port)
    workers = [] if args.no_workers else event_workers(spec, runtime)
    if serve_metrics(settings.metrics_listen):
        workers = with_sampler(spec.name, runtime, workers)
    port = args.port or spec.port
    http = http_server(app, host=args.host, port=port, log_level=settings.log_level.lower())
    # Last to start, first to stop: the instance leaves the registry before it goes.
    registered = registration(
        spec,
        settings,
        host=args.host,
        http_port=port,
        grpc_port=(args.grpc_port or spec.grpc_port) if server else None,
    )
    await run_until_stopped(
        apps=[app],
        workers=[
            *peer_workers(runtime),
            *([server] if server else []),
            *workers,
            *([registered] if registered else []),
        ],
        servers=[http],
        runtimes=[runtime],
    )
