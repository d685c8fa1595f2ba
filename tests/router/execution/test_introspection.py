"""``__schema`` and ``__type`` come from the API schema, merged with fetched fields."""

from __future__ import annotations

from router.plan import FetchNode, QueryPlan
from router.transport import SubgraphRequest, SubgraphResponse


async def test_introspection_is_answered_locally_and_merged_with_fetched_fields(
    run, canned
) -> None:
    async def answer(service: str, request: SubgraphRequest) -> SubgraphResponse:
        return SubgraphResponse(data={"topProducts": [{"upc": "1"}]})

    transport = canned(answer)
    query = """
      query($name: String!) {
        topProducts { upc }
        __schema { queryType { name } }
        product: __type(name: $name) { name fields { name } }
      }
    """
    response = await run(
        query,
        QueryPlan(FetchNode("products", "{topProducts{upc}}")),
        transport,
        variables={"name": "Review"},
    )
    assert response == {
        "data": {
            "topProducts": [{"upc": "1"}],
            "__schema": {"queryType": {"name": "Query"}},
            "product": {"name": "Review", "fields": [{"name": "body"}]},
        }
    }
    assert len(transport.sent) == 1


async def test_a_pure_introspection_query_sends_nothing(run, canned) -> None:
    transport = canned(lambda *_: None)
    response = await run('{ __type(name: "Nope") { name } }', QueryPlan(None), transport)
    assert response == {"data": {"__type": None}}
    assert transport.sent == []
