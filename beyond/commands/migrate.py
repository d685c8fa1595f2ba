"""``beyond migrate [SERVICE ...]``: apply each service's migrations to its own database."""

from __future__ import annotations

import argparse
import os
from typing import Any

from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from beyond.commands import CommandError
from beyond.domains import discover
from shared.migrations import current_revision, upgrade


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "migrate", help="apply versioned migrations (BEYOND_<SERVICE>_DATABASE_URL)"
    )
    parser.add_argument("services", nargs="*", choices=[[], *sorted(discover())], metavar="SERVICE")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    domains = discover()
    names = args.services or list(domains)
    missing = [
        domains[n].database_variable
        for n in names
        if not os.environ.get(domains[n].database_variable)
    ]
    if missing:
        raise CommandError(
            "\n".join(
                f"{variable} is not set (e.g. mysql+aiomysql://root:@127.0.0.1:3306/"
                f"beyond_{variable.split('_')[1].lower()}?charset=utf8mb4)"
                for variable in missing
            )
        )
    for name in names:
        spec = domains[name]
        url = os.environ[spec.database_variable]
        try:
            before = current_revision(url) if _exists(url) else None
            upgrade(url, spec.migrations)
            after = current_revision(url)
        except (SQLAlchemyError, ArgumentError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise CommandError(f"{name}: migration failed: {reason}") from None
        state = "already up to date" if before == after else f"{before or 'empty'} -> {after}"
        print(f"{name}: {state}")
    return 0


def _exists(url: str) -> bool:
    try:
        current_revision(url)
    except SQLAlchemyError:
        return False
    return True
