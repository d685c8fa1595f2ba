"""``@defer`` and mutations through the router over oracle splits, and the oracle's reading of
incremental delivery (:mod:`.incremental`)."""

from __future__ import annotations

import itertools
import json
import random
from typing import Any

import pytest
from graphql import parse, print_ast

from tests.router.multipart import ACCEPT, payloads
from tests.router.oracle import world
from tests.router.oracle.access import Requirements, unauthorized
from tests.router.oracle.incremental import (
    Item,
    deferred_at,
    delivery_problems,
    expected_items,
    primary,
    rebuild,
    typed,
    without_defer,
)
from tests.router.oracle.run import FOLLOW_UP, MONOLITH, Report, compose, run_split, serving
from tests.router.oracle.serve import answer, monolith_resolver
from tests.router.oracle.splits import split
from tests.router.oracle.writer import WorldWriter


async def _ask(seed: int, query: str, variables: dict[str, Any] | None = None) -> list[Any]:
    subgraphs = split(seed)
    async with serving(subgraphs, compose(subgraphs)) as served:
        response = await served.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"accept": ACCEPT},
        )
    assert response.status_code == 200, response.text
    return payloads(response.headers["content-type"], response.content)


IF_A = (
    "query ($a: Boolean = true) { reviews { author { favorite { "
    "... on Product { ... @defer(if: $a) { weight } } } } } }"
)


@pytest.mark.node
@pytest.mark.parametrize("deferring", [True, False])
async def test_a_defer_on_a_variable_inside_a_fragment_under_a_union_is_planned(
    deferring: bool,
) -> None:
    # Split 1: the planner recursed without end on the plan with the fragment inlined.
    parts = await _ask(1, IF_A, {"a": deferring})
    final, delivered, problems = rebuild(parts)
    assert problems == []
    truth = await answer(
        MONOLITH, monolith_resolver, "", {"a": deferring}, parsed=without_defer(parse(IF_A))
    )
    assert final == truth
    if deferring:
        # Only r3's author (u1) has a product (p2) for favorite.
        assert delivered == [(("reviews", 2, "author", "favorite"), None)]
    else:
        assert len(parts) == 1


@pytest.mark.node
@pytest.mark.parametrize(
    "query",
    [
        '{ node(id: "u3") { ... on User @defer { name } } }',
        '{ node(id: "u3") { ... on User { ... @defer { name } } } }',
        '{ node(id: "u3") { ... on Node @defer { ... on User { name } } } }',
    ],
)
async def test_a_deferred_fragment_on_an_implementation_of_an_interface_object(
    query: str,
) -> None:
    # Split 21: subgraph n answers node with Node as an object. The deferred part delivered
    # nothing (the first, the object's type unknown when the primary part was shaped), was
    # refused by the planner (the second) or lost the fragment's fields (the third).
    first, last = await _ask(21, query)
    assert first == {"data": {"node": {}}, "hasNext": True}
    assert last == {
        "hasNext": False,
        "incremental": [{"data": {"name": "User 3"}, "path": ["node"]}],
    }


@pytest.mark.node
async def test_a_deferred_fragment_on_another_implementation_delivers_nothing() -> None:
    first, last = await _ask(21, '{ node(id: "u3") { id ... on Product @defer { name } } }')
    assert first == {"data": {"node": {"id": "u3"}}, "hasNext": True}
    assert last == {"hasNext": False}


@pytest.mark.node
async def test_a_nested_deferred_part_sees_what_its_parent_part_fetched() -> None:
    # Split 7: the users' reviews are fetched in the primary part at search.@.reviews.@,
    # the products' in a deferred part; the part nested in it walked that path again and
    # found the primary part's walk kept (its copy of the run's state had not seen the
    # parent part's merges), so the products' reviews got no offer.
    subgraphs = split(7)
    query = (
        "{ search { ... on Product @defer { reviews { ... @defer { offer { discount } } } } "
        "... on User { reviews { label } } } }"
    )
    async with serving(subgraphs, compose(subgraphs)) as served:
        *_, last = await served.post(query, {}, frozenset({"admin"}))
    assert last == {
        "hasNext": False,
        "incremental": [
            {"data": {"offer": {"discount": 1}}, "path": ["search", 0, "reviews", 0]},
            {"data": {"offer": {"discount": 0}}, "path": ["search", 3, "reviews", 0]},
        ],
    }


