"""The oracle's world: one schema, deterministic data, and how every field is computed.

The monolith serves ``SDL`` over ``DATA`` directly; every generated split
serves the same fields from the same data, each subgraph only its own share.
Objects travel as dicts: ``{"__typename": T, "id": ...}`` for entities (a
subgraph answers their fields from ``DATA``), the whole value for the value
type ``Category``. ``Product.shipping`` is computed from ``price`` and
``weight``: in a subgraph that ``@requires`` them, from the representation
the router sent, so a wrong requirement shows in the answer. Mutations change
a product's price or a review's stars in place (:func:`mutate`);
:func:`reset` puts the data back as it was, before each operation.
"""

from __future__ import annotations

import copy
from typing import Any

SDL = """
interface Node { id: ID! label: String! }
enum Level { LOW HIGH MID }
type Category { code: String! label: String }
type Product implements Node {
  id: ID! name(upper: Boolean = false): String! price: Int! weight: Int
  tags(limit: Int): [String!]! category: Category! level: Level!
  reviews(minStars: Int = 0): [Review!]! shipping: Int! label: String! offers: [Offer!]!
}
type Review implements Node {
  id: ID! body: String! stars: Int! author: User! product: Product! label: String!
  offer: Offer
}
type Offer { id: ID! discount: Int! total: Int! }
type User implements Node {
  id: ID! name: String! email: String reviews(minStars: Int = 0): [Review!]!
  favorite: SearchResult label: String!
}
union SearchResult = Product | Review | User
type Query {
  products(level: Level): [Product!]! users: [User!]! reviews: [Review!]!
  search: [SearchResult!]! node(id: ID!): Node nodes(ids: [ID!]!): [Node]! topProduct: Product
}
type Mutation {
  setPrice(id: ID!, price: Int!): Product bumpPrice(id: ID!, by: Int = 1): Product
  rateReview(id: ID!, stars: Int!): Review
}
"""

ENTITIES = ("Product", "Review", "User")
# Offers hang below a product or a review only (no root field reaches them): a split may
# hand ``Offer.total`` its base through a context the parent sets (``@context``).
KEYED = (*ENTITIES, "Offer")
OFFER_FIELDS = (("Product", "offers"), ("Review", "offer"))
# Fields whose value is computed from others (the split may make them @requires those).
DERIVED = {("Product", "shipping"): ("price", "weight")}


def _ref(type_name: str, id: str) -> dict[str, Any]:
    return {"__typename": type_name, "id": id}


PRODUCTS = {
    f"p{i}": {
        "name": f"Product {i}",
        "price": 10 * i,
        "weight": None if i == 3 else i,
        "tags": [f"t{i}", f"t{i + 1}"][: 1 + i % 2],
        "category": {
            "__typename": "Category",
            "code": f"c{i % 2}",
            "label": None if i == 2 else f"Cat {i % 2}",
        },
        # MID may be @inaccessible: then p4's level is a value the API schema lacks.
        "level": "MID" if i == 4 else "HIGH" if i % 2 else "LOW",
    }
    for i in range(1, 5)
}
USERS = {
    f"u{i}": {"name": f"User {i}", "email": f"u{i}@example.com" if i != 2 else None}
    for i in range(1, 4)
}
REVIEWS = {
    f"r{i}": {
        "body": f"Review {i}",
        "stars": 1 + i % 5,
        "author": f"u{1 + i % 3}",
        "product": f"p{1 + i % 4}",
    }
    for i in range(1, 6)
}
# An offer's total is its parent's price (a product's) or stars (a review's) less its discount.
OFFERS: dict[str, dict[str, Any]] = {
    **{
        f"o{i}{'ab'[k]}": {"of": ("Product", f"p{i}"), "discount": 1 + k}
        for i in range(1, 5)
        for k in range(1 + i % 2)
    },
    **{f"or{i}": {"of": ("Review", f"r{i}"), "discount": i % 3} for i in range(1, 5)},
}
FAVORITES = {"u1": _ref("Product", "p2"), "u2": None, "u3": _ref("User", "u1")}
SEARCH = [_ref("Product", "p1"), _ref("User", "u2"), _ref("Review", "r3"), _ref("Product", "p4")]
IDS = (*PRODUCTS, *USERS, *REVIEWS, "x9")
# The members each union or interface field's data can hold: a split may leave the others out.
RUNTIME_TYPES = {("User", "favorite"): ("Product", "User")}


# The mutable rows as they start: :func:`reset` restores them.
_PRISTINE: tuple[dict[str, dict[str, Any]], ...] = copy.deepcopy((PRODUCTS, REVIEWS))


