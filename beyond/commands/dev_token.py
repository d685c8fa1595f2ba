"""``beyond dev-token USER_ID [--scope S ...]``: an access token for the ``beyond dev`` graph.

Members sign in for their own tokens; scopes (a merchant's ``orders:ship``)
come from the identity provider in production. In development this command
signs one with the dev graph's key (``<data>/secrets.json``), so the
router's ``@requiresScopes`` checks can be tried from GraphiQL.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from beyond.commands import CommandError


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "dev-token",
        help="print an access token for the `beyond dev` graph, with scopes (e.g. a merchant's)",
    )
    parser.add_argument("user_id", metavar="USER_ID", help="the member's id")
    parser.add_argument(
        "--scope",
        action="append",
        default=[],
        help="a scope to grant, e.g. orders:ship or orders:refund (repeat for several)",
    )
    parser.add_argument("--ttl", type=int, default=3600, help="seconds it is valid (3600)")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(".beyond"), help="the dev graph's data directory"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if not args.user_id.isdigit() or int(args.user_id) <= 0:
        raise CommandError(
            f"USER_ID must be a member's id (a positive integer), not {args.user_id!r}"
        )
    if args.ttl <= 0:
        raise CommandError(f"--ttl must be a positive number of seconds, not {args.ttl}")
    from beyond.dev import DevRefused, dev_access_token

    try:
        token = dev_access_token(args.data_dir, str(int(args.user_id)), args.scope, args.ttl)
    except DevRefused as exc:
        raise CommandError(str(exc)) from None
    print(token)
    return 0
