"""The differential oracle: generated splits behind our router against the monolith.

``python -m tests.router.oracle --splits 3 --operations 10000 --seed 1``
composes each split with Apollo's composition (node, tests/node), serves it
in-process behind the router, and asks the router and the monolith every
generated operation: ``data`` must be identical, errors must be at the same
paths (both have none on this data), and the router's answer must have the
operation's shape (:mod:`.shape`). Prints the figures and each difference.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from graphql import GraphQLEnumType, GraphQLField, GraphQLNonNull, get_named_type, parse
from graphql.type.definition import GraphQLInputType

from router.http import create_router_app
from router.supergraph import load_supergraph
from tests.router.http.compose import compose_sdls, placeholder_url
from tests.router.http.live_federation import router_config
from tests.router.operation_writer import OperationWriter
from tests.router.oracle import world
from tests.router.oracle.serve import OracleTransport, answer, monolith, monolith_resolver
from tests.router.oracle.shape import shape_problems
from tests.router.oracle.splits import split


class WorldWriter(OperationWriter):
    """Operations over the world: every argument now and then, written inline or as a
    variable (with or without a default, its value given, null or left out); ``ID`` values
    name objects of the world, so ``node`` finds them."""

    def value(self, type_: GraphQLInputType) -> Any:
        named = get_named_type(type_)
        if isinstance(named, GraphQLEnumType):
            return self.rng.choice(list(named.values))
        return {
            "ID": lambda: self.rng.choice(world.IDS),
            "Int": lambda: self.rng.randint(0, 4),
            "Boolean": lambda: self.rng.random() < 0.5,
        }[named.name]()

    def written(self, type_: GraphQLInputType, value: Any) -> str:
        if isinstance(get_named_type(type_), GraphQLEnumType):
            return str(value)
        return json.dumps(value)

    def arguments(self, field: GraphQLField) -> str:
        written = []
        for name, argument in field.args.items():
            required = isinstance(argument.type, GraphQLNonNull)
            if not required and self.rng.random() < 0.6:
                continue
            written.append(f"{name}: {self.argument(argument.type, required)}")
        return f"({', '.join(written)})" if written else ""

    def argument(self, type_: GraphQLInputType, required: bool) -> str:
        roll = self.rng.random()
        if roll < 0.5:
            return self.written(type_, self.value(type_))
        if roll < 0.55 and not required:
            return "null"
        variable = f"v{len(self.definitions) + 1}"
        definition = str(type_)
        if self.rng.random() < 0.4:
            definition += f" = {self.written(type_, self.value(type_))}"
        supplied = self.rng.random()
        if supplied < 0.7 or (required and "=" not in definition):
            self.values[variable] = self.value(type_)
        elif supplied < 0.85 and not required:
            self.values[variable] = None
        self.definitions[variable] = definition
        return f"${variable}"


@dataclass
class Difference:
    split_seed: int
    query: str
    variables: dict[str, Any]
    reason: str
    router: dict[str, Any]
    monolith: dict[str, Any]


@dataclass
class Report:
    splits: int = 0
    operations: int = 0
    invalid: int = 0
    uncomposed: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)


MONOLITH = monolith()


async def run_split(
    split_seed: int,
    operations: int,
    report: Report,
    extra: Sequence[tuple[str, dict[str, Any]]] = (),
) -> None:
    """``operations`` generated operations on split ``split_seed``, then the ``extra`` ones."""
    subgraphs = split(split_seed)
    try:
        supergraph = compose_sdls({s.name: s.sdl() for s in subgraphs})
    except RuntimeError as error:
        report.uncomposed.append(f"split {split_seed}: {error}")
        return
    api_schema = load_supergraph(supergraph).api_schema
    truth_schema = monolith(hidden_level=any(s.hidden_level for s in subgraphs))
    writer = WorldWriter(api_schema, random.Random(f"oracle-{split_seed}"))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "supergraph.graphql"
        path.write_text(supergraph)
        config = router_config(path, {s.name: placeholder_url(s.name) for s in subgraphs})
        app = create_router_app(config, transport=OracleTransport(subgraphs))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://router.test"
        ) as client:
            report.splits += 1
            rng = random.Random(split_seed)
            generated = (
                (
                    writer.operation(),
                    {"a": rng.random() < 0.5, "b": rng.random() < 0.5, **writer.values},
                )
                for _ in range(operations)
            )
            for query, variables in [*generated, *extra]:
                response = await client.post(
                    "/graphql", json={"query": query, "variables": variables}
                )
                ours = response.json()
                if _refused(ours):
                    # e.g. one response name for two types under fragments, or too many fields.
                    report.invalid += 1
                    continue
                report.operations += 1
                document = parse(query)
                truth = await answer(
                    truth_schema, monolith_resolver, query, variables, checked=False
                )
                reason = _compare(ours, truth) or "; ".join(
                    shape_problems(api_schema, document, variables, ours)
                )
                if reason:
                    report.differences.append(
                        Difference(split_seed, query, variables, reason, ours, truth)
                    )


def _refused(body: dict[str, Any]) -> bool:
    """Refused before execution: invalid, or over one of the router's operation limits."""
    return "data" not in body


def _compare(ours: dict[str, Any], truth: dict[str, Any]) -> str:
    if json.dumps(ours.get("data")) != json.dumps(truth.get("data")):
        return "different data"
    our_paths = sorted(json.dumps(e.get("path")) for e in ours.get("errors", []))
    true_paths = sorted(json.dumps(e.get("path")) for e in truth.get("errors", []))
    if our_paths != true_paths:
        return f"errors at {our_paths}, expected at {true_paths}"
    return ""


async def run(first_seed: int, splits: int, operations: int) -> Report:
    report = Report()
    for split_seed in range(first_seed, first_seed + splits):
        await run_split(split_seed, operations, report)
        print(
            f"after split {split_seed}: {report.operations} operations, "
            f"{len(report.differences)} differences",
            flush=True,
        )
    return report
