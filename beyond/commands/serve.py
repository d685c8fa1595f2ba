"""``beyond serve SERVICE``: run one service as production does, configured by environment."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from beyond.commands import CommandError
from beyond.services import SERVICES
from shared.migrations import current_revision, head_revision
from shared.settings import SettingsError, load_settings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "serve", help="run one service with settings from BEYOND_* environment variables"
    )
    parser.add_argument("service", choices=sorted(SERVICES))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, help="default: the service's dev port")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    import uvicorn

    spec = SERVICES[args.service]
    try:
        settings = load_settings(spec.settings_cls)
    except SettingsError as exc:
        raise CommandError(
            "\n".join([f"{spec.name} cannot start:", *(f"  {line}" for line in exc.lines)])
        ) from None
    url = spec.database_url(settings)
    try:
        current = current_revision(url)
    except SQLAlchemyError as exc:
        reason = str(exc.orig if hasattr(exc, "orig") and exc.orig else exc).splitlines()[0]
        raise CommandError(f"cannot reach the {spec.name} database: {reason}") from None
    head = head_revision(spec.migrations)
    if current != head:
        raise CommandError(
            f"the {spec.name} database is at migration {current or 'none'}, not {head}: "
            f"run `beyond migrate {spec.name}` first"
        )
    uvicorn.run(
        spec.create_app(settings),
        host=args.host,
        port=args.port or spec.dev_port,
        ws="auto",
        log_level=settings.log_level.lower(),
    )
    return 0