def reset() -> None:
    tables: tuple[dict[str, dict[str, Any]], ...] = (PRODUCTS, REVIEWS)
    for table, pristine in zip(tables, _PRISTINE, strict=True):
        for id, row in pristine.items():
            table[id].update(row)


def mutate(field: str, arguments: dict[str, Any]) -> dict[str, Any] | None:
    """Mutation ``field``'s effect on the world, and the product or review it changed
    (``None`` for an id that names none)."""
    id = str(arguments["id"])
    if field == "rateReview":
        if id not in REVIEWS:
            return None
        REVIEWS[id]["stars"] = arguments["stars"]
        return _ref("Review", id)
    if id not in PRODUCTS:
        return None
    row: dict[str, Any] = PRODUCTS[id]
    row["price"] = (
        arguments["price"] if field == "setPrice" else row["price"] + (arguments["by"] or 0)
    )
    return _ref("Product", id)


def shipping(price: int, weight: int | None) -> int:
    return price + 2 * (weight or 0)


def offer_total(id: str, base: int) -> int:
    """Offer ``id``'s total, given its parent's base (price or stars)."""
    return base - int(OFFERS[id]["discount"])


def _offers(type_name: str, id: str) -> list[dict[str, Any]]:
    return [_ref("Offer", o) for o, offer in OFFERS.items() if offer["of"] == (type_name, id)]


def root_value(field: str, arguments: dict[str, Any]) -> Any:
    if field == "products":
        level = arguments.get("level")
        return [
            _ref("Product", id)
            for id, row in PRODUCTS.items()
            if level is None or row["level"] == level
        ]
    if field == "users":
        return [_ref("User", id) for id in USERS]
    if field == "reviews":
        return [_ref("Review", id) for id in REVIEWS]
    if field == "search":
        return list(SEARCH)
    if field == "topProduct":
        return _ref("Product", "p2")
    if field == "node":
        return entity(str(arguments["id"]))
    if field == "nodes":
        return [entity(str(id)) for id in arguments["ids"]]
    raise KeyError(field)


def entity(id: str) -> dict[str, Any] | None:
    for type_name, table in (("Product", PRODUCTS), ("User", USERS), ("Review", REVIEWS)):
        if id in table:
            return _ref(type_name, id)
    return None


def exists(type_name: str, id: str) -> bool:
    tables = {"Product": PRODUCTS, "User": USERS, "Review": REVIEWS, "Offer": OFFERS}
    return id in tables.get(type_name, {})


def value(obj: dict[str, Any], field: str, arguments: dict[str, Any] | None = None) -> Any:
    """The true value of ``field`` on ``obj`` (an entity reference or a Category), given the
    field's ``arguments`` (defaults applied)."""
    arguments = arguments or {}
    type_name = obj["__typename"]
    if type_name == "Category" or field == "id":
        return obj[field]
    if field == "label":
        # From the id alone: an @interfaceObject subgraph sees every node as a Node.
        return f"label {obj['id']}"
    id = obj["id"]
    if type_name == "Offer":
        parent, parent_id = OFFERS[id]["of"]
        if field == "total":
            return offer_total(id, value(_ref(parent, parent_id), _BASES[parent]))
        return OFFERS[id][field]
    if field in ("offers", "offer"):
        found = _offers(type_name, id)
        return found if field == "offers" else next(iter(found), None)
    if type_name == "Product":
        row = PRODUCTS[id]
        if field == "reviews":
            return _reviews("product", id, arguments)
        if field == "shipping":
            return shipping(row["price"], row["weight"])
        if field == "name" and arguments.get("upper"):
            return row["name"].upper()
        if field == "tags" and arguments.get("limit") is not None:
            return row["tags"][: max(arguments["limit"], 0)]
        return row[field]
    if type_name == "User":
        if field == "reviews":
            return _reviews("author", id, arguments)
        if field == "favorite":
            return FAVORITES[id]
        return USERS[id][field]
    review = REVIEWS[id]
    if field == "author":
        return _ref("User", review["author"])
    if field == "product":
        return _ref("Product", review["product"])
    return review[field]


# The parent's field an offer's total starts from.
_BASES = {"Product": "price", "Review": "stars"}


def _reviews(link: str, id: str, arguments: dict[str, Any]) -> list[dict[str, Any]]:
    least = arguments.get("minStars") or 0
    return [
        _ref("Review", r)
        for r, review in REVIEWS.items()
        if review[link] == id and review["stars"] >= least
    ]
