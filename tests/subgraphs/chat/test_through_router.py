"""The chat domain through the router: members' nicknames joined from accounts."""

from __future__ import annotations

from tests.support.graph import Graph, domain_urls, graph

__all__ = ["domain_urls", "graph"]

START = "mutation($u: ID!) { startConversation(userId: $u) { id } }"
SEND = """mutation($c: ID!, $b: String!) {
  sendMessage(conversationId: $c, clientMessageId: "r-1", body: $b) { seq sender { nickname } } }"""
MINE = """{ conversations(first: 5) { edges { node { kind viewerUnreadCount
  lastMessage { body sender { nickname } }
  members(first: 5) { totalCount edges { node { nickname } } } } } } chatUnreadCount }"""


async def test_a_direct_conversation_through_the_router(graph: Graph) -> None:
    _, ada = await graph.register("Ada")
    bob_id, bob = await graph.register("Bob")
    conversation = (await graph.data(START, ada, u=bob_id))["startConversation"]["id"]
    sent = (await graph.data(SEND, ada, c=conversation, b="Hi Bob"))["sendMessage"]
    assert sent == {"seq": 1, "sender": {"nickname": "Ada"}}
    seen = await graph.data(MINE, bob)
    (edge,) = seen["conversations"]["edges"]
    assert edge["node"]["kind"] == "DIRECT" and edge["node"]["viewerUnreadCount"] == 1
    assert edge["node"]["lastMessage"] == {"body": "Hi Bob", "sender": {"nickname": "Ada"}}
    members = edge["node"]["members"]
    assert members["totalCount"] == 2
    assert sorted(e["node"]["nickname"] for e in members["edges"]) == ["Ada", "Bob"]
    assert seen["chatUnreadCount"] == 1
