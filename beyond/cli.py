"""The ``beyond`` command: one sub-command module per concern, each registering itself."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from beyond.commands import CommandError

# Each module has ``register(subparsers)``, which adds its sub-commands and sets
# ``handler`` (``args -> int`` exit status) as the parser default.
# A module imports only the standard library and ``beyond.commands``/``beyond.domain_folders``
# at its top; its handlers import the rest, so ``--help`` and argument errors load no service
# (tests/beyond/test_cli_startup.py).
COMMAND_MODULES: tuple[str, ...] = (
    "dev",
    "dev_token",
    "serve",
    "worker",
    "migrate",
    "schema",
    "proto",
    "router",
    "persisted_queries",
    "domains",
    "probe",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="beyond", description="Run, migrate and inspect the Beyond graph."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"beyond.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler(args)
    except CommandError as exc:
        for line in str(exc).splitlines():
            print(f"beyond: {line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
