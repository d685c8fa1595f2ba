"""A five-subgraph shop for executor and end-to-end tests, written with strawberry.federation.

``accounts`` owns ``User``; ``products`` owns ``Product``; ``reviews`` adds
``User.reviews`` and ``Product.reviews`` (reviews of product 3 fail, for
partial data) and the ``addReview`` mutation; ``inventory`` adds
``Product.inStock`` and ``Product.shippingEstimate @requires(fields: "price
weight")``; ``search`` returns a ``SearchResult`` union of bare entity keys,
which the router completes from the owning subgraphs.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Any

import strawberry
from strawberry.asgi import GraphQL

USERS = {"1": ("ada", "Ada Lovelace"), "2": ("alan", "Alan Turing")}
PRODUCTS = {"1": ("Table", 899, 100), "2": ("Couch", 1299, 1000), "3": ("Chair", 54, 50)}
_ADDED = itertools.count(1)
REVIEWS = [
    ("r1", "1", "1", "Love it!"),
    ("r2", "1", "2", "Too expensive."),
    ("r3", "2", "2", "Could be softer."),
    ("r4", "3", "1", "Wobbly."),
]


def _schema(
    query: type, types: list[type], mutation: type | None = None
) -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=query, mutation=mutation, types=types, federation_version="2.7"
    )


# accounts ---------------------------------------------------------------------


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    username: str
    name: str | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User | None:
        row = USERS.get(id)
        return None if row is None else User(id=id, username=row[0], name=row[1])


@strawberry.type
class AccountsQuery:
    @strawberry.field
    def me(self) -> User:
        return User(id=strawberry.ID("1"), username=USERS["1"][0], name=USERS["1"][1])

    @strawberry.field
    def user(self, id: strawberry.ID) -> User | None:
        return User.resolve_reference(id)


# products ---------------------------------------------------------------------


@strawberry.federation.type(keys=["upc"])
class Product:
    upc: strawberry.ID
    name: str
    price: int
    weight: int

    @classmethod
    def resolve_reference(cls, upc: strawberry.ID) -> Product | None:
        row = PRODUCTS.get(upc)
        return None if row is None else Product(upc=upc, name=row[0], price=row[1], weight=row[2])


@strawberry.type
class ProductsQuery:
    @strawberry.field
    def top_products(self, first: int = 5) -> list[Product]:
        return [p for upc in PRODUCTS if (p := Product.resolve_reference(strawberry.ID(upc)))][
            :first
        ]

    @strawberry.field
    def product(self, upc: strawberry.ID) -> Product | None:
        return Product.resolve_reference(upc)

    @strawberry.field
    def products(self, upcs: list[strawberry.ID]) -> list[Product | None]:
        return [Product.resolve_reference(upc) for upc in upcs]


# reviews ----------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="User")
class ReviewAuthor:
    id: strawberry.ID

    @strawberry.field
    def reviews(self) -> list[Review]:
        return [Review.from_row(r) for r in REVIEWS if r[2] == self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ReviewAuthor:
        return ReviewAuthor(id=id)


@strawberry.federation.type(keys=["upc"], name="Product")
class ReviewedProduct:
    upc: strawberry.ID

    @strawberry.field
    def reviews(self) -> list[Review] | None:
        if self.upc == "3":
            raise PermissionError("reviews of Chair are hidden")
        return [Review.from_row(r) for r in REVIEWS if r[1] == self.upc]

    @classmethod
    def resolve_reference(cls, upc: strawberry.ID) -> ReviewedProduct:
        return ReviewedProduct(upc=upc)


@strawberry.type
class Review:
    id: strawberry.ID
    body: str
    _upc: strawberry.Private[str]
    _author: strawberry.Private[str]

    @staticmethod
    def from_row(row: tuple[str, str, str, str]) -> Review:
        review_id, upc, author, body = row
        return Review(id=strawberry.ID(review_id), body=body, _upc=upc, _author=author)

    @strawberry.field
    def author(self) -> ReviewAuthor:
        return ReviewAuthor(id=strawberry.ID(self._author))

    @strawberry.field
    def product(self) -> ReviewedProduct:
        return ReviewedProduct(upc=strawberry.ID(self._upc))


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    def latest_reviews(self) -> list[Review]:
        return [Review.from_row(r) for r in REVIEWS]


@strawberry.type
class ReviewsMutation:
    @strawberry.mutation
    def add_review(self, upc: strawberry.ID, body: str, author_id: str = "1") -> Review:
        # Kept apart from REVIEWS so that mutations in one test do not change another's reads.
        row = (f"added-{next(_ADDED)}", str(upc), str(author_id), body)
        return Review.from_row(row)


# inventory --------------------------------------------------------------------


@strawberry.federation.type(keys=["upc"], name="Product")
class StockedProduct:
    upc: strawberry.ID
    price: int = strawberry.federation.field(external=True)
    weight: int = strawberry.federation.field(external=True)

    @strawberry.field
    def in_stock(self) -> bool:
        return self.upc != "2"

    @strawberry.federation.field(requires=["price weight"])
    def shipping_estimate(self) -> int:
        return 0 if self.price > 1000 else self.weight // 2

    @classmethod
    def resolve_reference(
        cls, upc: strawberry.ID, price: int = 0, weight: int = 0
    ) -> StockedProduct:
        # price and weight come only when shippingEstimate is asked for (its @requires).
        return StockedProduct(upc=upc, price=price, weight=weight)


@strawberry.type
class InventoryQuery:
    @strawberry.field
    def warehouse_open(self) -> bool:
        return True


# search -----------------------------------------------------------------------


@strawberry.federation.type(keys=["upc"], name="Product")
class FoundProduct:
    upc: strawberry.ID

    @classmethod
    def resolve_reference(cls, upc: strawberry.ID) -> FoundProduct:
        return FoundProduct(upc=upc)


@strawberry.federation.type(keys=["id"], name="User")
class FoundUser:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> FoundUser:
        return FoundUser(id=id)


SearchResult = Annotated[FoundProduct | FoundUser, strawberry.union("SearchResult")]


@strawberry.type
class SearchQuery:
    @strawberry.field
    def search(self, term: str) -> list[SearchResult]:
        term = term.lower()
        users: list[SearchResult] = [
            FoundUser(id=strawberry.ID(i))
            for i, (login, name) in USERS.items()
            if term in name.lower()
        ]
        products: list[SearchResult] = [
            FoundProduct(upc=strawberry.ID(upc))
            for upc, row in PRODUCTS.items()
            if term in row[0].lower()
        ]
        return products + users


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "accounts": _schema(AccountsQuery, [User]),
    "products": _schema(ProductsQuery, [Product]),
    "reviews": _schema(ReviewsQuery, [ReviewAuthor, ReviewedProduct], ReviewsMutation),
    "inventory": _schema(InventoryQuery, [StockedProduct]),
    "search": _schema(SearchQuery, [FoundProduct, FoundUser]),
}


def shop_apps() -> dict[str, Any]:
    return {name: GraphQL(schema) for name, schema in SCHEMAS.items()}