@pytest.mark.node
async def test_a_mutation_changes_what_its_selection_and_later_queries_see() -> None:
    # Split 15: setPrice in one subgraph; the product's shipping (@requires its price) and
    # its offers' totals (from the price, through a context) come from entity fetches.
    subgraphs = split(15)
    mutation = 'mutation { setPrice(id: "p1", price: 7) { price shipping offers { total } } }'
    async with serving(subgraphs, compose(subgraphs)) as served:
        reason, ours, _ = await served.ask(mutation, {})
        after = (await served.client.post("/graphql", json={"query": FOLLOW_UP})).json()
    assert reason == ""
    assert ours["mutation"] == {
        "data": {"setPrice": {"price": 7, "shipping": 9, "offers": [{"total": 6}, {"total": 5}]}}
    }
    assert ours["after"]["data"]["products"][0] == {
        "id": "p1",
        "price": 7,
        "shipping": 9,
        "offers": [{"total": 6}, {"total": 5}],
    }
    # Both sides answered, the world is put back: what is asked next finds it as it starts.
    assert after["data"]["products"][0]["price"] == 10
    assert world.PRODUCTS["p1"]["price"] == 10


@pytest.mark.node
async def test_mutation_fields_run_one_after_the_other() -> None:
    # Split 15: rateReview in subgraph a, setPrice in b. r1 is about p2: its price before
    # setPrice changed it.
    both = (
        'mutation { rateReview(id: "r1", stars: 4) { stars product { price } } '
        'setPrice(id: "p2", price: 5) { price offers { total } } }'
    )
    (answered,) = await _ask(15, both)
    assert answered == {
        "data": {
            "rateReview": {"stars": 4, "product": {"price": 20}},
            "setPrice": {"price": 5, "offers": [{"total": 4}]},
        }
    }
    report = Report()
    await run_split(15, 0, report, extra=[(both, {})])
    assert report.operations == 1
    assert not report.differences, report.differences


def test_the_payloads_are_rebuilt_into_one_result() -> None:
    parts = [
        {"data": {"a": [{"x": 1}, {"x": 2}]}, "hasNext": True},
        {"hasNext": True, "incremental": [{"data": {"y": 1}, "path": ["a", 0], "label": "l"}]},
        {
            "hasNext": False,
            "incremental": [
                {"data": {"y": 2}, "path": ["a", 1], "label": "l"},
                {"data": None, "path": ["a", 1], "errors": [{"message": "m", "path": ["a", 1]}]},
            ],
        },
    ]
    final, delivered, problems = rebuild(parts)
    assert final == {
        "data": {"a": [{"x": 1, "y": 1}, {"x": 2, "y": 2}]},
        "errors": [{"message": "m", "path": ["a", 1]}],
    }
    assert delivered == [(("a", 0), "l"), (("a", 1), "l"), (("a", 1), None)]
    assert problems == []
    assert parts[0]["data"] == {"a": [{"x": 1}, {"x": 2}]}


@pytest.mark.parametrize(
    ("parts", "problem"),
    [
        ([{"data": {}, "hasNext": True}, {"hasNext": True}], "payload 1: hasNext True"),
        ([{"data": {}}, {"hasNext": False}], "the first of several"),
        ([{"data": {}, "hasNext": False}], "a single payload with hasNext"),
        (
            [
                {"data": {"a": None}, "hasNext": True},
                {"hasNext": False, "incremental": [{"data": {"y": 1}, "path": ["a"]}]},
            ],
            "no object at ['a']",
        ),
    ],
)
def test_the_delivery_rules(parts: list[dict[str, Any]], problem: str) -> None:
    _, _, problems = rebuild(parts)
    assert any(problem in p for p in problems), problems


