"""A three-subgraph graph of boutiques for ``@context`` / ``@fromContext``.

``catalog`` sets the context ``shop`` on ``Shop`` and prices a ``Product`` in
the currency of the shop it was reached from (``price(currency: String
@fromContext(field: "$shop { currency }"))``), one level down (``featured``)
or several, through lists (``aisles { products }``). The same product is sold
by shops with different currencies, so one ``_entities`` request carries
entities that need different values. ``priceWithTax`` reads the shop's
``taxRate``, which ``settings`` owns; ``Stall.openingHours`` reads a context
set on two types (``Mall { hours }``, ``Market { schedule }``);
``reviews`` reaches products from another subgraph, two levels below the
shop. The contextual arguments have no default, so a router that forgets one
gets an error from the subgraph, not a plausible answer.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.asgi import GraphQL
from strawberry.federation.schema_directives import Context, FromContext, Key
from strawberry.federation.types import FieldSet

# id: (name, currency, tax rate, featured product, aisles: (label, product ids))
SHOPS: dict[str, tuple[str, str, float, str | None, tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "s1": ("Berlin", "EUR", 0.19, "p1", (("A", ("p1", "p2")),)),
    "s2": ("London", "GBP", 0.20, "p1", (("B", ("p2",)), ("C", ("p1", "p2")))),
    "s3": ("Zurich", "CHF", 0.08, None, ()),
}
PRODUCTS = {"p1": ("Kettle", 2000), "p2": ("Toaster", 3500)}  # name, price in cents of USD
RATES = {"EUR": 0.9, "GBP": 0.8, "CHF": 0.95}
# id: (kind, opening, stall ids)
VENUES = {"m1": ("Mall", "10:00-20:00", ("st1", "st2")), "k1": ("Market", "Sat 8-14", ("st2",))}
STALLS = {"st1": "Bakery", "st2": "Florist"}
REVIEWS = {"s1": ((5, "p2"),), "s2": ((4, "p1"), (2, "p2"))}


def converted(product_id: str, currency: str | None, tax: float = 0.0) -> str | None:
    if currency is None:
        return None
    cents = PRODUCTS[product_id][1] * RATES[currency] * (1 + tax)
    return f"{cents / 100:.2f} {currency}"


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.field
    def name(self) -> str:
        return PRODUCTS[self.id][0]

    @strawberry.field
    def price(
        self,
        currency: Annotated[
            str | None, strawberry.argument(directives=[FromContext(field="$shop { currency }")])
        ],
    ) -> str | None:
        return converted(self.id, currency)

    @strawberry.field
    def price_rounded(
        self,
        digits: int,
        currency: Annotated[
            str | None, strawberry.argument(directives=[FromContext(field="$shop { currency }")])
        ],
    ) -> str | None:
        price = converted(self.id, currency)
        if price is None:
            return None
        amount, code = price.split()
        return f"{round(float(amount), digits)} {code}"

    @strawberry.field
    def price_with_tax(
        self,
        rate: Annotated[
            float | None, strawberry.argument(directives=[FromContext(field="$shop { taxRate }")])
        ],
    ) -> str | None:
        if rate is None:
            return None
        return converted(self.id, "EUR", tax=rate)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Product:
        return Product(id=id)


@strawberry.type
class Aisle:
    label: str
    products: list[Product]


@strawberry.federation.type(keys=["id"], directives=[Context(name="shop")])
class Shop:
    id: strawberry.ID

    @strawberry.field
    def name(self) -> str:
        return SHOPS[self.id][0]

    @strawberry.field
    def currency(self) -> str:
        return SHOPS[self.id][1]

    @strawberry.federation.field(external=True)
    def tax_rate(self) -> float | None:
        return None  # external: settings answers it

    @strawberry.field
    def featured(self) -> Product | None:
        featured = SHOPS[self.id][3]
        return None if featured is None else Product(id=strawberry.ID(featured))

    @strawberry.field
    def aisles(self) -> list[Aisle]:
        return [
            Aisle(label=label, products=[Product(id=strawberry.ID(p)) for p in products])
            for label, products in SHOPS[self.id][4]
        ]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Shop:
        return Shop(id=id)


@strawberry.federation.type(keys=["id"])
class Stall:
    id: strawberry.ID

    @strawberry.field
    def name(self) -> str:
        return STALLS[self.id]

    @strawberry.field
    def opening_hours(
        self,
        hours: Annotated[
            str | None,
            strawberry.argument(
                directives=[
                    FromContext(field="$venue ... on Mall { hours } ... on Market { schedule }")
                ]
            ),
        ],
    ) -> str | None:
        return None if hours is None else f"{STALLS[self.id]}: {hours}"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Stall:
        return Stall(id=id)


@strawberry.type
class VenueFields:
    """What malls and markets share; each sets the context ``venue``."""

    id: strawberry.ID

    @strawberry.field
    def stalls(self) -> list[Stall]:
        return [Stall(id=strawberry.ID(s)) for s in VENUES[self.id][2]]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> VenueFields:
        return cls(id=id)


@strawberry.federation.type(keys=["id"], directives=[Context(name="venue")])
class Mall(VenueFields):
    @strawberry.field
    def hours(self) -> str:
        return VENUES[self.id][1]


@strawberry.federation.type(keys=["id"], directives=[Context(name="venue")])
class Market(VenueFields):
    @strawberry.field
    def schedule(self) -> str:
        return VENUES[self.id][1]


Venue = Annotated[Mall | Market, strawberry.union("Venue")]


@strawberry.type
class CatalogQuery:
    @strawberry.field
    def shops(self) -> list[Shop]:
        return [Shop(id=strawberry.ID(s)) for s in SHOPS]

    @strawberry.field
    def shop(self, id: strawberry.ID) -> Shop | None:
        return Shop(id=id) if id in SHOPS else None

    @strawberry.field
    def venues(self) -> list[Venue]:
        return [
            Mall(id=strawberry.ID(v)) if kind == "Mall" else Market(id=strawberry.ID(v))
            for v, (kind, _, _) in VENUES.items()
        ]


@strawberry.federation.type(keys=["id"], name="Shop")
class ShopSettings:
    id: strawberry.ID

    @strawberry.field
    def tax_rate(self) -> float | None:
        return SHOPS[self.id][2]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ShopSettings:
        return ShopSettings(id=id)


@strawberry.type
class SettingsQuery:
    @strawberry.field
    def default_tax_rate(self) -> float:
        return 0.19


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)], name="Product")
class ReviewedProduct:
    id: strawberry.ID


@strawberry.type
class Review:
    rating: int
    product: ReviewedProduct | None


@strawberry.federation.type(keys=["id"], name="Shop")
class ReviewedShop:
    id: strawberry.ID

    @strawberry.field
    def reviews(self) -> list[Review]:
        return [
            Review(rating=rating, product=ReviewedProduct(id=strawberry.ID(product)))
            for rating, product in REVIEWS.get(self.id, ())
        ]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ReviewedShop:
        return ReviewedShop(id=id)


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    def review_count(self) -> int:
        return sum(len(r) for r in REVIEWS.values())


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "catalog": strawberry.federation.Schema(
        query=CatalogQuery, types=[Shop, Product, Stall, Mall, Market], federation_version="2.8"
    ),
    "settings": strawberry.federation.Schema(
        query=SettingsQuery, types=[ShopSettings], federation_version="2.8"
    ),
    "reviews": strawberry.federation.Schema(
        query=ReviewsQuery, types=[ReviewedShop], federation_version="2.8"
    ),
}


def boutique_apps() -> dict[str, Any]:
    return {name: GraphQL(schema) for name, schema in SCHEMAS.items()}


# Operations through the router and their correct answers (computed by hand from the data above).
OPERATIONS: list[tuple[str, str, dict[str, Any] | None, dict[str, Any]]] = [
    (
        "one level up; one product, two currencies",
        "{ shops { name featured { name price } } }",
        None,
        {
            "shops": [
                {"name": "Berlin", "featured": {"name": "Kettle", "price": "18.00 EUR"}},
                {"name": "London", "featured": {"name": "Kettle", "price": "16.00 GBP"}},
                {"name": "Zurich", "featured": None},
            ]
        },
    ),
    (
        "several levels up through lists",
        "{ shops { aisles { label products { name price } } } }",
        None,
        {
            "shops": [
                {
                    "aisles": [
                        {
                            "label": "A",
                            "products": [
                                {"name": "Kettle", "price": "18.00 EUR"},
                                {"name": "Toaster", "price": "31.50 EUR"},
                            ],
                        }
                    ]
                },
                {
                    "aisles": [
                        {"label": "B", "products": [{"name": "Toaster", "price": "28.00 GBP"}]},
                        {
                            "label": "C",
                            "products": [
                                {"name": "Kettle", "price": "16.00 GBP"},
                                {"name": "Toaster", "price": "28.00 GBP"},
                            ],
                        },
                    ]
                },
                {"aisles": []},
            ]
        },
    ),
    (
        "the value comes from another subgraph",
        "{ shops { name featured { priceWithTax } } }",
        None,
        {
            "shops": [
                {"name": "Berlin", "featured": {"priceWithTax": "21.42 EUR"}},
                {"name": "London", "featured": {"priceWithTax": "21.60 EUR"}},
                {"name": "Zurich", "featured": None},
            ]
        },
    ),
    (
        "a context set on two types",
        "{ venues { __typename ... on Mall { stalls { name openingHours } }"
        " ... on Market { stalls { name openingHours } } } }",
        None,
        {
            "venues": [
                {
                    "__typename": "Mall",
                    "stalls": [
                        {"name": "Bakery", "openingHours": "Bakery: 10:00-20:00"},
                        {"name": "Florist", "openingHours": "Florist: 10:00-20:00"},
                    ],
                },
                {
                    "__typename": "Market",
                    "stalls": [{"name": "Florist", "openingHours": "Florist: Sat 8-14"}],
                },
            ]
        },
    ),
    (
        "a contextual and a regular argument",
        'query Rounded($digits: Int!) { shop(id: "s2") { featured {'
        " rounded: priceRounded(digits: $digits) price } } }",
        {"digits": 0},
        {"shop": {"featured": {"rounded": "16.0 GBP", "price": "16.00 GBP"}}},
    ),
    (
        "the shop and the product come from different subgraphs",
        "{ shops { name reviews { rating product { name price } } } }",
        None,
        {
            "shops": [
                {
                    "name": "Berlin",
                    "reviews": [
                        {"rating": 5, "product": {"name": "Toaster", "price": "31.50 EUR"}}
                    ],
                },
                {
                    "name": "London",
                    "reviews": [
                        {"rating": 4, "product": {"name": "Kettle", "price": "16.00 GBP"}},
                        {"rating": 2, "product": {"name": "Toaster", "price": "28.00 GBP"}},
                    ],
                },
                {"name": "Zurich", "reviews": []},
            ]
        },
    ),
    (
        "the client's alias takes the context field's name",
        "{ shops { currency: name featured { price } } }",
        None,
        {
            "shops": [
                {"currency": "Berlin", "featured": {"price": "18.00 EUR"}},
                {"currency": "London", "featured": {"price": "16.00 GBP"}},
                {"currency": "Zurich", "featured": None},
            ]
        },
    ),
]
