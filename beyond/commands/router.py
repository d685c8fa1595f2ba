"""``beyond router``: serve the federated graph, or explain how an operation would be planned.

::

    beyond router --supergraph PATH [--listen 127.0.0.1:4000] [--config FILE]
    beyond router explain --supergraph PATH [--operation-name N] [--override-label L]... QUERYFILE
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from beyond.commands import CommandError

if TYPE_CHECKING:
    from router.config import RouterConfig

DEFAULT_LISTEN = "127.0.0.1:4000"
ROUTER_SECRET_VARIABLE = "BEYOND_ROUTER_SECRET"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# Stopping, uvicorn closes WebSockets at once but waits for open HTTP responses:
# an event stream (a subscription over SSE) is cut after this many seconds.
SHUTDOWN_GRACE_SECONDS = 5


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "router",
        help="serve the federated graph",
        description=(
            "Serve the supergraph over GraphQL-over-HTTP, WebSocket and Server-Sent Events, "
            "or explain a query plan."
        ),
    )
    _supergraph_option(parser, required=False)
    parser.add_argument("--listen", default=DEFAULT_LISTEN, metavar="HOST:PORT")
    parser.add_argument("--config", type=Path, metavar="FILE", help="router TOML configuration")
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=LOG_LEVELS,
        help="JSON log lines on stderr at this level and above",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="also log one router.access line per operation at INFO (off: none on the hot path)",
    )
    parser.add_argument(
        "--metrics-listen",
        metavar="HOST:PORT",
        help="serve Prometheus /metrics here (default $BEYOND_METRICS_LISTEN; unset: off)",
    )
    parser.set_defaults(handler=serve)

    nested = parser.add_subparsers(dest="router_command", metavar="ACTION")
    explain_parser = nested.add_parser("explain", help="print the query plan of an operation")
    _supergraph_option(explain_parser, required=True)
    explain_parser.add_argument("--operation-name", metavar="NAME")
    explain_parser.add_argument(
        "--override-label",
        action="append",
        default=[],
        metavar="LABEL",
        help="plan with this progressive @override label on (repeatable)",
    )
    explain_parser.add_argument("queryfile", type=Path, metavar="QUERYFILE")
    explain_parser.set_defaults(handler=explain)


def _supergraph_option(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--supergraph", type=Path, required=required, metavar="PATH", help="composed supergraph SDL"
    )


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from beyond.telemetry import METRICS_LISTEN_VARIABLE, configure_tracing, serve_metrics
    from router.config import ConfigError
    from router.http import create_router_app
    from router.http.access_log import ACCESS_LOGGER
    from router.http.errors import SupergraphRejected
    from router.telemetry import RouterMetrics
    from shared.http_server import server_config
    from shared.logs import configure_logging

    config = configured(args)
    host, port = _listen(args.listen)
    listen = args.metrics_listen or os.environ.get(METRICS_LISTEN_VARIABLE) or None
    metrics = RouterMetrics() if serve_metrics(listen) else None
    try:
        app = create_router_app(config, metrics=metrics, tracer=configure_tracing("router"))
    except SupergraphRejected as exc:
        raise CommandError(f"supergraph {config.supergraph} cannot be served: {exc}") from None
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot read supergraph {config.supergraph}: {exc.strerror}") from None
    server = uvicorn.Server(
        server_config(
            app,
            host=host,
            port=port,
            log_level=args.log_level.lower(),
            max_message_bytes=config.limits.max_body_bytes,
            header_timeout=config.server.header_timeout,
            timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
        )
    )
    configure_logging(service="router", level=args.log_level, json_lines=True)
    if not args.access_log:
        # Formatting and writing a line per operation cost 18% of the router's CPU on a
        # small query; the line is opt-in (``beyond dev`` keeps it).
        logging.getLogger(ACCESS_LOGGER).setLevel(logging.WARNING)
    server.run()
    return 0


def explain(args: argparse.Namespace) -> int:
    from router.config import RouterConfig
    from router.planner import print_plan
    from router.prepare import OperationRejected, prepare
    from router.supergraph import SupergraphError, load_supergraph

    sdl = _read(args.supergraph, "supergraph")
    query = _read(args.queryfile, "query file")
    try:
        prepared = prepare(
            load_supergraph(sdl),
            query,
            args.operation_name,
            limits=RouterConfig().planning_limits(),
            override_labels=frozenset(args.override_label),
        )
    except SupergraphError as exc:
        raise CommandError(f"supergraph {args.supergraph} cannot be served: {exc}") from None
    except OperationRejected as exc:
        messages = "; ".join(str(e.get("message")) for e in exc.graphql_errors())
        raise CommandError(f"{args.queryfile}: {messages}") from None
    print(print_plan(prepared.plan))
    return 0


def configured(args: argparse.Namespace) -> RouterConfig:
    from router.config import ConfigError, RouterConfig, load_config

    try:
        config = load_config(args.config) if args.config else RouterConfig()
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    if args.supergraph is not None:
        config = dataclasses.replace(config, supergraph=args.supergraph)
    if config.supergraph is None:
        raise CommandError(
            "no supergraph: pass --supergraph PATH or set 'supergraph' in the config"
        )
    return _with_router_secret(config)


def _with_router_secret(config: RouterConfig) -> RouterConfig:
    """``[server] router_secret``, else ``BEYOND_ROUTER_SECRET`` (a Kubernetes Secret or the
    compose environment: the same variable the subgraphs read)."""
    secret = os.environ.get(ROUTER_SECRET_VARIABLE)
    if config.server.router_secret is not None or not secret:
        return config
    if len(secret) < 16:
        raise CommandError(f"{ROUTER_SECRET_VARIABLE} must be at least 16 characters")
    return dataclasses.replace(
        config, server=dataclasses.replace(config.server, router_secret=secret)
    )


def _listen(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"--listen must be HOST:PORT (like {DEFAULT_LISTEN}), not {value!r}")
    return host, int(port)


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot read {what} {path}: {exc.strerror}") from None
