"""The commerce subgraph: ``Product``, ``FlashSale``, ``Order``, ``MembershipPlan``,
``User.membership``, the flash sale, payment and delivery.

``User`` belongs to accounts: this subgraph declares its key and adds
``membership``. Money is ``Int`` minor units with a ``currency`` code. Orders
are visible to their buyer only (``order(id)`` is null for anyone else);
shipping needs the ``orders:ship`` scope, enforced by the router
(``@requiresScopes``) and checked again here. The types and root fields live
in :mod:`subgraphs.commerce.graph`, one module per area; this module joins them.
"""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from shared.graphql.app import schema_extensions
from shared.graphql.scalars import schema_config
from subgraphs.commerce.graph.buy_membership import MembershipMutation
from subgraphs.commerce.graph.catalogue import CatalogueQuery
from subgraphs.commerce.graph.flash_sale import FlashSale, FlashSaleMutation
from subgraphs.commerce.graph.order_moves import OrderMutation
from subgraphs.commerce.graph.order_status import Subscription
from subgraphs.commerce.graph.orders import Order, OrderQuery, User
from subgraphs.commerce.graph.payment import PaymentMutation
from subgraphs.commerce.graph.products import Product

Query = merge_types("Query", (CatalogueQuery, OrderQuery))
Mutation = merge_types(
    "Mutation", (FlashSaleMutation, MembershipMutation, PaymentMutation, OrderMutation)
)


def build_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[User, Product, FlashSale, Order],
        extensions=schema_extensions(),
        config=schema_config(),
        federation_version="2.11",
    )
