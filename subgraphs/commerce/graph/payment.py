"""``Payment`` and ``payOrder``: starting a payment the provider confirms by webhook."""

from __future__ import annotations

from typing import Annotated

import strawberry

from subgraphs.commerce.checkout import PaymentView
from subgraphs.commerce.context import CommerceInfo
from subgraphs.commerce.graph.order_moves import order_key
from subgraphs.commerce.graph.orders import Order


@strawberry.type(description="A payment started for an order; the provider confirms it later.")
class Payment:
    id: strawberry.ID
    amount: int
    currency: str
    status: str = strawberry.field(
        description="CREATED, SUCCEEDED, REFUND_DUE (being refunded), REFUNDED or REFUND_FAILED."
    )
    checkout_url: str = strawberry.field(description="Where the buyer completes the payment.")
    view: strawberry.Private[PaymentView]

    @classmethod
    def of(cls, view: PaymentView) -> Payment:
        return cls(
            id=strawberry.ID(str(view.id)),
            amount=view.amount,
            currency=view.currency,
            status=view.status,
            checkout_url=view.checkout_url,
            view=view,
        )

    @strawberry.field(description="The order it pays.")
    async def order(self, info: CommerceInfo) -> Order | None:
        view = await info.context.loaders.orders.load(self.view.order_id)
        return Order.of(view) if view else None


@strawberry.type
class PaymentMutation:
    @strawberry.mutation(description="Start paying an unpaid order of yours.")
    async def pay_order(
        self,
        info: CommerceInfo,
        order_id: strawberry.ID,
        idempotency_key: Annotated[
            str, strawberry.argument(description="Your key for this payment: a retry reuses it.")
        ],
    ) -> Payment:
        user = info.context.require_viewer()
        view = await info.context.commerce.checkout.pay(user, order_key(order_id), idempotency_key)
        return Payment.of(view)
