"""Random operations on every fixture supergraph, checked against Apollo's planner.

A seeded generator writes operations with nested fields, aliases, inline
fragments on possible types and ``@include``/``@skip`` with variables. For
each: we need no more subgraph fetches than Apollo's planner, and every
fetch we plan is valid against its subgraph's schema. One node process plans
them all, another validates all fetches. Operations where Apollo's planner
fails or is known to be wrong (one field required, and asked or required
again, with different arguments) are only checked for validity.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from router.operation import OperationError, prepare
from router.planner import UnsatisfiableField, plan
from tests.router.operation_writer import OperationWriter
from tests.router.planner.plan_cases import (
    features,
    fetch_count,
    fetches,
    supergraph,
    supergraph_path,
)

NODE_DIR = Path(__file__).resolve().parents[2] / "node"
PER_SUPERGRAPH = 12
# A field required with one argument and asked (or required again) with another: Apollo
# answers both under one name (see requires/with_arguments). An operation holding every
# name of one of these groups is only checked for validity.
APOLLO_WRONG = (
    ("metricLabel", "imperialLabel"),
    ("thirdCommenter", "comments("),
    ("readingMinutes", "words("),
)
# Apollo plans these reading an @external field from the subgraph that declares it.
APOLLO_WRONG_FEATURES = frozenset({"requires_bounce"})

pytestmark = pytest.mark.node


def _operations() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for feature in features():
        graph = supergraph(feature)
        writer = OperationWriter(graph.api_schema, random.Random(f"{feature}-1"))
        for _ in range(PER_SUPERGRAPH * 2):
            text = writer.operation()
            try:
                prepare(graph, text)
            except OperationError:
                continue  # e.g. fields of one name with different types under fragments
            found.append((feature, text))
            if sum(f == feature for f, _ in found) == PER_SUPERGRAPH:
                break
    return found


OPERATIONS = _operations()


def _node(script: str, payload: object) -> list[object]:
    completed = subprocess.run(
        ["node", str(NODE_DIR / script)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        cwd=NODE_DIR,
        timeout=300,
    )
    found: list[object] = json.loads(completed.stdout)
    return found


@pytest.fixture(scope="module")
def verdicts() -> dict[int, list[str]]:
    if shutil.which("node") is None or not (NODE_DIR / "node_modules" / "@apollo").exists():
        pytest.skip("node and tests/node/node_modules are needed for the Apollo comparison")
    apollo = _node(
        "plan_fixture.mjs",
        [
            {"supergraph": str(supergraph_path(f)), "query": q, "operationName": None}
            for f, q in OPERATIONS
        ],
    )
    problems: dict[int, list[str]] = {}
    to_validate: list[dict[str, str]] = []
    owners: list[int] = []
    for index, ((feature, text), reference) in enumerate(zip(OPERATIONS, apollo, strict=True)):
        graph = supergraph(feature)
        assert isinstance(reference, dict)
        try:
            ours = plan(graph, prepare(graph, text))
        except UnsatisfiableField as refused:
            # Refusing is right only where Apollo's planner cannot plan it either.
            if "error" not in reference:
                problems.setdefault(index, []).append(f"refused: {refused}")
            continue
        # Where Apollo's planner fails (it does on some @interfaceObject
        # paths) or is known wrong, only the validity of our fetches counts.
        comparable = (
            "error" not in reference
            and not any(all(n in text for n in names) for names in APOLLO_WRONG)
            and feature not in APOLLO_WRONG_FEATURES
        )
        if comparable and fetch_count(ours.node) > int(reference["fetches"]):
            problems.setdefault(index, []).append(
                f"{fetch_count(ours.node)} fetches, Apollo {reference['fetches']}"
            )
        for fetch in fetches(ours.node):
            to_validate.append(
                {
                    "supergraph": str(supergraph_path(feature)),
                    "service": fetch.service_name,
                    "operation": fetch.operation,
                }
            )
            owners.append(index)
    for index, errors, sent in zip(
        owners, _node("validate_fetches.mjs", to_validate), to_validate, strict=True
    ):
        if errors:
            problems.setdefault(index, []).append(
                f"{sent['service']}: {sent['operation']} {errors}"
            )
    return problems


@pytest.mark.parametrize(
    "index", range(len(OPERATIONS)), ids=[f"{f}-{i}" for i, (f, _) in enumerate(OPERATIONS)]
)
def test_a_random_operation_plans_as_well_as_apollo_and_validly(
    verdicts: dict[int, list[str]], index: int
) -> None:
    assert verdicts.get(index, []) == [], OPERATIONS[index][1]
