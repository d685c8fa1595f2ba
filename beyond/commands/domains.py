"""``beyond domains list|check|sync`` and ``beyond new-domain NAME``.

``check`` fails when a domain folder lacks a required file or when a derived
file (``deploy/compose.yaml``, ``schema/subgraphs.toml``, the README's settings
table) disagrees with the specs; ``sync`` rewrites the derived files.
"""

from __future__ import annotations

import argparse
from typing import Any

from beyond.artefacts import SYNC_COMMAND, stale_artefacts, write_artefacts
from beyond.commands import CommandError
from beyond.domains import discover, missing_files


def register(subparsers: Any) -> None:
    _register_domains(subparsers)
    register_new_domain(subparsers)


def _register_domains(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "domains", help="list the discovered domains; check or sync the files derived from them"
    )
    actions = parser.add_subparsers(dest="domains_command", required=True, metavar="ACTION")
    actions.add_parser("list", help="each domain with its ports").set_defaults(handler=_list)
    actions.add_parser(
        "check", help="fail on a missing domain file or a stale derived file"
    ).set_defaults(handler=_check)
    actions.add_parser(
        "sync", help="rewrite deploy/compose.yaml, schema/subgraphs.toml, the README table"
    ).set_defaults(handler=_sync)


def _list(_: argparse.Namespace) -> int:
    for spec in discover().values():
        grpc = f", gRPC {spec.grpc_port}" if spec.grpc_port is not None else ""
        calls = f", calls {', '.join(spec.calls)}" if spec.calls else ""
        print(f"{spec.name}: HTTP {spec.port}{grpc}{calls}")
    return 0


def _check(_: argparse.Namespace) -> int:
    domains = discover()
    problems = [line for name in domains for line in missing_files(name)]
    problems += [
        f"{path} disagrees with the domain specs: run `{SYNC_COMMAND}`"
        for path in stale_artefacts(list(domains.values()))
    ]
    if problems:
        raise CommandError("\n".join(problems))
    print(f"{len(domains)} domain(s); derived files up to date")
    return 0


def _sync(_: argparse.Namespace) -> int:
    for path in write_artefacts(list(discover().values())):
        print(f"wrote {path}")
    return 0


def register_new_domain(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "new-domain", help="create a working domain from the template, wired everywhere"
    )
    parser.add_argument("name", help="lower-case letters and digits, e.g. polls")
    parser.add_argument("--port", type=int, help="its HTTP port (default: after the last one)")
    parser.set_defaults(handler=_new_domain)


def _new_domain(args: argparse.Namespace) -> int:
    from beyond.domains import ROOT
    from beyond.scaffold import ScaffoldError, create_domain, wire_domains

    try:
        written = create_domain(args.name, port=args.port)
    except ScaffoldError as exc:
        raise CommandError(str(exc)) from None
    for path in written:
        print(f"created {path.relative_to(ROOT)}")
    for changed in wire_domains():
        print(f"updated {changed}")
    return 0
