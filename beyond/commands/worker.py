"""``beyond worker SERVICE``: run only a service's event relays and consumers, until a signal."""

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
        "worker", help="run one service's event relays and consumers (no HTTP, no gRPC)"
    )
    parser.add_argument("service", choices=domain_names())
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    import asyncio

    from beyond.domains import discover
    from beyond.ready import ready_settings
    from shared.logs import configure_logging

    spec = discover()[args.service]
    settings = ready_settings(spec)
    if spec.workers is None:
        raise CommandError(f"{spec.name} has no event relays or consumers to run")
    configure_logging(service=f"{spec.name}-worker", level=settings.log_level, json_lines=True)
    asyncio.run(_work(spec, settings))
    return 0


async def _work(spec: Spec, settings: CommonSettings) -> None:
    # Built inside the running loop, like ``beyond serve``: clients bind to it.
    import logging

    from beyond.runtime import event_workers, peer_workers, run_until_stopped
    from beyond.telemetry import configure_tracing, instrument_runtime, serve_metrics, with_sampler

    configure_tracing(spec.name)
    runtime = spec.build_runtime(settings)
    instrument_runtime(spec.name, runtime)
    workers = event_workers(spec, runtime)
    if serve_metrics(settings.metrics_listen):
        workers = with_sampler(spec.name, runtime, workers)
    log = logging.getLogger("beyond.worker")
    for worker in workers:
        log.info("running %s", worker.name)
    await run_until_stopped(apps=[], workers=[*peer_workers(runtime), *workers], runtimes=[runtime])
