"""Where a split puts the world's offers, and whether their totals read a context.

``Product.offers`` and ``Review.offer`` each get a home subgraph, ``Offer`` is
an entity in every subgraph that names it (a pure reference one time in two
``resolvable: false``), and ``Offer.total`` and ``Offer.discount`` each get a
home. In about three splits in five, the total's subgraph has ``Product`` and
``Review`` set the context ``offer`` (``@context``) and ``total`` take the
parent's base as an argument ``@fromContext(field: "$offer ... on Product {
price } ... on Review { stars }")``, declaring ``price`` and ``stars``
``@external`` where it does not resolve them: the router reads the base on the
enclosing product or review (fetched first from another subgraph when needed)
and passes it, and the subgraph computes the total from it alone, so a wrong
or missing value shows in the answer. ``total`` carries the requirements
(``@authenticated``, ``@requiresScopes``, ``@policy``) of what it reads, as
composition requires; where the product, the review, the price and the stars have two
different ones between them, or where a progressive ``@override`` moves the
price or the stars, the split has no context (composition refuses both). Composition accepts the argument because
no root field reaches an offer but through a product or a review.

A random stream of its own decides all this, so the rest of a split is what
it was before offers were placed (their fields carry no ``@tag``, ``@cost`` or
requirement).
"""

from __future__ import annotations

import random

from tests.router.oracle.access import requirements
from tests.router.oracle.subgraph import FieldDecl, Subgraph

CONTEXT = '@context(name: "offer")'
BASE = '(base: Int @fromContext(field: "$offer ... on Product { price } ... on Review { stars }"))'
# The parent field each context-setting type hands the total.
READS = (("Product", "price", "Int!"), ("Review", "stars", "Int!"))


def place_offers(graphs: dict[str, Subgraph], names: list[str], seed: int) -> None:
    """Offers over ``graphs`` (``names``: those that may hold their fields)."""
    rng = random.Random(f"offers-{seed}")
    offers, offer, total, discount = (graphs[rng.choice(names)] for _ in range(4))
    offers.declare("Product")["offers"] = FieldDecl("[Offer!]!")
    offer.declare("Review")["offer"] = FieldDecl("Offer")
    offers.declare("Offer")
    offer.declare("Offer")
    # Composition has a contextual argument carry the requirements of what it reads.
    needs = requirements(list(graphs.values()))
    guards = {
        guard
        for type_name, field_name, _ in READS
        for guard in (
            *needs.types.get(type_name, ()),
            *needs.fields.get((type_name, field_name), ()),
        )
    }
    # As for a requirement's input, composition refuses one a progressive @override moves.
    progressive = any(
        graph.types.get(type_name, {}).get(field_name, FieldDecl("")).override_label
        for graph in graphs.values()
        for type_name, field_name, _ in READS
    )
    contextual = rng.random() < 0.6 and len(guards) <= 1 and not progressive
    total.declare("Offer")["total"] = FieldDecl(
        "Int!",
        arguments=BASE if contextual else "",
        directives=sorted(guards) if contextual else [],
    )
    discount.declare("Offer")["discount"] = FieldDecl("Int!")
    if contextual:
        for type_name, field_name, field_type in READS:
            if not total.resolves(type_name, field_name):
                total.declare(type_name)[field_name] = FieldDecl(field_type, external=True)
            total.type_directives.setdefault(type_name, []).append(CONTEXT)
    for graph in graphs.values():
        graph.settle_resolvable()
        if list(graph.types.get("Offer", {})) == ["id"] and rng.random() < 0.5:
            graph.unresolvable.add("Offer")
