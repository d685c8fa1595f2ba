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
from graphql import get_named_type, parse
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
    """Operations whose ``ID`` arguments name objects of the world, so ``node`` finds them."""

    def literal(self, type_: GraphQLInputType) -> str:
        if get_named_type(type_).name == "ID":
            return json.dumps(self.rng.choice(world.IDS))
        return super().literal(type_)


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
                (writer.operation(), {"a": rng.random() < 0.5, "b": rng.random() < 0.5})
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
                truth = await answer(MONOLITH, monolith_resolver, query, variables, checked=False)
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
