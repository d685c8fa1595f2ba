"""What is for sale: ``products``, ``product``, ``flashSales`` and ``membershipPlans``."""

from __future__ import annotations

import strawberry

from shared.graphql.arguments import After, First, IdArgument
from shared.graphql.connections import PageInfo
from shared.pagination import DEFAULT_FIRST, check_first, decode_cursor, encode_cursor
from subgraphs.commerce import catalogue
from subgraphs.commerce.context import CommerceInfo
from subgraphs.commerce.graph.flash_sale import FlashSale
from subgraphs.commerce.graph.membership import MembershipPlan
from subgraphs.commerce.graph.products import Product, ProductConnection, ProductEdge


@strawberry.type
class CatalogueQuery:
    @strawberry.field(description="Products, newest first.")
    async def products(
        self, info: CommerceInfo, first: First = DEFAULT_FIRST, after: After = None
    ) -> ProductConnection:
        size = check_first(first)
        position = decode_cursor(after) if after is not None else None
        async with info.context.database.transaction() as session:
            views, more = await catalogue.products_page(session, size, position)
            total = await catalogue.product_count(session)
        edges = [ProductEdge(cursor=encode_cursor(v.position), node=Product.of(v)) for v in views]
        return ProductConnection(
            edges=edges,
            page_info=PageInfo.of([e.cursor for e in edges], has_next_page=more, after=after),
            total_count=total,
        )

    @strawberry.field(description="A product by id, or null if there is none.")
    async def product(self, info: CommerceInfo, id: IdArgument) -> Product | None:
        return await Product.resolve_reference(info, id)

    @strawberry.field(description="Flash sales that have not ended, soonest first (at most 100).")
    async def flash_sales(self, info: CommerceInfo) -> list[FlashSale]:
        async with info.context.database.transaction() as session:
            return [FlashSale.of(v) for v in await catalogue.current_flash_sales(session)]

    @strawberry.field(description="Membership plans, cheapest first.")
    async def membership_plans(self, info: CommerceInfo) -> list[MembershipPlan]:
        async with info.context.database.transaction() as session:
            return [MembershipPlan.of(v) for v in await catalogue.membership_plans(session)]
