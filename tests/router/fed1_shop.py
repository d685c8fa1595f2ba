"""A four-subgraph shop written in Federation 1 SDL, for end-to-end and differential tests.

``accounts`` owns ``User`` (with an ``Address`` value type); ``products`` owns
``Product``; ``inventory`` extends ``Product`` with ``inStock`` and
``shippingEstimate @requires(fields: "price weight")`` and serves
``warehouses``, a value type that defines ``Address`` again (implicitly
shared, as Federation 1 allowed) and points at a ``User`` it extends by key
only; ``reviews`` owns ``Review``, extends ``User`` and ``Product``, and
provides ``Review.author.username``.

Fields that fail on purpose, for the error cases: ``Review.moderatorNote``
always answers a ``FORBIDDEN`` error with its own extensions;
``Product.stockLevel: Int!`` fails for the Lamp (upc 3), so the subgraph nulls
the whole entity; review ``r9`` (only through ``review(id:)``) points at a
product that does not exist, under the non-null ``Review.product``.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from tests.router.fed1_subgraph import Fed1Subgraph

USERS = {
    "1": {"username": "ada", "name": "Ada Lovelace", "city": "London"},
    "2": {"username": "alan", "name": "Alan Turing", "city": "Wilmslow"},
}
PRODUCTS = {
    "1": {"name": "Table", "price": 899, "weight": 100},
    "2": {"name": "Couch", "price": 1299, "weight": 1000},
    "3": {"name": "Lamp", "price": 54, "weight": 5},
}
WAREHOUSES = [("Docklands", "London", "1"), ("Bletchley", "Milton Keynes", "2")]
# id, upc, author id, body
REVIEWS = [
    ("r1", "1", "1", "Love it!"),
    ("r2", "1", "2", "Too expensive."),
    ("r3", "2", "2", "Could be softer."),
    ("r4", "3", "1", "Bright enough."),
]
DANGLING_REVIEW = ("r9", "404", "2", "Discontinued.")

ACCOUNTS_SDL = """
type Query {
  me: User
  user(id: ID!): User
}

type User @key(fields: "id") {
  id: ID!
  name: String
  username: String
  address: Address
}

type Address {
  city: String
  country: String
}
"""

PRODUCTS_SDL = """
type Query {
  topProducts(first: Int = 5): [Product]
  product(upc: String!): Product
}

type Product @key(fields: "upc") {
  upc: String!
  name: String!
  price: Int
  weight: Int
}
"""

INVENTORY_SDL = """
extend type Query {
  warehouses: [Warehouse]
}

type Warehouse {
  name: String
  address: Address
  manager: User
}

type Address {
  city: String
  country: String
}

extend type User @key(fields: "id") {
  id: ID! @external
}

extend type Product @key(fields: "upc") {
  upc: String! @external
  price: Int @external
  weight: Int @external
  inStock: Boolean
  shippingEstimate: Int @requires(fields: "price weight")
  stockLevel: Int!
}
"""

REVIEWS_SDL = """
extend type Query {
  latestReviews: [Review]
  review(id: ID!): Review
}

type Review @key(fields: "id") {
  id: ID!
  body: String
  author: User @provides(fields: "username")
  product: Product!
  moderatorNote: String
}

extend type User @key(fields: "id") {
  id: ID! @external
  username: String @external
  reviews: [Review]
}

extend type Product @key(fields: "upc") {
  upc: String! @external
  reviews: [Review]
}
"""


def _user(id: str) -> dict[str, Any] | None:
    row = USERS.get(id)
    if row is None:
        return None
    return {
        "id": id,
        "name": row["name"],
        "username": row["username"],
        "address": {"city": row["city"], "country": "UK"},
    }


def _product(upc: str) -> dict[str, Any] | None:
    row = PRODUCTS.get(upc)
    return None if row is None else {"upc": upc, **row}


def _review(row: tuple[str, str, str, str]) -> dict[str, Any]:
    review_id, upc, author, body = row
    return {
        "id": review_id,
        "body": body,
        "author": {"id": author, "username": USERS[author]["username"]},
        "product": {"upc": upc},
    }


def _stock_level(product: dict[str, Any], _info: Any) -> int:
    if product["upc"] == "3":
        raise GraphQLError("the stock count of the Lamp is being taken")
    return 10 * int(product["upc"])


def _shipping_estimate(product: dict[str, Any], _info: Any) -> int:
    # price and weight arrive in the representation (the field's @requires).
    return 0 if product["price"] > 1000 else product["weight"] // 2


def _moderator_note(_review: dict[str, Any], _info: Any) -> str:
    raise GraphQLError(
        "moderator notes are private",
        extensions={"code": "FORBIDDEN", "reason": "moderators only"},
    )


SUBGRAPHS: dict[str, Fed1Subgraph] = {
    "accounts": Fed1Subgraph(
        ACCOUNTS_SDL,
        resolvers={
            "Query": {"me": lambda *_: _user("1"), "user": lambda _r, _i, id: _user(id)},
        },
        references={"User": lambda rep: _user(rep["id"])},
    ),
    "products": Fed1Subgraph(
        PRODUCTS_SDL,
        resolvers={
            "Query": {
                "topProducts": lambda _r, _i, first: [_product(upc) for upc in PRODUCTS][:first],
                "product": lambda _r, _i, upc: _product(upc),
            },
        },
        references={"Product": lambda rep: _product(rep["upc"])},
    ),
    "inventory": Fed1Subgraph(
        INVENTORY_SDL,
        resolvers={
            "Query": {
                "warehouses": lambda *_: [
                    {"name": name, "address": {"city": city, "country": "UK"}, "manager": {"id": m}}
                    for name, city, m in WAREHOUSES
                ]
            },
            "Product": {
                "inStock": lambda product, _i: product["upc"] != "2",
                "shippingEstimate": _shipping_estimate,
                "stockLevel": _stock_level,
            },
        },
    ),
    "reviews": Fed1Subgraph(
        REVIEWS_SDL,
        resolvers={
            "Query": {
                "latestReviews": lambda *_: [_review(r) for r in REVIEWS],
                "review": lambda _r, _i, id: next(
                    (_review(r) for r in [*REVIEWS, DANGLING_REVIEW] if r[0] == id), None
                ),
            },
            "Review": {"moderatorNote": _moderator_note},
            "User": {
                "reviews": lambda user, _i: [_review(r) for r in REVIEWS if r[2] == user["id"]]
            },
            "Product": {
                "reviews": lambda product, _i: [
                    _review(r) for r in REVIEWS if r[1] == product["upc"]
                ]
            },
        },
    ),
}
SDLS = {name: subgraph.sdl for name, subgraph in SUBGRAPHS.items()}


def fed1_shop_apps() -> dict[str, Any]:
    return {name: subgraph.app() for name, subgraph in SUBGRAPHS.items()}
