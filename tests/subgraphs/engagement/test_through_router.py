"""The engagement domain through the router, its items' authors joined from accounts."""

from __future__ import annotations

from tests.support.graph import Graph, domain_urls, graph

__all__ = ["domain_urls", "graph"]

CREATE = "mutation($t: String!) { createEngagementItem(title: $t) { id author { id nickname } } }"
READ = "query($id: ID!) { engagementItem(id: $id) { title author { nickname } } }"


async def test_an_item_is_created_and_read_through_the_router(graph: Graph) -> None:
    ada, token = await graph.register("Ada")
    created = (await graph.data(CREATE, token, t="Through the router"))["createEngagementItem"]
    assert created["author"] == {"id": ada, "nickname": "Ada"}
    read = await graph.data(READ, id=created["id"])
    assert read == {"engagementItem": {"title": "Through the router", "author": {"nickname": "Ada"}}}
