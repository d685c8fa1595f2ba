"""``beyond dev [--seed]``: run the whole graph on embedded defaults."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from beyond.commands import CommandError


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "dev", help="run the whole graph on one machine (SQLite, in-process Redis)"
    )
    parser.add_argument("--seed", action="store_true", help="add the demo users from the README")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port",
        type=int,
        default=4000,
        help="port of the graph (default 4000); the subgraphs take the ports after it",
    )
    parser.add_argument(
        "--data-dir", type=Path, default=Path(".beyond"), help="where SQLite files live"
    )
    parser.add_argument(
        "--reload",
        action="store_true",
        help="restart the subgraphs when their code changes; the router swaps the new graph in",
    )
    # The child that `--reload` restarts: every service and worker, no router.
    parser.add_argument("--subgraphs-only", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    import asyncio

    from beyond.dev import CompositionFailed, DevRefused, run_dev
    from shared.settings import SettingsError

    where = {"data_dir": args.data_dir, "host": args.host, "port": args.port, "seed": args.seed}
    try:
        if args.reload:
            from beyond.reload import run_reloading

            asyncio.run(run_reloading(**where))
        else:
            asyncio.run(run_dev(**where, with_router=not args.subgraphs_only))
    except SettingsError as exc:
        raise CommandError("\n".join(exc.lines)) from None
    except DevRefused as exc:
        raise CommandError(str(exc)) from None
    except CompositionFailed as exc:
        raise CommandError(f"the subgraphs do not compose:\n{exc}") from None
    except OSError as exc:
        raise CommandError(str(exc)) from None
    return 0
