"""A three-subgraph graph for the entity cache, written with strawberry.federation.

``shelves`` lists the products on the shelf (the root field ``products``);
``catalog`` owns ``Product.name`` (shared data, ``Cache-Control: public,
max-age=60``) and the mutation ``renameProduct``, which names the renamed
product in ``extensions.invalidation`` as a subgraph tells the router's cache
what changed; ``notes`` owns ``Product.myNote``, each user's own note on the
product, read from the caller's token (``Cache-Control: private,
max-age=60``). Each subgraph's ``Cache-Control`` is in :data:`CACHE_CONTROL`.
The data are module state that a test sets with :func:`reset` and changes
behind the router's back.
"""

from __future__ import annotations

from typing import Any

import jwt
import strawberry
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from router.transport.asgi import Message, Receive, Scope, Send

SECRET = "pantry-token-secret-long-enough-for-hs256"
SHELF = ["p1", "p2"]
NAMES: dict[str, str] = {}
NOTES: dict[tuple[str, str], str] = {}
INVALIDATIONS: list[dict[str, Any]] = []
CACHE_CONTROL = {
    "shelves": "public, max-age=60",
    "catalog": "public, max-age=60",
    "notes": "private, max-age=60",
}


def reset() -> None:
    NAMES.clear()
    NAMES.update({"p1": "Kettle", "p2": "Teapot", "p3": "Strainer"})
    NOTES.clear()
    NOTES.update({("ada", "p1"): "ada's kettle", ("grace", "p1"): "grace's kettle"})
    INVALIDATIONS.clear()


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID


@strawberry.type
class ShelvesQuery:
    @strawberry.field
    def products(self) -> list[Product]:
        return [Product(id=strawberry.ID(id)) for id in SHELF]

    @strawberry.field
    def product(self, id: strawberry.ID) -> Product:
        return Product(id=id)


@strawberry.federation.type(keys=["id"], name="Product")
class CatalogProduct:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CatalogProduct:
        return CatalogProduct(id=id, name=NAMES[id])


@strawberry.type
class CatalogQuery:
    @strawberry.field
    def product_count(self) -> int:
        return len(NAMES)


@strawberry.type
class CatalogMutation:
    @strawberry.mutation
    def rename_product(self, id: strawberry.ID, name: str) -> CatalogProduct:
        NAMES[id] = name
        INVALIDATIONS.append({"type": "Product", "key": {"id": id}})
        return CatalogProduct(id=id, name=name)


@strawberry.federation.type(keys=["id"], name="Product")
class NotedProduct:
    id: strawberry.ID

    @strawberry.field
    def my_note(self, info: strawberry.Info) -> str | None:
        subject = _subject(info.context["request"].headers.get("authorization"))
        return NOTES.get((subject, self.id)) if subject else None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> NotedProduct:
        return NotedProduct(id=id)


@strawberry.type
class NotesQuery:
    @strawberry.field
    def note_count(self) -> int:
        return len(NOTES)


def _subject(authorization: str | None) -> str | None:
    if not authorization:
        return None
    claims = jwt.decode(authorization.removeprefix("Bearer "), SECRET, algorithms=["HS256"])
    return str(claims["sub"])


def _schema(query: type, types: list[type], mutation: type | None = None) -> Any:
    return strawberry.federation.Schema(
        query=query, mutation=mutation, types=types, federation_version="2.7"
    )


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "shelves": _schema(ShelvesQuery, [Product]),
    "catalog": _schema(CatalogQuery, [CatalogProduct], CatalogMutation),
    "notes": _schema(NotesQuery, [NotedProduct]),
}


class _NamingChanges(GraphQL):  # type: ignore[type-arg]
    """The catalog's app: its answers name what its mutations changed."""

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        answer = await super().process_result(request, result)
        if INVALIDATIONS:
            answer["extensions"] = {"invalidation": list(INVALIDATIONS)}
            INVALIDATIONS.clear()
        return answer


class _WithCacheControl:
    """Adds the subgraph's current ``Cache-Control`` to every HTTP answer."""

    def __init__(self, name: str, app: Any) -> None:
        self._name = name
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                value = CACHE_CONTROL[self._name].encode()
                message = {**message, "headers": [*message["headers"], (b"cache-control", value)]}
            await send(message)

        await self._app(scope, receive, sending)


def pantry_apps() -> dict[str, Any]:
    reset()
    return {
        name: _WithCacheControl(
            name, _NamingChanges(schema) if name == "catalog" else GraphQL(schema)
        )
        for name, schema in SCHEMAS.items()
    }
