"""Errors a frontend can act on, through the router to the real subgraphs."""

from __future__ import annotations

import time

import jwt

from tests.subgraphs.conftest import JWT_SECRET
from tests.support.graph import Graph

THREE_SUBGRAPHS = """query($id: ID!) {
  me { id }
  user(id: $id) { viewerFollows }
  feed(first: 1) { edges { node { id } } }
}"""


def expired_token(user_id: str) -> str:
    now = int(time.time())
    claims = {"iss": "beyond", "aud": "beyond", "sub": user_id, "iat": now - 60, "exp": now - 10}
    return jwt.encode(claims, JWT_SECRET, algorithm="HS256")


async def test_an_expired_token_asked_of_three_subgraphs_is_one_error(graph: Graph) -> None:
    user_id, _ = await graph.register("Ada")
    body = await graph.execute(THREE_SUBGRAPHS, expired_token(user_id), id=user_id)
    assert body["errors"] == [
        {
            "message": "The access token has expired: refresh it and retry.",
            "path": body["errors"][0]["path"],
            "extensions": {
                "code": "UNAUTHENTICATED",
                "reason": "EXPIRED",
                "serviceName": body["errors"][0]["extensions"]["serviceName"],
            },
        }
    ]


async def test_reasons_tell_missing_from_invalid(graph: Graph) -> None:
    missing = await graph.execute("{ feed(first: 1) { edges { node { id } } } }")
    assert missing["errors"][0]["extensions"]["reason"] == "MISSING"
    invalid = await graph.execute("{ me { id } }", "not.a.token")
    assert invalid["errors"][0]["extensions"]["reason"] == "INVALID"
