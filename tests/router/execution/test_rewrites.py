"""Input rewrites adjust representations; output rewrites rename what a subgraph returned."""

from __future__ import annotations

from router.plan import (
    FetchNode,
    FlattenNode,
    KeyRenamer,
    QueryPlan,
    RequiredField,
    RequiredFragment,
    SequenceNode,
    ValueSetter,
)
from router.transport import SubgraphRequest, SubgraphResponse


async def test_interface_object_typename_and_aliased_requirement_round_trip(run, canned) -> None:
    async def answer(service: str, request: SubgraphRequest) -> SubgraphResponse:
        if service == "media":
            return SubgraphResponse(
                data={"node": {"__typename": "Book", "id": "b1", "pages__0": 412}}
            )
        assert request.variables["representations"] == [
            {"__typename": "Node", "id": "b1", "pages": 412}
        ]
        return SubgraphResponse(data={"_entities": [{"title__1": "Dune"}]})

    requires = (
        RequiredFragment(
            "Book",
            (
                RequiredField("__typename"),
                RequiredField("id"),
                RequiredField("pages", alias="pages__0"),
            ),
        ),
    )
    plan = QueryPlan(
        SequenceNode(
            (
                FetchNode("media", '{node(id:"b1"){__typename id pages__0:pages}}'),
                FlattenNode(
                    ("node",),
                    FetchNode(
                        "titles",
                        "query($representations:[_Any!]!){_entities(representations:$representations){...on Node{title__1:title}}}",
                        requires=requires,
                        input_rewrites=(ValueSetter(("... on Book", "__typename"), "Node"),),
                        output_rewrites=(KeyRenamer(("title__1",), "title"),),
                    ),
                ),
            )
        )
    )
    response = await run('{ node(id: "b1") { ... on Book { title } } }', plan, canned(answer))
    assert response == {"data": {"node": {"title": "Dune"}}}


async def test_a_rename_under_the_entitys_type_applies_to_an_entity_without_typename(
    run, canned
) -> None:
    # Oracle split 32: _entities answers need not carry __typename; the representation's is
    # the entity's type, which the rename's first step names.
    async def answer(service: str, request: SubgraphRequest) -> SubgraphResponse:
        if service == "media":
            return SubgraphResponse(data={"node": {"__typename": "Book", "id": "b1"}})
        return SubgraphResponse(data={"_entities": [{"title__1": "Dune"}]})

    plan = QueryPlan(
        SequenceNode(
            (
                FetchNode("media", '{node(id:"b1"){__typename ...on Book{__typename id}}}'),
                FlattenNode(
                    ("node",),
                    FetchNode(
                        "titles",
                        "query($representations:[_Any!]!){_entities(representations:$representations){...on Book{title__1:title}}}",
                        requires=(
                            RequiredFragment(
                                "Book", (RequiredField("__typename"), RequiredField("id"))
                            ),
                        ),
                        output_rewrites=(KeyRenamer(("... on Book", "title__1"), "title"),),
                    ),
                ),
            )
        )
    )
    response = await run('{ node(id: "b1") { ... on Book { title } } }', plan, canned(answer))
    assert response == {"data": {"node": {"title": "Dune"}}}
