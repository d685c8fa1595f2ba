"""Talking GraphQL to an ASGI app in-process: real app, real databases, no sockets."""

from __future__ import annotations

from typing import Any

import httpx


class GraphQLClient:
    def __init__(self, app: Any, base_url: str = "http://testserver") -> None:
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
        )
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
        """The ``data`` of a response that must have no errors."""
        body = await self.execute(query, variables, **kw)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def aclose(self) -> None:
        await self.http.aclose()


def error_of(body: dict[str, Any]) -> dict[str, Any]:
    """The single error of a response, asserting there is exactly one."""
    errors = body.get("errors") or []
    assert len(errors) == 1, body
    error: dict[str, Any] = errors[0]
    return error
