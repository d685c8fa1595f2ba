"""``beyond schema``: the schema contract in ``schema/``.

``compose`` exports every subgraph's SDL (or fetches it with ``_service { sdl }`` from
running subgraphs) into ``schema/subgraphs/<name>.graphql`` and composes them into
``schema/supergraph.graphql``, routed with the URLs of ``schema/subgraphs.toml``.
``check`` does the same in memory, fails when the checked-in files are stale, and lists
every client-visible change against the checked-in (or ``--against`` git) supergraph as
breaking, dangerous or safe; breaking changes fail unless ``--allow-breaking``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from beyond.commands import CommandError

SCHEMA_DIR = Path("schema")
ROUTING_FILE = "subgraphs.toml"
SUPERGRAPH_FILE = "supergraph.graphql"
SERVICE_QUERY = "query SubgraphSdl { _service { sdl } }"


@dataclass
class CheckReport:
    """What ``check`` found: one line per stale file and per change, and the exit status."""

    lines: list[str] = field(default_factory=list)
    stale: bool = False
    breaking: int = 0
    status: int = 0


def read_routing(schema_dir: Path, env: str = "dev") -> dict[str, str]:
    """Subgraph name -> routing URL for ``env``, from ``schema/subgraphs.toml``."""
    path = schema_dir / ROUTING_FILE
    try:
        table = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise CommandError(f"{path} is missing: list each subgraph's routing URL there") from None
    except tomllib.TOMLDecodeError as exc:
        raise CommandError(f"{path} is not valid TOML: {exc}") from None
    routing: dict[str, str] = {}
    for name, urls in table.get("subgraphs", {}).items():
        if env not in urls:
            raise CommandError(f'{path} has no "{env}" URL for subgraph {name}')
        routing[name] = str(urls[env])
    return routing


def composed_supergraph(sdls: Mapping[str, str], routing: Mapping[str, str]) -> str:
    """Compose the subgraphs, or fail with every composition error (printed first)."""
    from composition import SubgraphSDL, compose

    unrouted = sorted(set(sdls) - set(routing))
    if unrouted:
        raise CommandError(
            f"no routing URL for {', '.join(unrouted)}: add it to schema/{ROUTING_FILE}"
        )
    result = compose([SubgraphSDL(name, routing[name], sdl) for name, sdl in sdls.items()])
    if result.supergraph_sdl is None:
        for error in result.errors:
            print(f"error: {error}", file=sys.stderr)
        raise CommandError(f"the subgraphs do not compose ({len(result.errors)} errors above)")
    return result.supergraph_sdl


def _sdl_text(sdl: str) -> str:
    return sdl.rstrip("\n") + "\n"


def compose_schema_dir(schema_dir: Path, sdls: Mapping[str, str], *, env: str = "dev") -> str:
    """Write the exported SDLs and their supergraph into ``schema_dir``; return the latter."""
    supergraph = composed_supergraph(sdls, read_routing(schema_dir, env))
    subgraph_dir = schema_dir / "subgraphs"
    subgraph_dir.mkdir(parents=True, exist_ok=True)
    for stale in subgraph_dir.glob("*.graphql"):
        if stale.stem not in sdls:
            stale.unlink()
    for name, sdl in sdls.items():
        (subgraph_dir / f"{name}.graphql").write_text(_sdl_text(sdl))
    (schema_dir / SUPERGRAPH_FILE).write_text(supergraph)
    return supergraph


def check_schema_dir(
    schema_dir: Path,
    sdls: Mapping[str, str],
    *,
    allow_breaking: bool,
    env: str = "dev",
    baseline_sdl: str | None = None,
) -> CheckReport:
    """Compare ``schema_dir`` with what ``compose`` would write from ``sdls``.

    Changes are classified against ``baseline_sdl`` when given, else against the
    checked-in supergraph."""
    from graphql import GraphQLError

    from composition.diff import Severity, diff_supergraphs

    report = CheckReport()
    supergraph = composed_supergraph(sdls, read_routing(schema_dir, env))
    subgraph_dir = schema_dir / "subgraphs"
    expected = {f"subgraphs/{name}.graphql": _sdl_text(sdl) for name, sdl in sdls.items()}
    expected[SUPERGRAPH_FILE] = supergraph
    present = {f"subgraphs/{p.name}" for p in subgraph_dir.glob("*.graphql")}
    for relative in sorted(present - set(expected)):
        report.lines.append(f"stale     {schema_dir / relative}: no such subgraph any more")
    for relative, text in sorted(expected.items()):
        path = schema_dir / relative
        if not path.exists():
            report.lines.append(f"stale     {path}: missing")
        elif path.read_text() != text:
            report.lines.append(f"stale     {path}: differs from the code")
    report.stale = bool(report.lines)
    checked_in = schema_dir / SUPERGRAPH_FILE
    baseline = baseline_sdl
    if baseline is None and checked_in.exists():
        baseline = checked_in.read_text()
    if baseline is not None:
        try:
            changes = diff_supergraphs(baseline, supergraph)
        except (GraphQLError, TypeError) as exc:
            raise CommandError(f"the supergraph to compare with is not valid: {exc}") from None
        for change in changes:
            report.lines.append(str(change))
            report.breaking += change.severity is Severity.BREAKING
    if report.stale:
        report.lines.append("schema/ is stale: run `beyond schema compose` and commit the result")
        report.status = 1
    if report.breaking and not allow_breaking:
        report.lines.append(
            f"{report.breaking} breaking change(s) for clients: pass --allow-breaking if intended"
        )
        report.status = 1
    if report.status == 0 and not report.lines:
        report.lines.append("schema/ is up to date")
    return report


def fetch_sdls(routing: Mapping[str, str], timeout: float = 10.0) -> dict[str, str]:
    """Each running subgraph's SDL, from its ``_service { sdl }`` field."""
    import urllib.error
    import urllib.request

    sdls: dict[str, str] = {}
    for name, url in routing.items():
        request = urllib.request.Request(
            url,
            data=json.dumps({"query": SERVICE_QUERY}).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body = json.loads(response.read())
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise CommandError(f"cannot fetch the SDL of {name} from {url}: {exc}") from None
        sdl = (body.get("data") or {}).get("_service", {}).get("sdl")
        if not isinstance(sdl, str):
            raise CommandError(f"{name} at {url} did not answer _service {{ sdl }}: {body}")
        sdls[name] = sdl
    return sdls


def exported_sdls() -> dict[str, str]:
    """Each discovered domain's SDL, exported from the code (no server needed)."""
    from beyond.domains import export_sdls

    return export_sdls()


def _sdls(args: argparse.Namespace) -> dict[str, str]:
    if args.from_urls:
        return fetch_sdls(read_routing(args.schema_dir, args.env))
    return exported_sdls()


def _baseline(schema_dir: Path, ref: str | None) -> str | None:
    if ref is None:
        return None
    path = (schema_dir / SUPERGRAPH_FILE).resolve()
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=True,
            cwd=path.parent,
        ).stdout.strip()
        shown = subprocess.run(
            ["git", "show", f"{ref}:{path.relative_to(top).as_posix()}"],
            capture_output=True,
            text=True,
            cwd=top,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise CommandError(f"cannot read the supergraph at {ref}: {exc}") from None
    if shown.returncode != 0:
        # The supergraph does not exist at that revision yet: everything is new.
        return None
    return shown.stdout


def _compose(args: argparse.Namespace) -> int:
    sdls = _sdls(args)
    compose_schema_dir(args.schema_dir, sdls, env=args.env)
    print(f"wrote {len(sdls)} subgraph SDL(s) and {args.schema_dir / SUPERGRAPH_FILE}")
    return 0


def _check(args: argparse.Namespace) -> int:
    report = check_schema_dir(
        args.schema_dir,
        _sdls(args),
        allow_breaking=args.allow_breaking,
        env=args.env,
        baseline_sdl=_baseline(args.schema_dir, args.against),
    )
    for line in report.lines:
        print(line)
    return report.status


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    schema = subparsers.add_parser("schema", help="compose and check the schema contract")
    commands = schema.add_subparsers(dest="schema_command", required=True, metavar="ACTION")

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--from-urls",
            action="store_true",
            help="fetch each SDL from the running subgraph (_service { sdl }) instead of the code",
        )
        parser.add_argument(
            "--env", default="dev", help="routing URLs to use from schema/subgraphs.toml"
        )
        parser.add_argument(
            "--schema-dir", type=Path, default=SCHEMA_DIR, help="the contract folder"
        )

    compose_parser = commands.add_parser(
        "compose", help="rewrite the exported subgraph SDLs and the supergraph"
    )
    common(compose_parser)
    compose_parser.set_defaults(handler=_compose)

    check_parser = commands.add_parser(
        "check", help="fail on stale schema files and on breaking changes for clients"
    )
    common(check_parser)
    check_parser.add_argument(
        "--allow-breaking", action="store_true", help="do not fail on breaking changes"
    )
    check_parser.add_argument(
        "--against",
        metavar="GIT_REF",
        help="classify changes against the supergraph at this revision (e.g. origin/main)",
    )
    check_parser.set_defaults(handler=_check)