async def test_each_deferred_fragment_is_expected_once_per_object_it_applies_to() -> None:
    query = (
        'query ($a: Boolean = true) { search { ... on Product @defer(label: "p") { name } '
        "... @defer { ... on User { name } } } topProduct { ...f @defer(if: $a) } } "
        "fragment f on Product { price ... @defer(if: false) { weight } }"
    )
    document = parse(query)
    data = (await answer(MONOLITH, monolith_resolver, "", {}, parsed=typed(document)))["data"]
    expected = expected_items(MONOLITH, document, {"a": True}, data)
    # search: p1, u2, r3, p4.
    wanted: dict[Item, int] = {
        (("search", 0), "p"): 1,
        (("search", 3), "p"): 1,
        **{(("search", i), None): 1 for i in range(4)},
        (("topProduct",), None): 1,
    }
    assert expected == wanted
    assert sum(expected_items(MONOLITH, document, {"a": False}, data).values()) == 6
    assert delivery_problems(expected, [(("search", 0), "p")] * 2) != []


def test_the_first_payload_is_the_operation_without_its_deferred_fragments() -> None:
    query = (
        "query ($a: Boolean = true) { topProduct { id ... @defer(if: $a) { name } "
        "...f @defer(if: false) } } fragment f on Product { price }"
    )
    assert " ".join(print_ast(primary(parse(query), {"a": True})).split()) == (
        "query ($a: Boolean = true) { topProduct { id ...f @defer(if: false) } } "
        "fragment f on Product { price }"
    )
    assert "@defer" not in print_ast(without_defer(parse(query)))


def test_the_writer_defers_fragments_and_writes_mutations() -> None:
    writer = WorldWriter(MONOLITH, random.Random(3), random.Random(4))
    homes = {"setPrice": "a", "bumpPrice": "a", "rateReview": "b"}
    written = [writer.operation() for _ in range(40)] + [writer.mutation(homes) for _ in range(20)]
    text = json.dumps(written)
    for found in ("... @defer", '@defer(label: \\"d', "if: false", "fragment f1 on", "mutation"):
        assert found in text, found
    # Two fields of one subgraph never follow each other.
    for mutation in written[40:]:
        operation = parse(mutation).definitions[0]
        names = [homes[s.name.value] for s in operation.selection_set.selections]  # type: ignore[attr-defined]
        assert all(a != b for a, b in itertools.pairwise(names)), mutation
    plain = WorldWriter(MONOLITH, random.Random(3))
    assert "@defer" not in json.dumps([plain.operation() for _ in range(40)])


def test_the_writer_defers_inside_fragments_on_interfaces_from_a_stream_of_its_own() -> None:
    def written(abstract_defers: random.Random | None) -> list[str]:
        streams = (random.Random(4), random.Random(5), abstract_defers)
        writer = WorldWriter(MONOLITH, random.Random(3), *streams)
        return [writer.operation() for _ in range(60)]

    before, after = written(None), written(random.Random(6))
    text = json.dumps(after)
    for found in ('label: \\"ad1', "... on Node @defer", "fragment af1 on"):
        assert found in text, found
    # Only the operations with a fragment on an interface changed.
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert 0 < len(changed) < len(before)
    assert all("... on Node" in b for b, _ in changed)


def test_what_a_removed_fragment_defers_is_neither_null_nor_delivered() -> None:
    needs = Requirements(types={"User": ("@authenticated",), "Node": ("@authenticated",)})
    document = parse(
        "query ($a: Boolean = true) { search { ... on Product { name } "
        "... on Node { ... @defer { id } ... @defer(if: $a) { label } } } }"
    )
    for variables, absent, nulled in (({"a": True}, 2, 0), ({"a": False}, 1, 1)):
        deferred = deferred_at(document, variables)
        verdict = unauthorized(MONOLITH, without_defer(document), needs, None, deferred)
        assert verdict.errors == [["search", "@"]]
        assert len(verdict.absent) == absent
        # Not deferred, the fragment's label answers null wherever it applies.
        assert len({offset for offset, _ in verdict.nulled}) == nulled
