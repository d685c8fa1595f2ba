"""Random operations on every fixture supergraph, checked against Apollo's planner.

A seeded generator writes operations with nested fields, aliases, inline
fragments on possible types and ``@include``/``@skip`` with variables. For
each: we need no more subgraph fetches than Apollo's planner, and every
fetch we plan is valid against its subgraph's schema. One node process plans
them all, another validates all fetches. Operations where Apollo's planner
fails or is known to be wrong (one field required twice with different
arguments) are only checked for validity.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    Undefined,
    get_named_type,
    is_leaf_type,
)
from graphql.type.definition import GraphQLField, GraphQLInputType, GraphQLOutputType

from router.operation import OperationError, prepare
from router.planner import UnsatisfiableField, plan
from tests.router.planner.plan_cases import (
    features,
    fetch_count,
    fetches,
    supergraph,
    supergraph_path,
)

NODE_DIR = Path(__file__).resolve().parents[2] / "node"
PER_SUPERGRAPH = 12
APOLLO_WRONG = (
    "metricLabel",
    "imperialLabel",
)  # both in one operation: see requires/with_arguments
# Apollo plans these reading an @external field from the subgraph that declares it.
APOLLO_WRONG_FEATURES = frozenset({"requires_bounce"})

pytestmark = pytest.mark.node


class _Writer:
    def __init__(self, schema: GraphQLSchema, rng: random.Random) -> None:
        self.schema = schema
        self.rng = rng
        self.aliases = 0

    def condition(self) -> str:
        roll = self.rng.random()
        if roll < 0.1:
            return " @include(if: $a)"
        if roll < 0.15:
            return " @skip(if: $b)"
        return ""

    def literal(self, type_: GraphQLInputType) -> str:
        if isinstance(type_, GraphQLNonNull):
            return self.literal(type_.of_type)
        if isinstance(type_, GraphQLList):
            return f"[{self.literal(type_.of_type)}]"
        if isinstance(type_, GraphQLEnumType):
            return next(iter(type_.values))
        if isinstance(type_, GraphQLInputObjectType):
            required = [
                f"{name}: {self.literal(f.type)}"
                for name, f in type_.fields.items()
                if isinstance(f.type, GraphQLNonNull)
            ]
            return "{" + ", ".join(required) + "}"
        return {"Int": "1", "Float": "1.5", "Boolean": "true"}.get(type_.name, '"1"')

    def arguments(self, field: GraphQLField) -> str:
        required = [
            f"{name}: {self.literal(argument.type)}"
            for name, argument in field.args.items()
            if isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined
        ]
        return f"({', '.join(required)})" if required else ""

    def selection(self, type_: GraphQLOutputType, depth: int) -> str:
        named: GraphQLNamedType = get_named_type(type_)
        parts: list[str] = []
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            if self.rng.random() < 0.3:
                parts.append("__typename")
            for possible in self.schema.get_possible_types(named):
                if self.rng.random() < 0.6:
                    inner = self.selection(possible, depth)
                    parts.append(f"... on {possible.name}{self.condition()} {inner}")
            if isinstance(named, GraphQLUnionType) or self.rng.random() < 0.3:
                return "{ " + (" ".join(parts) or "__typename") + " }"
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
        fields = list(named.fields.items())
        self.rng.shuffle(fields)
        for name, field in fields[: self.rng.randint(1, len(fields))]:
            alias = ""
            if self.rng.random() < 0.15:
                self.aliases += 1
                alias = f"x{self.aliases}: "
            head = f"{alias}{name}{self.arguments(field)}{self.condition()}"
            if is_leaf_type(get_named_type(field.type)):
                parts.append(head)
            elif depth > 0:
                parts.append(f"{head} {self.selection(field.type, depth - 1)}")
        return "{ " + (" ".join(parts) or "__typename") + " }"

    def operation(self) -> str:
        query_type = self.schema.query_type
        assert query_type is not None
        body = self.selection(query_type, 3)
        declared = [
            d for v, d in (("$a", "$a: Boolean = true"), ("$b", "$b: Boolean!")) if v in body
        ]
        return (f"query({', '.join(declared)}) " if declared else "") + body


def _operations() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for feature in features():
        graph = supergraph(feature)
        writer = _Writer(graph.api_schema, random.Random(f"{feature}-1"))
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
            and not all(n in text for n in APOLLO_WRONG)
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
