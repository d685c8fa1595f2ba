"""``beyond worker SERVICE``: run only a service's event relays and consumers, until a signal."""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import Any

from beyond.commands import CommandError
from beyond.commands.serve import ready_settings
from beyond.domains import Spec, discover
from shared.settings import CommonSettings

log = logging.getLogger("beyond.worker")


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "worker", help="run one service's event relays and consumers (no HTTP, no gRPC)"
    )
    parser.add_argument("service", choices=sorted(discover()))
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    spec = discover()[args.service]
    settings = ready_settings(spec)
    if spec.workers is None:
        raise CommandError(f"{spec.name} has no event relays or consumers to run")
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(_work(spec, settings))
    return 0


async def _work(spec: Spec, settings: CommonSettings) -> None:
    # Built inside the running loop, like ``beyond serve``: clients bind to it.
    from beyond.runtime import event_workers, run_until_stopped
    from beyond.telemetry import configure_tracing, instrument_runtime, serve_metrics, with_sampler

    configure_tracing(spec.name)
    runtime = spec.build_runtime(settings)
    instrument_runtime(spec.name, runtime)
    workers = event_workers(spec, runtime)
    if serve_metrics(settings.metrics_listen):
        workers = with_sampler(spec.name, runtime, workers)
    for worker in workers:
        log.info("running %s", worker.name)
    await run_until_stopped(apps=[], workers=workers, runtimes=[runtime])
