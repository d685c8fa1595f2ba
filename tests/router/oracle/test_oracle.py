"""The differential oracle's fixed-seed slice, its recorded failures, and its own parts.

The slice asks a few generated splits a few dozen generated operations each
(some deferring fragments, one in six a mutation; ``python -m tests.router.oracle`` is
the long run). ``fixtures.json`` holds
every difference the oracle has found, as ``[split seed, query, variables]``,
replayed here against the same split (a fourth item: the scopes of the token it was
found with, asked with that token only).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from graphql import parse, print_ast

from router.operation import prepare
from router.planner import plan
from router.supergraph import load_supergraph
from router.transport import SubgraphRequest
from tests.router.oracle import world
from tests.router.oracle.access import (
    POLICIES,
    REQUIREMENTS,
    Requirements,
    met,
    requirements,
    unauthorized,
)
from tests.router.oracle.minimise import _pruned, _variants
from tests.router.oracle.run import MONOLITH, Report, _headers, compose, run_split, serving
from tests.router.oracle.serve import OracleTransport
from tests.router.oracle.shape import shape_problems
from tests.router.oracle.splits import split
from tests.router.oracle.subgraph import FieldDecl, Subgraph
from tests.router.planner.plan_cases import fetches

# All three protect something; 8 and 9 read a context, 9 composes a directive (split 12, run
# below for its policies, does both).
SLICE_SEEDS = (7, 8, 9)
SLICE_OPERATIONS = 25
# Protecting nothing, so every delivery rule is checked: 1 has the union the planner recursed
# under, 15 and 21 an @interfaceObject subgraph (21's answering node).
DEFERRING_SEEDS = (1, 15, 21)
DEFERRING_OPERATIONS = 60
FIXTURES = json.loads(Path(__file__).with_name("fixtures.json").read_text())


def _explain(report: Report) -> str:
    return "\n".join(
        f"split {d.split_seed}: {d.reason}\n  {d.query}\n  {json.dumps(d.variables)}\n"
        f"  router:   {json.dumps(d.router)}\n  monolith: {json.dumps(d.monolith)}"
        for d in report.differences
    )


@pytest.mark.node
@pytest.mark.parametrize("seed", SLICE_SEEDS)
async def test_the_router_answers_generated_operations_as_the_monolith(seed: int) -> None:
    report = Report()
    await run_split(seed, SLICE_OPERATIONS, report)
    assert not report.uncomposed
    assert report.operations > SLICE_OPERATIONS // 2
    assert not report.differences, _explain(report)


@pytest.mark.node
@pytest.mark.parametrize("seed", DEFERRING_SEEDS)
async def test_deferred_fragments_are_delivered_as_the_monolith_answers(seed: int) -> None:
    report = Report()
    await run_split(seed, DEFERRING_OPERATIONS, report)
    assert not report.uncomposed
    assert report.operations > DEFERRING_OPERATIONS * 3 // 4
    assert not report.differences, _explain(report)


@pytest.mark.node
@pytest.mark.parametrize(
    ("seed", "query", "variables", "scopes"),
    [(*f[:3], f[3] if len(f) > 3 else None) for f in FIXTURES],
    ids=[f"{f[0]}: {f[1][:60]}" for f in FIXTURES],
)
async def test_a_recorded_difference_stays_fixed(
    seed: int, query: str, variables: dict[str, bool], scopes: list[str] | None
) -> None:
    if scopes is not None:
        # Found with a token granting these scopes: asked with it.
        subgraphs = split(seed)
        async with serving(subgraphs, compose(subgraphs)) as served:
            reason, ours, truth = await served.ask(query, variables, frozenset(scopes))
        assert reason == "", (reason, ours, truth)
        return
    report = Report()
    await run_split(seed, 0, report, extra=[(query, variables)])
    # Asked with and without a token where the split protects anything.
    assert report.operations == (2 if requirements(split(seed)) else 1)
    assert not report.differences, _explain(report)


def test_every_split_declares_what_it_needs() -> None:
    for seed in range(20):
        for subgraph in split(seed):
            for type_name, fields in subgraph.types.items():
                for decl in fields.values():
                    named = decl.type.strip("[]!")
                    assert named in subgraph.types or named in (
                        "ID",
                        "String",
                        "Int",
                        "SearchResult",
                        "Node",
                    ), (seed, subgraph.name, type_name)


async def test_an_external_field_asked_where_nothing_brought_it_is_poisoned() -> None:
    graph = Subgraph("a")
    graph.declare("Product")["price"] = FieldDecl("Int!", external=True)
    graph.declare("Product")["name"] = FieldDecl("String!")
    transport = OracleTransport([graph])
    query = "query($r:[_Any!]!){_entities(representations:$r){...on Product{name price}}}"
    plain = await transport.fetch(
        "a", SubgraphRequest(query, variables={"r": [{"__typename": "Product", "id": "p1"}]})
    )
    assert plain.data == {"_entities": [{"name": "Product 1", "price": -999}]}
    sent = await transport.fetch(
        "a",
        SubgraphRequest(
            query, variables={"r": [{"__typename": "Product", "id": "p1", "price": 10}]}
        ),
    )
    assert sent.data == {"_entities": [{"name": "Product 1", "price": 10}]}


SHAPE_QUERY = (
    "{ search { ... on Product { name price } ... on User { name } } topProduct { tags } }"
)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"search": [{"name": "P", "price": 1}, {"name": "U"}], "topProduct": None}, None),
        ({"search": [{"name": "P", "price": 1}], "topProduct": {"tags": ["x"]}}, None),
        ({"search": [{"name": "U"}, {}], "topProduct": None}, None),
        ({"search": [{"price": 1}], "topProduct": None}, "fit no type"),
        ({"search": [{"price": 1, "name": "P"}], "topProduct": None}, "fit no type"),
        ({"search": [], "topProduct": {"tags": ["x"], "extra": 1}}, "keys"),
        ({"search": [], "topProduct": {"tags": [None]}}, "null for String!"),
        ({"search": [], "topProduct": {"tags": [3]}}, "is not a String"),
        ({"search": None, "topProduct": None}, "null for"),
        ({"search": [{"name": "P", "price": "1"}], "topProduct": None}, "is not a Int"),
    ],
)
def test_the_shape_check(data: dict[str, object], problem: str | None) -> None:
    problems = shape_problems(MONOLITH, parse(SHAPE_QUERY), {}, {"data": data})
    if problem is None:
        assert problems == []
    else:
        assert problems and problem in problems[0], problems


def test_the_shape_check_merges_the_selections_of_one_response_name() -> None:
    # The spec's field collection: both topProduct fields are one, selecting tags and name.
    query = parse("{ topProduct { tags } search { __typename } topProduct { name } }")
    data = {"topProduct": {"tags": ["x"], "name": "P"}, "search": []}
    assert shape_problems(MONOLITH, query, {}, {"data": data}) == []
    partial = {"topProduct": {"tags": ["x"]}, "search": []}
    assert "keys" in shape_problems(MONOLITH, query, {}, {"data": partial})[0]


def test_the_monolith_serves_the_world() -> None:
    assert world.value({"__typename": "Product", "id": "p3"}, "shipping") == 30


def test_a_requirement_from_one_branch_is_not_asked_of_the_other() -> None:
    # Split 100: products reach search.@.reviews.@.product from a Product (without weight)
    # and from a User (with weight, fetched for shipping). The fetch for tags must not need
    # weight, or the first branch's products get no representation and lose their tags.
    graph = load_supergraph(Path(__file__).with_name("split_100.graphql").read_text())
    query = (
        "{ search { ... on Product { reviews { product { tags } } } "
        "... on User { reviews { product { shipping } } } } }"
    )
    found = plan(graph, prepare(graph, query))
    for fetch in fetches(found.node):
        if "tags" in fetch.operation:
            assert "weight" not in json.dumps(str(fetch.requires)), fetch.operation


def test_the_minimiser_drops_one_item_at_a_time_and_unused_variables() -> None:
    document = parse(
        "query($v1: Int, $a: Boolean!) { search { ... on Product { reviews(minStars: $v1) "
        "{ body } name @include(if: $a) } } nodes(ids: [1, 2]) { id } }"
    )
    variants = [" ".join(print_ast(v).split()) for v in _variants(document)]
    head = "query ($v1: Int, $a: Boolean!) { search { ... on Product { "
    tail = " } } nodes(ids: [1, 2]) { id } }"
    assert variants[2:7] == [
        f"{head}name @include(if: $a){tail}",
        f"{head}reviews(minStars: $v1) {{ body }}{tail}",
        f"{head}reviews {{ body }} name @include(if: $a){tail}",
        f"{head}reviews(minStars: $v1) {{ body }} name{tail}",
        f"{head}reviews(minStars: $v1) {{ body }} name @include{tail}",
    ]
    whole = f"{head}reviews(minStars: $v1) {{ body }} name @include(if: $a) }} }} "
    assert variants[-3:] == [
        f"{whole}nodes {{ id }} }}",
        f"{whole}nodes(ids: [2]) {{ id }} }}",
        f"{whole}nodes(ids: [1]) {{ id }} }}",
    ]
    text, values = _pruned(parse(variants[2]), {"v1": 3, "a": True})
    assert "$v1" not in text
    assert values == {"a": True}


def test_the_splits_carry_tags_costs_list_sizes_and_requirements() -> None:
    written = "".join(g.sdl() for seed in range(1, 21) for g in split(seed))
    for directive in (
        '@tag(name: "',
        "@cost(weight: ",
        "@listSize(assumedSize: ",
        '@listSize(slicingArguments: ["limit"]',
        "@authenticated",
        "@requiresScopes(scopes: ",
        "@federation__policy(policies: ",
    ):
        assert directive in written, directive
    # On arguments too.
    assert re.search(r"\(\w+: [^)]*@(tag|cost)\(", written)
    # @policy on types, and beside another requirement on one field.
    needs = [requirements(split(seed)) for seed in range(1, 21)]
    assert any(set(POLICIES) & set(m) for n in needs for m in n.types.values())
    assert any(
        set(POLICIES) & set(m) and set(REQUIREMENTS) & set(m)
        for n in needs
        for m in n.fields.values()
    )


def test_a_request_must_meet_every_requirement_of_a_field() -> None:
    needs = Requirements(
        types={"User": ('@federation__policy(policies: [["read"]])',)},
        fields={
            ("Product", "name"): (
                "@authenticated",
                '@federation__policy(policies: [["write"], ["admin"]])',
            )
        },
    )
    document = parse("{ products { name } users { id } }")
    assert sorted(unauthorized(MONOLITH, document, needs, frozenset()).errors) == [
        ["products", "@", "name"],
        ["users"],
    ]
    assert unauthorized(MONOLITH, document, needs, frozenset({"read"})).errors == [
        ["products", "@", "name"]
    ]
    assert unauthorized(MONOLITH, document, needs, frozenset({"read", "admin"})).errors == []


def test_the_splits_read_contexts_and_compose_a_directive() -> None:
    written = ["".join(g.sdl() for g in split(seed)) for seed in range(1, 21)]
    contextual = [s for s in written if '@context(name: "offer")' in s]
    assert 5 < len(contextual) < 15
    assert all("@fromContext(field: " in s for s in contextual)
    composing = [s for s in written if '@composeDirective(name: "' in s]
    assert 5 < len(composing) < 15
    assert any('as: "@trace"' in s for s in composing)
    assert any('import: ["@audit"]' in s for s in composing)


@pytest.mark.node
async def test_a_composed_directive_and_a_contextual_argument_stay_out_of_the_api() -> None:
    # Split 12 composes @audit as @trace and reads Offer.total's base from a context.
    subgraphs = split(12)
    supergraph = compose(subgraphs)
    assert "directive @trace(note: String) repeatable" in supergraph
    assert '@trace(note: "owner")' in supergraph
    assert "contextArguments: [{context: " in supergraph
    query = '{ __schema { directives { name } } __type(name: "Offer") { fields { name args { name } } } }'
    async with serving(subgraphs, supergraph) as served:
        response = await served.client.post("/graphql", json={"query": query})
        totals = await served.client.post(
            "/graphql",
            json={"query": "{ products { offers { total } } }"},
            headers=_headers(frozenset({"read", "write"})),
        )
    data = response.json()["data"]
    assert "include" in {d["name"] for d in data["__schema"]["directives"]}
    assert not {"trace", "audit", "context", "fromContext"} & {
        d["name"] for d in data["__schema"]["directives"]
    }
    assert {f["name"]: f["args"] for f in data["__type"]["fields"]}["total"] == []
    # Each product's price less each offer's discount.
    assert totals.json() == {
        "data": {
            "products": [
                {"offers": [{"total": 9}, {"total": 8}]},
                {"offers": [{"total": 19}]},
                {"offers": [{"total": 29}, {"total": 28}]},
                {"offers": [{"total": 39}]},
            ]
        }
    }


def test_a_requirement_is_met_by_a_token_holding_one_of_its_scope_sets() -> None:
    either = '@requiresScopes(scopes: [["read", "write"], ["admin"]])'
    assert not met("@authenticated", None)
    assert met("@authenticated", frozenset())
    assert not met(either, frozenset({"read"}))
    assert met(either, frozenset({"read", "write"}))
    assert met(either, frozenset({"admin"}))
    assert met(None, None)
    # The oracle's evaluator finds a policy satisfied by the scope of the same name.
    policy = '@federation__policy(policies: [["write"], ["admin"]])'
    assert not met(policy, None)
    assert not met(policy, frozenset({"read"}))
    assert met(policy, frozenset({"admin"}))


@pytest.mark.node
async def test_a_split_naming_policies_is_answered_as_its_evaluator_decides() -> None:
    assert requirements(split(12)).policed()
    report = Report()
    await run_split(12, SLICE_OPERATIONS, report)
    assert report.operations > SLICE_OPERATIONS
    assert not report.differences, _explain(report)


def test_the_monolith_removes_what_a_request_may_not_see() -> None:
    needs = Requirements(
        types={"Review": ('@requiresScopes(scopes: [["read"]])',)},
        fields={("User", "email"): ("@authenticated",)},
    )
    document = parse(
        "{ users { email name } search { ... on Review { body } ... on User { name } } "
        "reviews { id } topProduct { name } }"
    )
    anonymous = unauthorized(MONOLITH, document, needs, None)
    assert sorted(anonymous.errors) == [["reviews"], ["search", "@"], ["users", "@", "email"]]
    signed_in = unauthorized(MONOLITH, document, needs, frozenset())
    assert sorted(signed_in.errors) == [["reviews"], ["search", "@"]]
    assert unauthorized(MONOLITH, document, needs, frozenset({"read"})).errors == []
    # A field left with nothing to select is removed too, without an error of its own.
    emptied = unauthorized(MONOLITH, parse("{ users { email } }"), needs, None)
    assert emptied.errors == [["users", "@", "email"]]
    assert len(emptied.nulled) == 2
