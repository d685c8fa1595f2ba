"""What each subgraph was asked: an ASGI wrapper that records the GraphQL requests reaching an app.

Tests that are about which subgraph answers what read this log, kept on the
subgraph side of the wire, instead of looking inside the router.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from graphql import FieldNode, InlineFragmentNode, Visitor, parse, visit

from router.transport.asgi import AsgiApp, Message, Receive, Scope, Send


@dataclass(frozen=True, slots=True)
class SubgraphCall:
    """One GraphQL request a subgraph received."""

    service: str
    query: str
    variables: dict[str, Any]

    @property
    def is_entities(self) -> bool:
        return "_entities" in self.fields

    @property
    def representations(self) -> list[dict[str, Any]]:
        return list(self.variables.get("representations", []))

    @property
    def fields(self) -> frozenset[str]:
        """The names of every field the query selects, at any depth."""
        return self._names()[0]

    @property
    def type_conditions(self) -> frozenset[str]:
        """The types the query's inline fragments are on, at any depth."""
        return self._names()[1]

    def _names(self) -> tuple[frozenset[str], frozenset[str]]:
        fields: set[str] = set()
        types: set[str] = set()

        class Collect(Visitor):
            def enter_field(self, node: FieldNode, *_: Any) -> None:
                fields.add(node.name.value)

            def enter_inline_fragment(self, node: InlineFragmentNode, *_: Any) -> None:
                if node.type_condition is not None:
                    types.add(node.type_condition.name.value)

        visit(parse(self.query), Collect())
        return frozenset(fields), frozenset(types)


@dataclass(slots=True)
class RequestLog:
    calls: list[SubgraphCall] = field(default_factory=list)

    def wrap(self, service: str, app: AsgiApp) -> AsgiApp:
        """``app`` with every GraphQL POST it receives recorded under ``service``."""

        async def recorded(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope["method"] != "POST":
                await app(scope, receive, send)
                return
            body = b""
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body", False):
                    break
            payload = json.loads(body)
            self.calls.append(
                SubgraphCall(service, payload["query"], payload.get("variables") or {})
            )
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if replayed:
                    return await receive()
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}

            await app(scope, replay, send)

        return recorded

    def services(self) -> list[str]:
        """The subgraphs asked, in the order the requests arrived."""
        return [call.service for call in self.calls]

    def to(self, service: str) -> list[SubgraphCall]:
        return [call for call in self.calls if call.service == service]

    def clear(self) -> None:
        self.calls.clear()
